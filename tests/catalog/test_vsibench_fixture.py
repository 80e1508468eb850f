"""vsibench end to end: rows in nyu-visionx/VSI-Bench's schema (config full, test: id, dataset, scene_name,
question_type, question, ground_truth, options), tiny generated videos laid out by hand as the archives
extract them (<dataset>/<scene_name>.mp4), messy replayed answers, and the official scores by hand:
accuracy of the first token for multiple choice, Mean Relative Accuracy for numbers, the overall mean over
question types with the three relative-direction types averaged first."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.scoring.vsibench import QUESTION_TYPES
from lmms_eval.tasks.validate import validate

REPO = "nyu-visionx/VSI-Bench"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "id": datasets.Value("int64"),
        "dataset": STR,
        "scene_name": STR,
        "question_type": STR,
        "question": STR,
        "ground_truth": STR,
        "options": datasets.Sequence(STR),
    }
)
OPTS = ["A. left", "B. right", "C. back", "D. front"]
ROWS = [  # (question_type, ground truth, options, reply, score)
    ("object_counting", "3", None, "3", 1.0),
    ("object_counting", "10", None, "11.1", 0.8),  # |11.1-10|/10 = 0.11 <= 1-t for t = .50 ... .85
    ("room_size_estimation", "20", None, "about 20", 0.0),  # the first token is no number
    ("room_size_estimation", "20", None, "26.2 square meters", 0.4),  # 0.31 <= 1-t for t = .50 ... .65
    ("route_planning", "B", OPTS, "B. Turn right", 1.0),
    ("obj_appearance_order", "C", OPTS, " C", 0.0),  # a leading space: the first token is ""
    ("object_rel_direction_easy", "A", OPTS, "a", 1.0),
    ("object_rel_direction_medium", "D", OPTS, "D", 1.0),
    ("object_rel_direction_hard", "B", OPTS, "The answer is B", 0.0),
]
SCENES = [("scannet", "scene0011_00"), ("arkitscenes", "41069025"), ("scannetpp", "09c1414f1b")]


def tiny_mp4(path: Path, frames: int = 8, size: int = 16, fps: int = 4) -> None:
    """A few flat gray frames as an mp4 (mpeg4 codec), enough to decode."""
    import av
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((size, size, 3), 16 * i, np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def test_vsibench_official_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    scenes = [SCENES[i % 3] for i in range(len(ROWS))]
    columns = {
        "id": list(range(len(ROWS))),
        "dataset": [s[0] for s in scenes],
        "scene_name": [s[1] for s in scenes],
        "question_type": [r[0] for r in ROWS],
        "question": [f"Question {i} about the room?" for i in range(len(ROWS))],
        "ground_truth": [r[1] for r in ROWS],
        "options": [r[2] for r in ROWS],
    }
    write_split(root, REPO, "test", columns, FEATURES, config="full")
    for dataset, scene in SCENES:
        tiny_mp4(root / "hf" / REPO / "media" / dataset / f"{scene}.mp4")
    (report,) = validate(["vsibench"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(
        tmp_path, monkeypatch, "vsibench", root, {str(i): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (9, 9)
    codes = [2 * QUESTION_TYPES.index(r[0]) + r[4] for r in ROWS]  # each score tagged with its type
    assert [samples[str(i)]["scores"]["overall"] for i in range(9)] == pytest.approx(codes)
    # counting .9, room size .2, route 1, appearance 0, direction (1 + 1 + 0) / 3
    assert value(results, "overall") == pytest.approx(100 * (0.9 + 0.2 + 1 + 0 + 2 / 3) / 5)
    for kind, expected in (("object_counting", 90.0), ("room_size_estimation", 20.0), ("route_planning", 100.0),
                           ("object_rel_direction_hard", 0.0), ("object_rel_direction_easy", 100.0)):  # fmt: skip
        assert value(results, "overall", "question_type", kind) == pytest.approx(expected)
    na = samples["0"]["prompt"][0]["content"][-1]["text"]
    assert na == "These are frames of a video.\nQuestion 0 about the room?\nPlease answer the question using a single word or phrase."  # fmt: skip
    mca = samples["4"]["prompt"][0]["content"][-1]["text"]
    assert mca == (
        "These are frames of a video.\nQuestion 4 about the room?\nOptions:\nA. left\nB. right\nC. back\nD. front\n"
        "Answer with the option's letter from the given choices directly."
    )


def test_vsibench_debiased_reads_its_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "id": [7, 9],
        "dataset": ["scannet", "scannet"],
        "scene_name": ["scene0011_00", "scene0011_00"],
        "question_type": ["object_size_estimation", "object_rel_distance"],
        "question": ["How long is the sofa (cm)?", "Which object is closest to the door?"],
        "ground_truth": ["200", "A"],
        "options": [None, OPTS],
    }
    write_split(root, REPO, "test", columns, FEATURES, config="debiased")
    tiny_mp4(root / "hf" / REPO / "media" / "scannet" / "scene0011_00.mp4")
    results, samples = replay(tmp_path, monkeypatch, "vsibench_debiased", root, {"7": "190", "9": "B"})
    assert (results["n_docs"], results["n_scored"]) == (2, 2)
    # |190-200|/200 = 0.05 <= 1-t for all ten thresholds: MRA 1; the letter is wrong: 0
    assert value(results, "overall") == pytest.approx(50.0)
    assert value(results, "overall", "question_type", "object_size_estimation") == pytest.approx(100.0)
