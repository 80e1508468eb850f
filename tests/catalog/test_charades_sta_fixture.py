"""temporal_grounding_charades end to end: rows in the schema of lmms-eval/charades_sta (test: video file
name, caption, timestamp as float16 [start, end]), tiny generated videos laid out by hand in the mirror's
media folder, messy replayed answers, and R@1 / mIoU computed by hand from lmms-eval 0.7.3's rules."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/charades_sta"
TASK = "temporal_grounding_charades"
FEATURES = datasets.Features(
    {
        "video": datasets.Value("string"),
        "caption": datasets.Value("string"),
        "timestamp": datasets.Sequence(datasets.Value("float16")),
    }
)
ROWS = [  # (video, caption, [start, end], response, extracted span)
    (
        "AAAAA.mp4",
        "person turn a light on.",
        [0.0, 10.0],
        "The event happens in 0 - 10 seconds.",
        [0.0, 10.0],
    ),
    ("AAAAA.mp4", "person opens the door.", [5.0, 15.0], "It starts at 0:10 and ends at 0:20.", [10.0, 20.0]),
    (
        "BBBBB.mp4",
        "person cooks at the stove.",
        [2.5, 12.5],
        "The stove is used from 20 to 4.5.",
        [4.5, 20.0],
    ),
    ("BBBBB.mp4", "person sits down.", [1.0, 9.0], "I cannot tell.", None),
    ("BBBBB.mp4", "person holds a cup.", [3.0, 9.0], "The event happens in 3.5 - 9 seconds.", [3.5, 9.0]),
    ("AAAAA.mp4", "person laughs.", [24.3, 30.4], "24.3 - 30.4", [24.3, 30.4]),
]
PROMPT = (
    "Please find the visual event described by a sentence in the video, determining its starting and ending "
    "times. The format should be: 'The event happens in the start time - end time'. For example, The event "
    "'person turn a light on' happens in the 24.3 - 30.4 seonds. Now I will give you the textual sentence: "
    "{}. Please return its start time and end time."
)


def tiny_mp4(path: Path, frames: int = 8, size: int = 16, fps: int = 4) -> None:
    """A few flat gray frames as an mp4 (mpeg4 codec), enough to decode."""
    import av

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


def test_charades_sta_recall_and_miou(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "video": [r[0] for r in ROWS],
        "caption": [r[1] for r in ROWS],
        "timestamp": [r[2] for r in ROWS],
    }
    write_split(root, REPO, "test", columns, FEATURES)
    for name in ("AAAAA", "BBBBB"):
        tiny_mp4(root / "hf" / REPO / "media" / "Charades_v1_480" / f"{name}.mp4")
    (report,) = validate([TASK], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, TASK, root, {str(i): r[3] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (6, 6, 0)
    assert [samples[str(i)]["extracted"] for i in range(6)] == [
        None if r[4] is None else f"[{r[4][0]}, {r[4][1]}]" for r in ROWS
    ]
    # the last span is compared with the float16 annotation, as 0.7.3 reads the column
    lo, hi = (float(np.float16(x)) for x in ROWS[5][2])
    ious = [1.0, 5 / 15, 8 / 17.5, 0.0, 5.5 / 6, (30.4 - 24.3) / (hi - lo)]
    assert ious[5] < 1.0 and ious[5] > 0.99
    assert value(results, "mIoU") == pytest.approx(100 * sum(ious) / 6)
    assert value(results, "R@1_IoU0.3") == pytest.approx(100 * 5 / 6)
    assert value(results, "R@1_IoU0.5") == pytest.approx(100 * 3 / 6)
    assert value(results, "R@1_IoU0.7") == pytest.approx(100 * 3 / 6)
    assert samples["5"]["target"] == f"{lo} - {hi}" == "24.296875 - 30.40625"
    prompt = samples["0"]["prompt"][0]["content"]
    assert [p["type"] for p in prompt] == ["video", "text"]
    # the split's captions end with "." and 0.7.3 appends ". " after them: "on.. Please"
    assert prompt[1]["text"] == PROMPT.format("person turn a light on.")
    assert "person turn a light on.. Please return" in prompt[1]["text"]
