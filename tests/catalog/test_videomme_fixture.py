"""videomme end to end: rows in the schema of lmms-eval/Video-MME (test; the features of lmms-lab/Video-MME's
card) in the mirror layout, tiny generated videos laid out as the archives extract them (``data/<videoID>.mp4``
under the media folder), messy replayed answers, and the official extraction's verdicts by hand, overall and
by duration, domain and task type.

``tiny_mp4`` is shared by the other video fixture tests of this batch."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

av = pytest.importorskip("av")

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "video_id": STR,
        "duration": STR,
        "domain": STR,
        "sub_category": STR,
        "url": STR,
        "videoID": STR,
        "question_id": STR,
        "task_type": STR,
        "question": STR,
        "options": datasets.Sequence(STR),
        "answer": STR,
    }
)
OPTIONS = ["A. Black.", "B. Gray.", "C. Green.", "D. Brown."]
ROWS = [  # (video_id, duration, domain, sub_category, videoID, question_id, task_type, answer, response, right)
    ("001", "short", "Knowledge", "Astronomy", "fFjv93ACGo8", "001-1", "Counting Problem", "C", "C", True),
    (
        "001",
        "short",
        "Knowledge",
        "Astronomy",
        "fFjv93ACGo8",
        "001-2",
        "OCR Problems",
        "A",
        "The answer is (A).",
        True,
    ),  # fmt: skip
    (
        "301",
        "medium",
        "Sports Competition",
        "Football",
        "aTmL1rdZ2xI",
        "301-1",
        "Counting Problem",
        "D",
        "Based on the video, D",
        False,
    ),  # fmt: skip
    (
        "301",
        "medium",
        "Sports Competition",
        "Football",
        "aTmL1rdZ2xI",
        "301-2",
        "Action Reasoning",
        "B",
        "gray",
        False,
    ),  # fmt: skip
    (
        "601",
        "long",
        "Life Record",
        "Travel",
        "q3D_7uVc2lE",
        "601-1",
        "Action Reasoning",
        "B",
        "The best answer is B",
        True,
    ),  # fmt: skip
]


def tiny_mp4(path: Path, gray: int = 100, frames: int = 8, size: int = 16) -> Path:
    """Write a tiny flat-gray mp4 (``frames`` frames at 4 fps) at ``path``."""
    import numpy as np

    buf = io.BytesIO()
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    with av.open(buf, mode="w", format="mp4") as out:
        stream = out.add_stream(codec, rate=4)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            plane = np.full((size * 3 // 2, size), 128, dtype=np.uint8)
            plane[:size] = gray
            frame = av.VideoFrame.from_ndarray(plane, format="yuv420p")
            frame.pts, frame.time_base = i, Fraction(1, 4)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path


def test_videomme_official_extraction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    keys = ["video_id", "duration", "domain", "sub_category", "videoID", "question_id", "task_type", "answer"]
    columns: dict[str, list[Any]] = {key: [r[i] for r in ROWS] for i, key in enumerate(keys)}
    columns |= {
        "url": [f"https://www.youtube.com/watch?v={r[4]}" for r in ROWS],
        "question": [
            f"Question {r[5]}: what is the color of the clothing worn by the persons?" for r in ROWS
        ],
        "options": [OPTIONS] * len(ROWS),
    }
    write_split(root, "lmms-eval/Video-MME", "test", columns, FEATURES)
    for i, vid in enumerate(sorted({r[4] for r in ROWS})):  # distinct frames: requests are keyed by content
        tiny_mp4(root / "hf" / "lmms-eval/Video-MME" / "media" / "data" / f"{vid}.mp4", gray=40 + 60 * i)
    (report,) = validate(["videomme"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "videomme", root, {r[5]: r[8] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[r[5]]["extracted"] for r in ROWS] == ["C", "A", "B", None, "B"]
    assert [samples[r[5]]["scores"]["videomme_perception_score"] == 1.0 for r in ROWS] == [r[9] for r in ROWS]
    key = "videomme_perception_score"
    assert value(results, key) == pytest.approx(60.0)
    assert value(results, key, "duration", "short") == pytest.approx(100.0)
    assert value(results, key, "duration", "medium") == pytest.approx(0.0)
    assert value(results, key, "duration", "long") == pytest.approx(100.0)
    assert value(results, key, "domain", "Sports Competition") == pytest.approx(0.0)
    assert value(results, key, "task_type", "Counting Problem") == pytest.approx(50.0)
    assert value(results, key, "task_type", "Action Reasoning") == pytest.approx(50.0)
    assert value(results, key, "sub_category", "Astronomy") == pytest.approx(100.0)
    prompt = samples["001-1"]["prompt"][0]["content"]
    assert prompt[0]["type"] == "video" and prompt[0]["path"].endswith("data/fFjv93ACGo8.mp4")
    assert prompt[1]["text"].endswith(
        "D. Brown.\n\nAnswer with the option's letter from the given choices directly."
    )
