"""activitynetqa end to end, predict-only (its score is Video-ChatGPT's GPT judge, which comes with the judge
issue): rows in the schema of lmms-eval/ActivityNetQA (test: video_name, question_id, question, answer,
type), tiny generated videos laid out by hand in the mirror's media folder (all_test/v_<name>.mp4, as the
repo's archives hold them), replayed answers recorded as they are, and lmms-eval 0.7.3's prompt."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hub_fixture import datasets, replay, write_split

from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/ActivityNetQA"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"video_name": STR, "question_id": STR, "question": STR, "answer": STR, "type": STR}
)
ROWS = [  # (video_name, question_id, question, answer, type)
    ("-JhWjGDPHMY", "v_-JhWjGDPHMY_1", "is the person in the video a man", "yes", "3"),
    ("-JhWjGDPHMY", "v_-JhWjGDPHMY_2", "what color is the ball", "red", "4"),
    ("xQvJmC2jhkA", "v_xQvJmC2jhkA_0", "what does the Woman do after the jump", "dance", "2"),
]


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


def test_activitynetqa_predict_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {name: [r[i] for r in ROWS] for i, name in enumerate(FEATURES)}
    write_split(root, REPO, "test", columns, FEATURES)
    for name in ("-JhWjGDPHMY", "xQvJmC2jhkA"):
        tiny_mp4(root / "hf" / REPO / "media" / "all_test" / f"v_{name}.mp4")
    (report,) = validate(["activitynetqa"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    answers = {r[1]: f"  {r[3].upper()}, I think.  " for r in ROWS}
    results, samples = replay(tmp_path, monkeypatch, "activitynetqa", root, answers)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    assert {k: s["response"] for k, s in samples.items()} == answers
    assert samples["v_-JhWjGDPHMY_2"]["target"] == "red"
    content = samples["v_xQvJmC2jhkA_0"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["video", "text"]
    assert content[0]["path"].endswith("media/all_test/v_xQvJmC2jhkA.mp4")
    # Python's str.capitalize: the first letter up, the rest down ("Woman" -> "woman"), then "?"
    assert content[1]["text"] == (
        "What does the woman do after the jump? Answer the question using a single word or phrase."
    )
