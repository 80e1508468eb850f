"""Each answer records how its videos were sampled: the policy (frames / fps), who set it (task, model or
the decoder's default), and the presentation time of every frame the model was given; the record lives in
the journal with the answer, so a resumed run writes the same samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.cli.main import main
from lmms_eval.core.types import MediaPart, VideoPart
from lmms_eval.media.video import decode_video
from lmms_eval.models import MODELS
from lmms_eval.models.dummy import DummyModel


class FourFramesModel(DummyModel):
    """A model whose declared video policy (4 frames) overrides the task's."""

    name = "dummy_four_frames"

    def adjust_media(self, part: MediaPart) -> None:
        if isinstance(part, VideoPart):
            part.num_frames = 4


def _samples(out: Path, model: str) -> list[dict]:
    run_dir = sorted(out.glob(f"{model}/*/"))[-1]
    return [json.loads(x) for x in (run_dir / "samples_synthetic_video_count.jsonl").read_text().splitlines()]


def _run(out: Path, model: str) -> int:
    argv = ["run", "--model", model, "--tasks", "synthetic_video_count", "--limit", "3"]
    return main([*argv, "--output_path", str(out)])


def test_the_task_policy_and_the_frame_times_are_recorded(tmp_path: Path) -> None:
    assert _run(tmp_path / "out", "dummy") == 0
    samples = _samples(tmp_path / "out", "dummy")
    assert len(samples) == 3
    for s in samples:
        (media,) = s["media"]
        assert (media["num_frames"], media["fps"], media["policy"]) == (16, None, "task")
        assert media["path"] == s["prompt"][0]["content"][0]["path"]
        times = media["timestamps_s"]
        assert len(times) == 16 and times == sorted(times)
        assert media["duration_s"] == pytest.approx(3.0, abs=0.2) and media["video_fps"] == pytest.approx(8.0)
        # the frames on screen at the centres of 16 equal segments of the clip (module doc of media.video)
        part = VideoPart.model_validate({"ref": {"path": media["path"]}, "num_frames": 16})
        assert decode_video(part).timestamps_s == pytest.approx(times)


def test_a_model_policy_is_recorded_as_the_model_s_and_survives_a_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(MODELS._loaded, "dummy_four_frames", FourFramesModel)
    out = tmp_path / "out"
    assert _run(out, "dummy_four_frames") == 0
    first = _samples(out, "dummy_four_frames")
    for s in first:
        (media,) = s["media"]
        assert (media["num_frames"], media["policy"], len(media["timestamps_s"])) == (4, "model", 4)
    assert _run(out, "dummy_four_frames") == 0  # every answer comes from the journal this time
    second = _samples(out, "dummy_four_frames")
    assert [s["media"] for s in second] == [s["media"] for s in first]
