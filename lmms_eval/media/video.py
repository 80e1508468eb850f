"""Video decoding: a few frames sampled from a video by seeking, never decoding the whole video.

Sampling (``sample_timestamps``):

- ``num_frames=n`` only: the duration is cut into ``n`` equal segments and the frame on screen at the centre
  of each is taken, i.e. targets ``(i + 0.5) * duration / n`` for ``i = 0 .. n-1``;
- ``fps=r`` only: one target every ``1/r`` seconds from 0: ``k / r`` for every ``k / r < duration``;
- both: the ``fps`` targets first, then, when there are more than ``num_frames`` of them, ``num_frames``
  of them picked uniformly (centre of ``num_frames`` equal segments of the list);
- neither: ``num_frames=8`` (``DEFAULT_NUM_FRAMES``).

Frame choice: for a target ``t`` the decoder returns the frame *on screen* at ``t``: the last frame whose
presentation time is ``<= t`` (the first frame when ``t`` precedes every frame; the last frame when ``t`` is
past the end). Reported ``timestamps_s`` are the chosen frames' own presentation times (seconds from the
stream's start), not the targets.

Decoding (PyAV): the targets are visited in order. For each, the container is seeked to the nearest
keyframe at or before it and decoded forward to the target; when the target lies less than
``FORWARD_DECODE_S`` seconds after the last decoded frame, decoding simply continues instead (a seek would
usually land on a keyframe behind the current position). Only the chosen frames are converted to RGB and
kept, so memory is bounded by ``num_frames`` frames whatever the video length.

Backends: PyAV is the default and needs nothing else. ``decode_video(part, backend="decord")`` uses the
optional ``decord`` package instead (same sampling rules; it indexes every frame's timestamp on open and
reads the chosen frames with ``get_batch``); it is opt-in because it was not faster than PyAV's seeking in
our measurements (see ``benchmarks/video_sampling.py``).
"""

from __future__ import annotations

import bisect
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import IO, Any

import av
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from lmms_eval.core.types import MediaRef, VideoPart
from lmms_eval.media.errors import media_errors
from lmms_eval.media.image import fit_pixels
from lmms_eval.media.loading import read_bytes

DEFAULT_NUM_FRAMES = 8
FORWARD_DECODE_S = 2.0
THREAD_TYPE = (
    "SLICE"  # FFmpeg decoder threading; frame threading ("AUTO"/"FRAME") restarts slowly after each seek
)
_EPS = 1e-6


@dataclass
class VideoFrames:
    """Frames sampled from a video: RGB images, their presentation times, and the source's fps/duration."""

    frames: list[Image.Image]
    timestamps_s: list[float]
    fps: float | None
    duration_s: float | None

    def __len__(self) -> int:
        return len(self.frames)

    def index_fps(self) -> float:
        """The rate that numbers the frames in ``frame_indices``: the source's fps, or 1000 (millisecond
        ticks) when the container does not tell it."""
        return self.fps if self.fps else 1000.0

    def frame_indices(self, fps: float | None = None) -> list[int]:
        """Each sampled frame's number in a stream of ``fps`` frames per second (default ``index_fps()``):
        ``round(t * fps)`` for its presentation time ``t``. For a constant-frame-rate source at its own fps
        these are the frames' own numbers, and ``index / fps`` gives back ``timestamps_s``."""
        rate = fps or self.index_fps()
        return [round(t * rate) for t in self.timestamps_s]

    def total_frames(self, fps: float | None = None) -> int:
        """The number of frames in the whole source at ``fps`` (default ``index_fps()``): ``duration * fps``
        rounded, and at least one past the last sampled frame."""
        rate = fps or self.index_fps()
        counted = round((self.duration_s or 0.0) * rate)
        return max([counted, *(i + 1 for i in self.frame_indices(rate))])


def _uniform_indices(count: int, n: int) -> list[int]:
    """``n`` indices into ``range(count)``: the centres of ``n`` equal segments (``n <= count``)."""
    return [min(count - 1, math.floor((i + 0.5) * count / n)) for i in range(n)]


def sample_timestamps(
    duration_s: float, num_frames: int | None = None, fps: float | None = None
) -> list[float]:
    """The target times in seconds for a video of ``duration_s`` (see the module docstring for the rules)."""
    if num_frames is not None and num_frames < 1:
        raise ValueError(f"num_frames must be at least 1, got {num_frames}")
    if fps is not None and not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    duration_s = max(0.0, duration_s)
    if fps is None:
        n = num_frames or DEFAULT_NUM_FRAMES
        return [(i + 0.5) * duration_s / n for i in range(n)]
    count = max(1, math.ceil(duration_s * fps - _EPS))
    times = [k / fps for k in range(count)]
    if num_frames is not None and len(times) > num_frames:
        times = [times[i] for i in _uniform_indices(len(times), num_frames)]
    return times


@dataclass
class _Decoded:
    frame: VideoFrame
    time_s: float


