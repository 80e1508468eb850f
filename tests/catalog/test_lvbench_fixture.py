"""lvbench end to end: rows in the schema assumed for lmms-eval/LVBench (train; the original LVBench
``video_info.meta.jsonl`` QA fields: uid, question with its options inline, answer letter, question_type
list, time_reference, plus video_path), tiny generated videos laid out by hand in the mirror's media folder,
messy replayed answers read with lmms-eval 0.7.3's multiple-choice reader, accuracy by hand."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/LVBench"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "uid": STR,
        "key": STR,
        "question": STR,
        "answer": STR,
        "question_type": datasets.Sequence(STR),
        "time_reference": STR,
        "video_path": STR,
    }
)
Q = "What does the man hold{}?\n(A) a cup\n(B) a phone\n(C) a book\n(D) a key"
ROWS = [  # (uid, video, question suffix, answer, response, extracted)
    ("1", "videos/v1.mp4", "", "B", "The answer is (B).", "B"),
    (
        "2",
        "videos/v1.mp4",
        " first",
        "A",
        "I think the answer is not A but C.",
        "C",
    ),  # last letter after the phrase
    ("3", "videos/v2.mp4", " last", "D", "D. a key", "D"),
    ("4", "videos/v2.mp4", " now", "C", "I am not sure.", None),  # no capital choice letter
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


def test_lvbench_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "uid": [r[0] for r in ROWS],
        "key": ["k1", "k1", "k2", "k2"],
        "question": [Q.format(r[2]) for r in ROWS],
        "answer": [r[3] for r in ROWS],
        "question_type": [
            ["key information retrieval"],
            ["entity recognition"],
            ["reasoning"],
            ["summarization"],
        ],
        "time_reference": ["00:10-00:20", "", "01:00-01:30", ""],
        "video_path": [r[1] for r in ROWS],
    }
    write_split(root, REPO, "train", columns, FEATURES)
    for name in ("v1", "v2"):
        tiny_mp4(root / "hf" / REPO / "media" / "videos" / f"{name}.mp4")
    (report,) = validate(["lvbench"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "lvbench", root, {r[0]: r[4] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[r[0]]["extracted"] for r in ROWS] == [r[5] for r in ROWS]
    assert value(results, "exact_match") == pytest.approx(50.0)
    text = samples["1"]["prompt"][0]["content"][-1]["text"]
    assert text == Q.format("") + "\nAnswer the question with the option letter"
