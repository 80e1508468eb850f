"""video_tt end to end: rows in the schema assumed for lmms-eval/video-tt (video_id, question,
question_prompt, answer, capability: the columns lmms-eval 0.7.3 reads) in its multiple-choice splits and
open-ended splits, tiny generated videos laid out by hand as its archives extract them
(Benchmark-AllVideos-LQ/<video_id>.mp4), messy replayed answers read as lmms-eval 0.7.3 reads them, accuracy
by hand overall and per capability; the open-ended tasks run predict-only."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/video-tt"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"video_id": STR, "question": STR, "question_prompt": STR, "answer": STR, "capability": STR}
)
OPTIONS = "A. a cat\nB. a dog\nC. a bird\nD. a fish"
ROWS = [  # (video_id, answer, capability, reply, read as)
    ("v1", "B", "Element Counting", "The best answer is: B", "B"),
    ("v2", "A", "Element Counting", "Clearly A", "C"),  # the C of "Clearly"
    ("v3", "D", "Plot Attribute", "D. a fish", "D"),
    ("v4", "C", "Plot Attribute", "i think it is the bird", None),
]
OPEN_ENDED = {
    "videott_all": "test_all",
    "videott_correctly_led_oe": "test_correctly_led_oe",
    "videott_wrongly_led_oe": "test_wrongly_led_oe",
    "videott_no_leading_oe": "test_no_leading_oe",
    "videott_paraphrase_oe": "test_paraphrased_oe",
}


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


def write_mc(root: Path, split: str) -> None:
    columns = {
        "video_id": [r[0] for r in ROWS],
        "question": [f"What animal appears in clip {r[0]}?" for r in ROWS],
        "question_prompt": [OPTIONS] * len(ROWS),
        "answer": [r[1] for r in ROWS],
        "capability": [r[2] for r in ROWS],
    }
    write_split(root, REPO, split, columns, FEATURES)
    for r in ROWS:
        tiny_mp4(root / "hf" / REPO / "media" / "Benchmark-AllVideos-LQ" / f"{r[0]}.mp4")


@pytest.mark.parametrize(("task", "split"), [("videott_single_mc", "test"), ("videott_single_mc_with_description", "test_mc_new")])  # fmt: skip
def test_videott_multiple_choice(
    task: str, split: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    write_mc(root, split)
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[3] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[str(i)]["extracted"] for i in range(4)] == [r[4] for r in ROWS]
    assert value(results, "exact_match") == pytest.approx(50.0)
    assert value(results, "exact_match", "capability", "Element Counting") == pytest.approx(50.0)
    assert value(results, "exact_match", "capability", "Plot Attribute") == pytest.approx(50.0)
    text = samples["0"]["prompt"][0]["content"][-1]["text"]
    assert text == f"\nWhat animal appears in clip v1?\n{OPTIONS}\n"


def test_videott_open_ended_predict_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "video_id": ["v1"],
        "question": ["Why does the cat jump?"],
        "question_prompt": ["Answer in one sentence."],
        "answer": ["It is startled by the cucumber."],
        "capability": ["Objective Causality"],
    }
    for split in OPEN_ENDED.values():
        write_split(root, REPO, split, columns, FEATURES)
    tiny_mp4(root / "hf" / REPO / "media" / "Benchmark-AllVideos-LQ" / "v1.mp4")
    for task in OPEN_ENDED:
        (tmp_path / task).mkdir()
        results, samples = replay(tmp_path / task, monkeypatch, task, root, {"0": "It got scared."})
        assert results["metrics"] == {} and samples["0"]["response"] == "It got scared."
