"""tomato end to end: rows in the schema assumed for lmms-eval/TOMATO (test: id, question, options list,
answer as a 0-based index, reason_type, demonstration_type, video_path; the columns lmms-eval 0.7.3 reads),
tiny generated videos laid out by hand in the mirror's media folder, messy replayed answers read with
lmms-eval 0.7.3's rule parser, accuracy by hand overall and per reason and demonstration type."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/TOMATO"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "id": STR,
        "question": STR,
        "options": datasets.Sequence(STR),
        "answer": datasets.Value("int64"),
        "reason_type": STR,
        "demonstration_type": STR,
        "video_path": STR,
    }
)
DIRS = ["left", "right", "up", "down"]
COUNTS = ["0", "1", "2", "3", "4", "5"]
ROWS = [  # (id, options, answer index, reason, demonstration, response, read as)
    ("direction-1", DIRS, 1, "direction", "human", "(B) right", "B"),
    ("direction-2", DIRS, 3, "direction", "object", "The answer is D", "D"),
    ("count-1", COUNTS, 0, "count", "human", "Answer: C", "A"),  # the A of "Answer" and C: the first one
    (
        "count-2",
        COUNTS,
        4,
        "count",
        "simulated",
        "I count the claps and get 4 of them in total",
        "E",
    ),  # option text
    ("direction-3", DIRS, 2, "direction", "simulated", "I'm not sure about this", "A"),  # fallback
]


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


def test_tomato_accuracy_and_breakdowns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "id": [r[0] for r in ROWS],
        "question": [f"Question {r[0]}?" for r in ROWS],
        "options": [r[1] for r in ROWS],
        "answer": [r[2] for r in ROWS],
        "reason_type": [r[3] for r in ROWS],
        "demonstration_type": [r[4] for r in ROWS],
        "video_path": [f"videos/{r[3]}/{r[0]}.mp4" for r in ROWS],
    }
    write_split(root, REPO, "test", columns, FEATURES)
    for r in ROWS:
        tiny_mp4(root / "hf" / REPO / "media" / "videos" / r[3] / f"{r[0]}.mp4")
    (report,) = validate(["tomato"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "tomato", root, {r[0]: r[5] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[r[0]]["extracted"] for r in ROWS] == [r[6] for r in ROWS]
    assert value(results, "exact_match") == pytest.approx(80.0)  # all but direction-3
    assert value(results, "exact_match", "reason_type", "direction") == pytest.approx(200 / 3)
    assert value(results, "exact_match", "reason_type", "count") == pytest.approx(100.0)
    assert value(results, "exact_match", "demonstration_type", "simulated") == pytest.approx(50.0)
    assert value(results, "exact_match", "demonstration_type", "human") == pytest.approx(100.0)
    text = samples["direction-1"]["prompt"][0]["content"][-1]["text"]
    assert "<question> \nQuestion direction-1? \n</question>" in text
    assert "<options> \n{'A': 'left', 'B': 'right', 'C': 'up', 'D': 'down'} \n</options>" in text
    assert text.startswith("You will be provided with frames") and text.endswith(
        "'NOT POSSIBLE TO DETERMINE.' \n"
    )
