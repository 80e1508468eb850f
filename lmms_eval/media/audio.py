"""Audio decoding: any audio file to a mono float32 waveform, optionally resampled.

Decoding: soundfile (libsndfile) is tried first (wav, flac, ogg, ...); anything it cannot read (mp3, m4a,
the audio track of an mp4, ...) is decoded with PyAV. Channels are averaged to mono.

Streaming: the file is read block by block (soundfile: 65,536 frames; PyAV: each decoded frame); each
block is mixed to mono and resampled as it comes, and only the output at the requested rate is kept. So a
long recording never sits in memory at its source rate and channel count: a 2-hour 44.1 kHz stereo FLAC
decoded to 16 kHz mono peaked at 448 MiB over the imports (the output is 439 MiB), against 3,636 MiB when the
whole file was read first (``benchmarks/audio_memory.py``, numbers in benchmarks/README.md).

Resampling uses FFmpeg's libswresample through ``av.AudioResampler`` (a windowed-sinc polyphase filter
with anti-aliasing) fed the mono signal block by block and flushed, so the output has
``round(len * target / source)`` samples (give or take one) and no start delay.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

import av
import numpy as np
import soundfile as sf

from lmms_eval.core.types import AudioPart, MediaRef
from lmms_eval.media.errors import describe_exception, media_errors
from lmms_eval.media.loading import read_bytes

_RESAMPLE_CHUNK = 1 << 16


@dataclass
class AudioClip:
    """A mono waveform: float32 samples (nominally in [-1, 1]) and their sampling rate in Hz."""

    samples: np.ndarray
    sampling_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sampling_rate if self.sampling_rate else 0.0


def to_mono(samples: np.ndarray) -> np.ndarray:
    """``samples`` shaped (frames,) or (frames, channels) averaged to a 1-D float32 array."""
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 2 and data.shape[1] == 1:
        data = data[:, 0]
    elif data.ndim == 2 and data.shape[1] == 2:  # the common case, 3x faster than mean(axis=1), same values
        data = (data[:, 0] + data[:, 1]) * np.float32(0.5)
    elif data.ndim == 2:
        data = data.mean(axis=1, dtype=np.float32)
    return np.ascontiguousarray(data, dtype=np.float32)


class _Resampler:
    """Streaming mono resampling with libswresample: blocks in, blocks out, the same samples as one call
    over the whole signal (the filter keeps its state between blocks)."""

    def __init__(self, source_rate: int, target_rate: int) -> None:
        if source_rate <= 0 or target_rate <= 0:
            raise ValueError(f"sampling rates must be positive, got {source_rate} -> {target_rate}")
        self.source_rate = source_rate
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=target_rate)
        self._pts = 0

    @property
    def started(self) -> bool:
        """Whether any sample went in (a resampler that got nothing has nothing to flush)."""
        return self._pts > 0

    def push(self, mono: np.ndarray) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        data = np.ascontiguousarray(mono, dtype=np.float32)
        for start in range(0, len(data), _RESAMPLE_CHUNK):
            block = data[start : start + _RESAMPLE_CHUNK]
            frame = av.AudioFrame.from_ndarray(block[None, :], format="flt", layout="mono")
            frame.sample_rate = self.source_rate
            frame.pts = self._pts
            self._pts += len(block)
            out.extend(f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame))
        return out

    def flush(self) -> list[np.ndarray]:
        return [f.to_ndarray().reshape(-1) for f in self._resampler.resample(None)]


class _Collector:
    """Mono blocks at the output rate, copied as they come into one output array sized from the expected
    length (grown by half when a source's length was unknown or short), so the peak is about one copy of the
    output, never the decoded source."""

    def __init__(self, source_rate: int, target_rate: int | None, expected_source_frames: int = 0) -> None:
        self.rate = target_rate or source_rate
        self._resampler = _Resampler(source_rate, self.rate) if self.rate != source_rate else None
        expected = (
            int(expected_source_frames * self.rate / source_rate) + 1024 if expected_source_frames else 0
        )
        self._out = np.empty(max(expected, 1 << 16), dtype=np.float32)
        self._n = 0

    def _append(self, block: np.ndarray) -> None:
        end = self._n + len(block)
        if end > len(self._out):
            grown = np.empty(max(end, len(self._out) + len(self._out) // 2), dtype=np.float32)
            grown[: self._n] = self._out[: self._n]
            self._out = grown
        self._out[self._n : end] = block
        self._n = end

    def add(self, mono: np.ndarray) -> None:
        if self._resampler is None:
            self._append(mono)
        elif len(mono):
            for block in self._resampler.push(mono):
                self._append(block)

    def finish(self) -> np.ndarray:
        if self._resampler is not None and self._resampler.started:
            for block in self._resampler.flush():
                self._append(block)
        if len(self._out) - self._n > max(1 << 16, self._n // 100):  # more than 1% spare: give it back
            return self._out[: self._n].copy()
        return self._out[: self._n]


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Mono float32 ``samples`` at ``source_rate`` resampled to ``target_rate`` with libswresample."""
    if source_rate == target_rate or len(samples) == 0:
        return np.ascontiguousarray(samples, dtype=np.float32)
    collector = _Collector(source_rate, target_rate)
    collector.add(samples)
    return collector.finish()


def _soundfile_read(source: str | IO[bytes], target_rate: int | None) -> tuple[np.ndarray, int]:
    """Read in blocks of ``_RESAMPLE_CHUNK`` frames, each mixed to mono and resampled as it comes."""
    with sf.SoundFile(source) as f:
        collector = _Collector(int(f.samplerate), target_rate, expected_source_frames=max(0, f.frames))
        for block in f.blocks(blocksize=_RESAMPLE_CHUNK, dtype="float32", always_2d=True):
            collector.add(to_mono(block))
    return collector.finish(), collector.rate


def _pyav_read(source: str | IO[bytes], target_rate: int | None) -> tuple[np.ndarray, int]:
    """Decode frame by frame, each mixed to mono and resampled as it comes."""
    with av.open(source, mode="r") as container:
        if not container.streams.audio:
            raise ValueError("no audio stream")
        stream = container.streams.audio[0]
        collector: _Collector | None = None
        pending: list[np.ndarray] = []  # decoded frames are small: resampled in blocks of _RESAMPLE_CHUNK
        size = 0
        for frame in container.decode(stream):
            if collector is None:
                rate = int(frame.sample_rate or stream.rate or stream.sample_rate)
                collector = _Collector(
                    rate, target_rate, expected_source_frames=_expected_frames(stream, rate)
                )
            pending.append(_frame_channels(frame))
            size += len(pending[-1])
            if size >= _RESAMPLE_CHUNK:
                collector.add(to_mono(np.concatenate(pending)))
                pending, size = [], 0
    if collector is None:
        raise ValueError("no decodable audio frames")
    if pending:
        collector.add(to_mono(np.concatenate(pending)))
    return collector.finish(), collector.rate


def _expected_frames(stream: Any, rate: int) -> int:
    """The stream's length in samples from its header (0 when it does not say)."""
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * rate)
    duration = getattr(stream.container, "duration", None)  # microseconds (av.time_base)
    return int(duration / av.time_base * rate) if duration else 0


