from __future__ import annotations

import random
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from lmms_eval.core.types import AudioPart, MediaRef
from lmms_eval.media.audio import AudioClip, decode_audio, resample
from lmms_eval.media.decode import decode_part
from lmms_eval.media.errors import MediaError


def _sine(freq: float, rate: int, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _peak_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def _middle_amplitude(samples: np.ndarray) -> float:
    """Peak amplitude estimated from the RMS of the middle half (edges may carry filter transients)."""
    n = len(samples)
    middle = samples[n // 4 : 3 * n // 4]
    return float(np.sqrt(2 * np.mean(middle.astype(np.float64) ** 2)))


def test_wav_8k_resampled_to_16k_keeps_440hz(tmp_path: Path) -> None:
    path = tmp_path / "tone.wav"
    sf.write(path, _sine(440, 8000, 1.0), 8000, subtype="PCM_16")
    clip = decode_part(AudioPart(ref=MediaRef(path=str(path)), sampling_rate=16000))
    assert isinstance(clip, AudioClip)
    assert clip.sampling_rate == 16000
    assert clip.samples.dtype == np.float32 and clip.samples.ndim == 1
    assert abs(len(clip.samples) - 16000) <= 2
    assert abs(_peak_hz(clip.samples, 16000) - 440) <= 2
    assert _middle_amplitude(clip.samples) == pytest.approx(0.5, abs=0.01)


def test_downsampling_keeps_frequency_and_removes_aliases() -> None:
    tone = _sine(1000, 44100, 1.0) + _sine(15000, 44100, 1.0, amplitude=0.3)  # 15 kHz is above 8 kHz Nyquist
    out = resample(tone, 44100, 16000)
    assert abs(len(out) - 16000) <= 2
    assert abs(_peak_hz(out, 16000) - 1000) <= 2
    assert _middle_amplitude(out) == pytest.approx(
        0.5, abs=0.02
    )  # the 15 kHz tone (would alias to 1 kHz) is gone


def test_no_resampling_without_rate(tmp_path: Path) -> None:
    path = tmp_path / "tone.flac"
    sf.write(path, _sine(440, 8000, 0.5), 8000)
    clip = decode_audio(AudioPart(ref=MediaRef(path=str(path))))
    assert clip.sampling_rate == 8000
    assert len(clip.samples) == 4000
    assert clip.duration_s == pytest.approx(0.5)


def test_stereo_downmix_from_bytes(tmp_path: Path) -> None:
    left = _sine(440, 16000, 0.5, amplitude=0.6)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    path = tmp_path / "stereo.ogg"
    sf.write(path, stereo, 16000, format="OGG", subtype="VORBIS")
    clip = decode_audio(AudioPart(ref=MediaRef(data=path.read_bytes())))
    assert clip.samples.ndim == 1
    assert _middle_amplitude(clip.samples) == pytest.approx(0.3, abs=0.02)


def _encode_aac(path: Path, samples: np.ndarray, rate: int) -> None:
    """A stereo AAC track in an mp4 container (not readable by libsndfile, so PyAV decodes it)."""
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("aac", rate=rate, layout="stereo")
        frame_size = 1024
        stereo = np.stack([samples, samples]).astype(np.float32)
        for start in range(0, stereo.shape[1], frame_size):
            chunk = np.ascontiguousarray(stereo[:, start : start + frame_size])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def test_mp4_audio_decoded_with_pyav(tmp_path: Path) -> None:
    path = tmp_path / "tone.m4a"
    _encode_aac(path, _sine(440, 22050, 1.0), 22050)
    clip = decode_audio(AudioPart(ref=MediaRef(path=str(path)), sampling_rate=16000))
    assert clip.sampling_rate == 16000
    assert abs(len(clip.samples) / 16000 - 1.0) < 0.1
    assert abs(_peak_hz(clip.samples, 16000) - 440) <= 3
    assert _middle_amplitude(clip.samples) == pytest.approx(0.5, abs=0.05)


def test_corrupt_audio_raises_media_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.wav"
    path.write_bytes(random.Random(2).randbytes(4096))
    with pytest.raises(MediaError, match=r"cannot decode audio '.*garbage\.wav'"):
        decode_part(AudioPart(ref=MediaRef(path=str(path)), sampling_rate=16000))


def test_resample_edge_cases() -> None:
    empty = np.zeros(0, np.float32)
    assert len(resample(empty, 8000, 16000)) == 0
    same = _sine(440, 8000, 0.1)
    assert np.array_equal(resample(same, 8000, 8000), same)
    long = _sine(440, 8000, 20.0)  # several resampler chunks
    out = resample(long, 8000, 16000)
    assert abs(len(out) - 320000) <= 2
    assert _middle_amplitude(out) == pytest.approx(0.5, abs=0.01)
