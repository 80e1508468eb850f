"""Audio decoding: any audio file to a mono float32 waveform, optionally resampled.

Decoding: soundfile (libsndfile) is tried first (wav, flac, ogg, ...); anything it cannot read (mp3, m4a,
the audio track of an mp4, ...) is decoded with PyAV. Channels are averaged to mono.

Resampling uses FFmpeg's libswresample through ``av.AudioResampler`` (a windowed-sinc polyphase filter
with anti-aliasing), fed the whole mono signal and flushed, so the output has
``round(len * target / source)`` samples (give or take one) and no start delay.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

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
    if data.ndim == 2:
        data = data.mean(axis=1, dtype=np.float32)
    return np.ascontiguousarray(data, dtype=np.float32)


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Mono float32 ``samples`` at ``source_rate`` resampled to ``target_rate`` with libswresample."""
    if source_rate == target_rate or len(samples) == 0:
        return np.ascontiguousarray(samples, dtype=np.float32)
    if source_rate <= 0 or target_rate <= 0:
        raise ValueError(f"sampling rates must be positive, got {source_rate} -> {target_rate}")
    resampler = av.AudioResampler(format="flt", layout="mono", rate=target_rate)
    pieces: list[np.ndarray] = []
    data = np.ascontiguousarray(samples, dtype=np.float32)
    for start in range(0, len(data), _RESAMPLE_CHUNK):
        frame = av.AudioFrame.from_ndarray(
            data[None, start : start + _RESAMPLE_CHUNK], format="flt", layout="mono"
        )
        frame.sample_rate = source_rate
        frame.pts = start
        pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
    pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    return np.concatenate(pieces).astype(np.float32, copy=False) if pieces else np.zeros(0, np.float32)


def _soundfile_read(source: str | IO[bytes]) -> tuple[np.ndarray, int]:
    data, rate = sf.read(source, dtype="float32", always_2d=True)
    return to_mono(data), int(rate)


def _pyav_read(source: str | IO[bytes]) -> tuple[np.ndarray, int]:
    with av.open(source, mode="r") as container:
        if not container.streams.audio:
            raise ValueError("no audio stream")
        stream = container.streams.audio[0]
        rate = stream.rate or stream.sample_rate
        pieces: list[np.ndarray] = []
        for frame in container.decode(stream):
            rate = frame.sample_rate or rate
            pieces.append(_frame_channels(frame))
    if not pieces:
        raise ValueError("no decodable audio frames")
    return to_mono(np.concatenate(pieces, axis=0)), int(rate)


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


def _read(ref: MediaRef) -> tuple[np.ndarray, int]:
    data = None if ref.path is not None else read_bytes(ref, kind="audio")

    def source() -> str | IO[bytes]:
        return ref.path if data is None else io.BytesIO(data)  # type: ignore[return-value]

    try:
        return _soundfile_read(source())
    except Exception as sf_error:
        try:
            return _pyav_read(source())
        except Exception as av_error:
            reason = f"soundfile: {describe_exception(sf_error)}; PyAV: {describe_exception(av_error)}"
            raise ValueError(reason) from av_error


def decode_audio(part: AudioPart) -> AudioClip:
    """The audio of ``part`` as a mono float32 ``AudioClip``, resampled to ``part.sampling_rate`` when set.

    Raises ``MediaError`` naming the file when it cannot be read or decoded.
    """
    with media_errors(part.ref.describe(), "audio"):
        samples, rate = _read(part.ref)
        if part.sampling_rate is not None and part.sampling_rate != rate:
            samples, rate = resample(samples, rate, part.sampling_rate), part.sampling_rate
        return AudioClip(samples, rate)