def _frame_channels(frame: av.AudioFrame) -> np.ndarray:
    """One decoded frame as float32 shaped (samples, channels), whatever its sample format."""
    channels = len(frame.layout.channels)
    array = frame.to_ndarray()
    array = array.T if frame.format.is_planar else array.reshape(-1, channels)
    return _to_float(array)


def _to_float(array: np.ndarray) -> np.ndarray:
    if np.issubdtype(array.dtype, np.floating):
        return array.astype(np.float32, copy=False)
    if array.dtype == np.uint8:
        return (array.astype(np.float32) - 128.0) / 128.0
    scale = float(np.iinfo(array.dtype).max) + 1.0
    return array.astype(np.float32) / scale


def _read(ref: MediaRef, target_rate: int | None) -> tuple[np.ndarray, int]:
    data = None if ref.path is not None else read_bytes(ref, kind="audio")

    def source() -> str | IO[bytes]:
        return ref.path if data is None else io.BytesIO(data)  # type: ignore[return-value]

    try:
        return _soundfile_read(source(), target_rate)
    except Exception as sf_error:
        try:
            return _pyav_read(source(), target_rate)
        except Exception as av_error:
            reason = f"soundfile: {describe_exception(sf_error)}; PyAV: {describe_exception(av_error)}"
            raise ValueError(reason) from av_error


def decode_audio(part: AudioPart) -> AudioClip:
    """The audio of ``part`` as a mono float32 ``AudioClip``, resampled to ``part.sampling_rate`` when set.

    Raises ``MediaError`` naming the file when it cannot be read or decoded.
    """
    with media_errors(part.ref.describe(), "audio"):
        samples, rate = _read(part.ref, part.sampling_rate)
    clip = AudioClip(samples, rate)
    part.record_decoding(clip.duration_s, rate)
    return clip


def split_windows(clip: AudioClip, window_s: float | None) -> list[AudioClip]:
    """``clip`` cut into consecutive windows of ``window_s`` seconds (the last one shorter), in order; the
    clip itself when it fits in one window or no window is given."""
    if not window_s or window_s <= 0:
        return [clip]
    size = max(1, round(window_s * clip.sampling_rate))
    if len(clip.samples) <= size:
        return [clip]
    return [
        AudioClip(clip.samples[i : i + size], clip.sampling_rate) for i in range(0, len(clip.samples), size)
    ]