class _Cursor:
    """Walks a video stream forward, seeking when a target is far ahead (or behind)."""

    def __init__(self, container: InputContainer, stream: VideoStream, start_pts: int) -> None:
        self._container, self._stream, self._start_pts = container, stream, start_pts
        self._time_base = stream.time_base or Fraction(1, 1_000_000)
        self._frames: Iterator[VideoFrame] | None = None
        self._prev: _Decoded | None = None
        self._ahead: _Decoded | None = None
        self.seeks = 0

    def _time_of(self, frame: VideoFrame) -> float | None:
        if frame.pts is not None:
            return float((frame.pts - self._start_pts) * self._time_base)
        return None if frame.time is None else float(frame.time)

    def _next(self) -> _Decoded | None:
        assert self._frames is not None
        for frame in self._frames:
            t = self._time_of(frame)
            if t is not None:
                return _Decoded(frame, t)
        return None

    def _seek(self, t: float) -> None:
        offset = self._start_pts + math.floor(t / self._time_base)
        self._container.seek(offset, backward=True, any_frame=False, stream=self._stream)
        self._frames = self._container.decode(self._stream)
        self._prev = self._ahead = None
        self.seeks += 1

    def _needs_seek(self, t: float) -> bool:
        if self._frames is None:
            return True
        known = self._ahead or self._prev
        if known is None:
            return True
        behind = self._prev is not None and t < self._prev.time_s - _EPS
        return behind or t - known.time_s > FORWARD_DECODE_S

    def frame_at(self, t: float) -> _Decoded:
        """The frame on screen at ``t`` seconds."""
        if self._needs_seek(t):
            self._seek(t)
        while True:
            if self._ahead is None:
                self._ahead = self._next()
            if self._ahead is None:  # end of stream: the last frame is on screen
                if self._prev is None:
                    raise ValueError("the video has no decodable frames")
                return self._prev
            if self._ahead.time_s > t + _EPS:
                if self._prev is None:  # target before the first frame after the seek
                    self._prev, self._ahead = self._ahead, None
                return self._prev
            self._prev, self._ahead = self._ahead, None


def _open(ref: MediaRef) -> InputContainer:
    source: str | IO[bytes] = ref.path if ref.path is not None else io.BytesIO(read_bytes(ref, kind="video"))
    return av.open(source, mode="r")


def _start_pts(stream: VideoStream) -> int:
    return stream.start_time if stream.start_time is not None else 0


def _scan_duration(container: InputContainer, stream: VideoStream) -> float | None:
    """The duration found by demuxing (no decoding) every packet: used when the header has none."""
    end: int | None = None
    for packet in container.demux(stream):
        if packet.pts is not None:
            stop = packet.pts + (packet.duration or 0)
            end = stop if end is None else max(end, stop)
    container.seek(0)
    if end is None or stream.time_base is None:
        return None
    return float((end - _start_pts(stream)) * stream.time_base)


def _duration_s(container: InputContainer, stream: VideoStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return _scan_duration(container, stream)


def _fps(stream: VideoStream) -> float | None:
    rate = stream.average_rate or stream.guessed_rate
    return float(rate) if rate else None


def _to_image(frame: VideoFrame, max_pixels: int | None) -> Image.Image:
    return _fit(frame.to_image(), max_pixels)


def _fit(image: Image.Image, max_pixels: int | None) -> Image.Image:
    size = fit_pixels(image.width, image.height, max_pixels, None)
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def _decode_pyav(part: VideoPart) -> VideoFrames:
    with _open(part.ref) as container:
        if not container.streams.video:
            raise ValueError("no video stream")
        stream = container.streams.video[0]
        stream.thread_type = THREAD_TYPE
        duration = _duration_s(container, stream)
        targets = sample_timestamps(duration or 0.0, part.num_frames, part.fps)
        cursor = _Cursor(container, stream, _start_pts(stream))
        images: list[Image.Image] = []
        times: list[float] = []
        last: tuple[VideoFrame, Image.Image] | None = None
        for t in targets:
            got = cursor.frame_at(t)
            if last is None or last[0] is not got.frame:  # the same frame for two targets is converted once
                last = (got.frame, _to_image(got.frame, part.max_pixels))
            images.append(last[1])
            times.append(got.time_s)
        return VideoFrames(images, times, _fps(stream), duration)


def _decode_decord(part: VideoPart) -> VideoFrames:
    import decord  # optional dependency

    reader: Any = decord.VideoReader(part.ref.path or io.BytesIO(read_bytes(part.ref, kind="video")))
    count = len(reader)
    if count == 0:
        raise ValueError("the video has no decodable frames")
    fps = float(reader.get_avg_fps()) or None
    starts = [float(s) for s, _ in reader.get_frame_timestamp(range(count))]
    duration = float(reader.get_frame_timestamp(count - 1)[1]) if count else 0.0
    targets = sample_timestamps(duration, part.num_frames, part.fps)
    indices = [max(0, _last_at_or_before(starts, t)) for t in targets]
    batch = reader.get_batch(indices).asnumpy()
    images = [_fit(Image.fromarray(a).convert("RGB"), part.max_pixels) for a in batch]
    return VideoFrames(images, [starts[i] for i in indices], fps, duration)


def _last_at_or_before(starts: list[float], t: float) -> int:
    return bisect.bisect_right(starts, t + _EPS) - 1


def decord_available() -> bool:
    """Whether the optional ``decord`` package can be imported."""
    try:
        import decord  # noqa: F401
    except ImportError:
        return False
    return True


def decode_video(part: VideoPart, backend: str = "pyav") -> VideoFrames:
    """Frames of ``part`` sampled by ``num_frames`` and/or ``fps`` (default 8 frames), each within ``max_pixels``.
    The chosen frames' times are recorded on the part (``part.sampling``), for the samples file.

    ``backend`` is ``"pyav"`` (default; always available) or ``"decord"`` (needs the optional package).
    Raises ``MediaError`` naming the video when it cannot be read or decoded.
    """
    with media_errors(part.ref.describe(), "video"):
        if backend == "decord":
            frames = _decode_decord(part)
        elif backend == "pyav":
            frames = _decode_pyav(part)
        else:
            raise ValueError(f"unknown video backend {backend!r} (use 'pyav' or 'decord')")
    part.record_sampling(frames.timestamps_s, frames.duration_s, frames.fps)
    return frames
