"""video_mmmu end to end: rows in the schema assumed for lmms-eval/VideoMMMU (configs Perception,
Comprehension, Adaptation; test: id, question, options, answer, question_type: the columns lmms-eval 0.7.3
reads), tiny generated videos laid out by hand in their discipline folders, messy replayed answers read as
lmms-eval 0.7.3 reads them, accuracy by hand per track, per subject and pooled by the group."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, value, write_split

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/VideoMMMU"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"id": STR, "question": STR, "options": datasets.Sequence(STR), "answer": STR, "question_type": STR}
)
MC = "multiple-choice"
# (config, task, id, options, answer, question_type, reply, right)
ROWS = [
    ("Perception", "video_mmmu_perception", "test_Math_1", ["12", "14", "16"], "B", MC, "The answer is (B).", True),
    ("Perception", "video_mmmu_perception", "test_Music_2", ["A. waltz", "B. march"], "A", MC, "I pick B", False),
    ("Comprehension", "video_mmmu_comprehension", "test_Physics_3", ["up", "down"], "A", MC, "A. up", True),
    ("Adaptation", "video_mmmu_adaptation", "test_Finance_4", [], "1,250", "open", "So the total is 1250 dollars", True),
    ("Adaptation", "video_mmmu_adaptation", "test_Finance_5", ["x", "y", "z", "w"], "D", MC, "none fits", False),
    ("Adaptation", "video_mmmu_adaptation", "test_History_6", [], "Rome", "open", "", False),  # empty: wrong here
]  # fmt: skip
FOLDERS = {
    "Math": "Science",
    "Music": "Art",
    "Physics": "Science",
    "Finance": "Business",
    "History": "Humanities",
}


def tiny_mp4(path: Path, shade: int = 0, frames: int = 8, size: int = 16, fps: int = 4) -> None:
    """A few flat gray frames (from ``shade`` up) as an mp4 (mpeg4 codec), enough to decode."""
    import av
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(
                np.full((size, size, 3), shade + 16 * i, np.uint8), format="rgb24"
            )
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def write_data(root: Path) -> None:
    for config in ("Perception", "Comprehension", "Adaptation"):
        rows = [r for r in ROWS if r[0] == config]
        columns = {
            "id": [r[2] for r in rows],
            "question": [f"Question {r[2]}?" for r in rows],
            "options": [r[3] for r in rows],
            "answer": [r[4] for r in rows],
            "question_type": [r[5] for r in rows],
        }
        write_split(root, REPO, "test", columns, FEATURES, config=config)
    for i, r in enumerate(ROWS):
        subject = r[2].split("_")[1]
        tiny_mp4(root / "hf" / REPO / "media" / FOLDERS[subject] / f"{r[2]}.mp4", shade=i)


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: Path) -> tuple[dict[str, Any], Path]:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "predictions.jsonl"
    preds.write_text(
        "".join(json.dumps({"task": r[1], "doc_id": r[2], "response": r[6]}) + "\n" for r in ROWS)
    )
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "video_mmmu", "--data_root",
         str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    run_dir = next(out.glob("replay/*/"))
    data = json.loads((run_dir / "results.json").read_text())
    return {**data["results"], **data["groups"]}, run_dir


def test_video_mmmu_tracks_and_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_data(root)
    tasks = ["video_mmmu_perception", "video_mmmu_comprehension", "video_mmmu_adaptation"]
    for report in validate(tasks, data_root=root):
        assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, run_dir = run(tmp_path, monkeypatch, root)
    assert value(results["video_mmmu_perception"], "accuracy") == pytest.approx(50.0)
    assert value(results["video_mmmu_comprehension"], "accuracy") == pytest.approx(100.0)
    assert value(results["video_mmmu_adaptation"], "accuracy") == pytest.approx(100 / 3)
    assert value(results["video_mmmu_adaptation"], "accuracy", "subject", "Finance") == pytest.approx(50.0)
    assert value(results["video_mmmu"], "accuracy") == pytest.approx(50.0)  # 3 of 6
    lines = (run_dir / "samples_video_mmmu_adaptation.jsonl").read_text().splitlines()
    samples = {s["doc_id"]: s for s in map(json.loads, lines)}
    assert samples["test_Finance_5"]["extracted"] == "No Answer Found."
    mcq, open_ = (
        samples[i]["prompt"][0]["content"][-1]["text"] for i in ("test_Finance_5", "test_Finance_4")
    )
    head = (
        "You should watch and learn the video content. Then apply what you learned to answer the following "
    )
    assert mcq == head + (
        "multi-choice question. The image for this question is at the end of the video.\n"
        "Question test_Finance_5?\nA. x\nB. y\nC. z\nD. w"
    )
    assert open_ == head + (
        "open-ended question. The image for this question is at the end of the video.\nQuestion test_Finance_4?"
    )
    lines = (run_dir / "samples_video_mmmu_perception.jsonl").read_text().splitlines()
    perception = {s["doc_id"]: s for s in map(json.loads, lines)}
    assert perception["test_Music_2"]["prompt"][0]["content"][-1]["text"] == (
        "Question test_Music_2?\nA. waltz\nB. march\nPlease ignore the Quiz question in last frame of the video."
    )
