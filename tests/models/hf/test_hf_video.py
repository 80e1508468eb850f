"""Video through the hf backend: the processor gets the clip's real frame times, and Qwen2/2.5-VL frames are
sized by the reference rules of qwen-vl-utils."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

pytest.importorskip("transformers")
pytest.importorskip("torchvision")

from tiny_models import FAMILIES as BUILDERS  # noqa: E402

from lmms_eval.core.types import MediaRef, Message, Request, TextPart, VideoPart  # noqa: E402
from lmms_eval.media.decode import decode_part  # noqa: E402
from lmms_eval.media.video import VideoFrames  # noqa: E402


def _clip(path: Path, seconds: float, fps: int, width: int = 64, height: int = 48) -> Path:
    """An h264 (or mpeg4) clip of ``seconds * fps`` frames, frame i filled with a gray level of its own."""
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(round(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(
                np.full((height, width, 3), (7 * i) % 256, dtype=np.uint8), format="rgb24"
            )
            frame.pts, frame.time_base = i, Fraction(1, fps)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def load(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Any]:
    """family -> the hf backend on its tiny model (built once per module)."""
    from lmms_eval.models import MODELS

    loaded: dict[str, Any] = {}

    def get(family: str) -> Any:
        if family not in loaded:
            path = BUILDERS[family](tmp_path_factory.mktemp(family))
            loaded[family] = MODELS.get(family).from_args({"pretrained": str(path)})
        return loaded[family]

    return get


def _video_request(model: Any, clip: Path, num_frames: int) -> tuple[Request, VideoFrames]:
    part = VideoPart(ref=MediaRef(path=str(clip)), num_frames=num_frames)
    model.adjust_media(part)
    part.decoded = decode_part(part)
    request = Request(messages=[Message(role="user", content=[part, TextPart(text="Which way?")])])
    return request, part.decoded


def _prompt(model: Any, inputs: Any) -> str:
    return str(model.tokenizer.decode(inputs["input_ids"][0]))


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _clip(tmp_path_factory.mktemp("clip") / "eight_seconds.mp4", seconds=8.0, fps=10)


def test_qwen3_vl_prompt_shows_the_frames_real_times(load: Callable[[str], Any], clip: Path) -> None:
    """Qwen3-VL writes ``<t seconds>`` before each temporal patch (2 frames): the mean time of its frames."""
    model = load("qwen3_vl")
    request, frames = _video_request(model, clip, num_frames=4)
    assert frames.timestamps_s == pytest.approx([1.0, 3.0, 5.0, 7.0])
    inputs = model._inputs([request])
    shown = [float(t) for t in re.findall(r"<([0-9.]+) seconds>", _prompt(model, inputs))]
    t = frames.timestamps_s
    assert shown == pytest.approx([(t[0] + t[1]) / 2, (t[2] + t[3]) / 2])  # 2.0 and 6.0
    assert inputs["video_grid_thw"][0][0] == 2, "all four sampled frames reach the model"


def test_smolvlm_prompt_shows_the_frames_real_times(load: Callable[[str], Any], clip: Path) -> None:
    model = load("smolvlm")
    request, frames = _video_request(model, clip, num_frames=4)
    prompt = _prompt(model, model._inputs([request]))
    assert "four frames from a 0:00:08 [H:MM:SS] video" in prompt
    expected = [f"{int(s) // 60:02d}:{int(s) % 60:02d}" for s in frames.timestamps_s]
    assert re.findall(r"Frame from (\d\d:\d\d):", prompt) == expected == ["00:01", "00:03", "00:05", "00:07"]


def test_qwen2_5_vl_temporal_positions_use_the_sampled_fps(load: Callable[[str], Any], clip: Path) -> None:
    """Qwen2.5-VL's time position ids step by ``second_per_grid_ts``: temporal_patch_size / sampled fps."""
    model = load("qwen2_5_vl")
    request, frames = _video_request(model, clip, num_frames=4)
    inputs = model._inputs([request])
    sampled_fps = len(frames) / frames.duration_s  # 4 frames over 8 s
    assert inputs["second_per_grid_ts"].tolist() == pytest.approx([2 / sampled_fps])  # 4 s per patch


# ---- qwen-vl-utils' frame size rules (vision_process.py, fetch_video + smart_resize) ------------------------
FACTOR = 28  # patch 14 x spatial merge 2
VIDEO_MIN_PIXELS = 128 * FACTOR * FACTOR
VIDEO_MAX_PIXELS = 768 * FACTOR * FACTOR
VIDEO_TOTAL_PIXELS = 128000 * FACTOR * FACTOR * 0.9
FRAME_FACTOR = 2


def _reference_frame_pixels(height: int, width: int, nframes: int) -> int:
    """Pixels of one frame as qwen-vl-utils resizes it, from its documented rules."""
    max_pixels = max(
        min(VIDEO_MAX_PIXELS, VIDEO_TOTAL_PIXELS / nframes * FRAME_FACTOR), int(VIDEO_MIN_PIXELS * 1.05)
    )
    h_bar = max(FACTOR, round(height / FACTOR) * FACTOR)
    w_bar = max(FACTOR, round(width / FACTOR) * FACTOR)
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        h_bar = math.floor(height / beta / FACTOR) * FACTOR
        w_bar = math.floor(width / beta / FACTOR) * FACTOR
    elif h_bar * w_bar < VIDEO_MIN_PIXELS:
        beta = math.sqrt(VIDEO_MIN_PIXELS / (height * width))
        h_bar = math.ceil(height * beta / FACTOR) * FACTOR
        w_bar = math.ceil(width * beta / FACTOR) * FACTOR
    return h_bar * w_bar


@pytest.mark.parametrize("family", ["qwen2_vl", "qwen2_5_vl"])
@pytest.mark.parametrize(
    ("width", "height", "num_frames"),
    [(64, 48, 4), (1280, 720, 6)],
    ids=["small_clip_raised_to_128_tokens", "hd_clip_capped_at_768_tokens"],
)
def test_qwen2_vl_video_frames_follow_qwen_vl_utils(
    family: str, width: int, height: int, num_frames: int, load: Callable[[str], Any], tmp_path: Path
) -> None:
    model = load(family)
    clip = _clip(tmp_path / "clip.mp4", seconds=2.0, fps=5, width=width, height=height)
    request, frames = _video_request(model, clip, num_frames=num_frames)
    assert len(frames) == num_frames and frames.frames[0].size == (width, height)
    t, h, w = model._inputs([request])["video_grid_thw"][0].tolist()
    patch = model.processor.video_processor.patch_size
    assert t == math.ceil(num_frames / FRAME_FACTOR)
    assert h * w * patch * patch == _reference_frame_pixels(height, width, num_frames)
