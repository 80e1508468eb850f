"""vinoground end to end: the rows of HanSolo9682/Vinoground's vinoground_textscore.json and
vinoground_videoscore.json (idx, question, GT, video_name; the fields Vinoground's and lmms-eval 0.7.3's code
read) as the mirrored split of those data files, tiny generated videos laid out by hand as the archives
extract them, messy replayed answers, and the text, video and group scores by hand."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

REPO = "HanSolo9682/Vinoground"
STR = datasets.Value("string")
FEATURES = datasets.Features({"idx": STR, "question": STR, "GT": STR, "video_name": STR})
TEXT_Q = "Which caption best describes this video?\nA. {}\nB. {}"
VIDEO_Q = "Which segment matches the caption '{}'?\nA. the first\nB. the second"
# (idx, kind, answer, reply, right)
ROWS = [
    ("0_pos", "text", "A", "A", True),
    ("0_neg", "text", "B", "b. the man sits, then stands", True),
    ("0_pos", "video", "B", "B", True),
    ("0_neg", "video", "A", "A) the first", True),
    ("1_pos", "text", "B", "B", True),
    ("1_neg", "text", "A", "The answer is A", False),  # the first character is "T"
    ("1_pos", "video", "A", "a", True),
    ("1_neg", "video", "B", "B", True),
]
FOLDER = {"text": "vinoground_videos", "video": "vinoground_videos_concated"}


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


def test_vinoground_text_video_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    names = [f"{FOLDER[r[1]]}/{r[0]}.mp4" for r in ROWS]
    columns = {
        "idx": [r[0] for r in ROWS],
        "question": [TEXT_Q.format("x", "y") if r[1] == "text" else VIDEO_Q.format(r[0]) for r in ROWS],
        "GT": [r[2] for r in ROWS],
        "video_name": names,
    }
    write_split(root, REPO, "train", columns, FEATURES)
    for i, name in enumerate(names):
        tiny_mp4(root / "hf" / REPO / "media" / name, shade=i)
    (report,) = validate(["vinoground"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(
        tmp_path, monkeypatch, "vinoground", root, {n: r[3] for n, r in zip(names, ROWS, strict=True)}
    )
    assert (results["n_docs"], results["n_scored"]) == (8, 8)
    assert [samples[n]["extracted"] for n in names] == [r[3][0] for r in ROWS]
    assert value(results, "text_score") == pytest.approx(50.0)  # pair 1 misses a text question
    assert value(results, "video_score") == pytest.approx(100.0)
    assert value(results, "group_score") == pytest.approx(50.0)
    text = samples[names[0]]["prompt"][0]["content"][-1]["text"]
    assert text == TEXT_Q.format("x", "y") + "\nPlease only output one English character."
