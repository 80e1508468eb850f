from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from lmms_eval.core.types import MediaRef, VideoPart
from lmms_eval.media import video as video_mod
from lmms_eval.media.decode import decode_part
from lmms_eval.media.errors import MediaError
from lmms_eval.media.video import VideoFrames, decode_video, sample_timestamps

SIZE, FPS = 64, 10


def _brightness(index: int) -> int:
    """The luma (limited range, 16..235) that encodes frame ``index`` (modulo 40)."""
    return 16 + 5 * (index % 40)


def _encode(path: Path, seconds: float, gop: int) -> Path:
    """An h264 (or mpeg4) video whose frame ``i`` is flat gray at brightness ``16 + 5 * i``."""
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream(codec, rate=FPS)
        stream.width = stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        stream.gop_size = gop
        stream.options = {"crf": "10", "preset": "ultrafast"} if codec == "libx264" else {}
        for i in range(round(seconds * FPS)):
            y = np.full((SIZE * 3 // 2, SIZE), 128, dtype=np.uint8)
            y[:SIZE] = _brightness(i)
            frame = av.VideoFrame.from_ndarray(y, format="yuv420p")
            frame.pts = i
            frame.time_base = Fraction(1, FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _encode(tmp_path_factory.mktemp("video") / "count.mp4", seconds=4.0, gop=10)


def _indices(result: VideoFrames) -> list[int]:
    """The frame index each returned frame shows, read back from its brightness."""
    out = []
    for image in result.frames:
        luma = np.asarray(image.convert("L"), dtype=np.float32).mean()
        out.append(round(luma * 219 / 255 / 5))  # RGB is full range: (Y - 16) * 255 / 219
    return out


def test_sample_timestamps_rules() -> None:
    assert sample_timestamps(4.0, num_frames=4) == [0.5, 1.5, 2.5, 3.5]
    assert sample_timestamps(4.0, fps=2) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    assert sample_timestamps(4.0, fps=2, num_frames=4) == [0.5, 1.5, 2.5, 3.5]
    assert sample_timestamps(4.0, fps=1, num_frames=10) == [0.0, 1.0, 2.0, 3.0]
    assert len(sample_timestamps(4.0)) == 8
    with pytest.raises(ValueError):
        sample_timestamps(4.0, num_frames=0)
    with pytest.raises(ValueError):
        sample_timestamps(4.0, fps=0)


def test_num_frames_sampling(clip: Path) -> None:
    result = decode_video(VideoPart(ref=MediaRef(path=str(clip)), num_frames=4))
    assert result.timestamps_s == pytest.approx([0.5, 1.5, 2.5, 3.5])
    assert _indices(result) == [5, 15, 25, 35]
    assert result.fps == pytest.approx(FPS)
    assert result.duration_s == pytest.approx(4.0)
    assert all(im.mode == "RGB" and im.size == (SIZE, SIZE) for im in result.frames)


def test_fps_sampling(clip: Path) -> None:
    result = decode_part(VideoPart(ref=MediaRef(path=str(clip)), fps=2.0))
    assert result.timestamps_s == pytest.approx([0.5 * k for k in range(8)])
    assert _indices(result) == [5 * k for k in range(8)]


def test_frame_indices_are_the_sampled_frames_numbers(clip: Path) -> None:
    """What the hf backend hands a video processor as ``VideoMetadata``: the sampled frames' numbers in the
    source at its fps (read back from their brightness), the source's frame count, so that
    ``index / fps`` is each frame's time."""
    result = decode_video(VideoPart(ref=MediaRef(path=str(clip)), fps=2.0, num_frames=5))
    assert result.index_fps() == pytest.approx(FPS)
    assert result.frame_indices() == _indices(result) == [0, 10, 20, 25, 35]
    assert result.total_frames() == 40
    assert [i / FPS for i in result.frame_indices()] == pytest.approx(result.timestamps_s)


def test_frame_indices_without_a_known_fps_count_milliseconds() -> None:
    frames = VideoFrames(frames=[], timestamps_s=[0.5, 1.25, 2.9996], fps=None, duration_s=2.5)
    assert frames.index_fps() == 1000.0
    assert frames.frame_indices() == [500, 1250, 3000]
    assert frames.total_frames() == 3001, "at least one past the last sampled frame"
    assert frames.frame_indices(fps=4.0) == [2, 5, 12]


def test_fps_capped_by_num_frames(clip: Path) -> None:
    result = decode_video(VideoPart(ref=MediaRef(path=str(clip)), fps=5.0, num_frames=5))
    assert _indices(result) == [2 * k for k in (2, 6, 10, 14, 18)]


def test_every_frame_and_beyond(clip: Path) -> None:
    result = decode_video(VideoPart(ref=MediaRef(path=str(clip)), num_frames=40))
    assert _indices(result) == list(range(40))
    more = decode_video(VideoPart(ref=MediaRef(path=str(clip)), fps=25.0))
    assert len(more) == 100
    assert _indices(more) == sorted(_indices(more))
    assert set(_indices(more)) == set(range(40))


def test_default_is_eight_frames_from_bytes(clip: Path) -> None:
    result = decode_video(VideoPart(ref=MediaRef(data=clip.read_bytes())))
    assert len(result) == 8
    assert _indices(result) == [round((i + 0.5) * 40 / 8 - 0.49) for i in range(8)]


def test_max_pixels_per_frame(clip: Path) -> None:
    result = decode_video(VideoPart(ref=MediaRef(path=str(clip)), num_frames=2, max_pixels=1024))
    assert all(im.size == (32, 32) for im in result.frames)


def test_always_seeking_gives_same_frames(clip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video_mod, "FORWARD_DECODE_S", 0.0)
    result = decode_video(VideoPart(ref=MediaRef(path=str(clip)), fps=2.0))
    assert _indices(result) == [5 * k for k in range(8)]


def test_sparse_sampling_decodes_few_frames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long_clip = _encode(tmp_path / "long.mp4", seconds=30.0, gop=10)
    calls = {"n": 0}
    original = video_mod._Cursor._next

    def counting(self: video_mod._Cursor) -> video_mod._Decoded | None:
        calls["n"] += 1
        return original(self)

    monkeypatch.setattr(video_mod._Cursor, "_next", counting)
    result = decode_video(VideoPart(ref=MediaRef(path=str(long_clip)), num_frames=3))
    assert result.timestamps_s == pytest.approx([5.0, 15.0, 25.0])
    assert _indices(result) == [10, 30, 10]  # frames 50, 150, 250 (brightness repeats every 40)
    assert calls["n"] < 60  # 300 frames in the file; each target costs at most one GOP (10) plus lookahead


def test_corrupt_video_raises_media_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.mp4"
    path.write_bytes(random.Random(1).randbytes(4096))
    with pytest.raises(MediaError, match=r"cannot decode video '.*corrupt\.mp4'"):
        decode_part(VideoPart(ref=MediaRef(path=str(path)), num_frames=2))


def test_truncated_video_raises_or_returns_frames(clip: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.mp4"
    path.write_bytes(clip.read_bytes()[:300])
    with pytest.raises(MediaError, match="cut.mp4"):
        decode_video(VideoPart(ref=MediaRef(path=str(path)), num_frames=2))


def test_decord_backend_matches_pyav(clip: Path) -> None:
    pytest.importorskip("decord")
    part = VideoPart(ref=MediaRef(path=str(clip)), fps=2.0, max_pixels=1024)
    by_decord = decode_video(part, backend="decord")
    by_pyav = decode_video(part)
    assert by_decord.timestamps_s == pytest.approx(by_pyav.timestamps_s)
    assert _indices(by_decord) == _indices(by_pyav)
    assert [im.size for im in by_decord.frames] == [im.size for im in by_pyav.frames]


def test_unknown_backend(clip: Path) -> None:
    with pytest.raises(MediaError, match="unknown video backend"):
        decode_video(VideoPart(ref=MediaRef(path=str(clip))), backend="opencv")
