"""Media as remote APIs take it: images as base64 (PNG/JPEG), video as sampled frames or the file, audio
as WAV/MP3 base64.

Original bytes are sent untouched whenever the API accepts the format and no resize or resample is needed;
otherwise the media is decoded with ``lmms_eval.media`` (so a corrupt file is reported the same way as
everywhere else) and re-encoded. Encoding runs on worker threads, right before the request is sent.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from lmms_eval.core.types import AudioPart, ImagePart, MediaRef, VideoPart
from lmms_eval.media.errors import media_errors
from lmms_eval.media.loading import read_bytes

if TYPE_CHECKING:
    from PIL import Image

ImageFormat = Literal["png", "jpeg"]
#: formats every API in this package accepts as-is (OpenAI, Anthropic, Gemini, vLLM, SGLang)
_PASSTHROUGH_IMAGE = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
_AUDIO_EXT = {"wav": "wav", "wave": "wav", "mp3": "mp3"}
_VIDEO_MIME = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime", "mkv": "video/x-matroska"}


@dataclass(frozen=True)
class Blob:
    """Encoded media: its MIME type and bytes."""

    mime: str
    data: bytes

    @property
    def b64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    def data_url(self) -> str:
        return f"data:{self.mime};base64,{self.b64}"

    @property
    def subtype(self) -> str:
        """The part after the slash: 'png', 'wav', 'mp4' ..."""
        return self.mime.split("/", 1)[1]


@dataclass(frozen=True)
class MediaSettings:
    """How a backend wants media: the longest image side it accepts and the re-encoding format."""

    image_max_side: int | None = 2048
    image_format: ImageFormat = "png"
    jpeg_quality: int = 90


def _suffix(ref: MediaRef) -> str:
    name = ref.path or ref.url or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""


def encode_pil(image: Image.Image, settings: MediaSettings) -> Blob:
    """A decoded image re-encoded in the backend's format, shrunk to ``image_max_side`` if larger."""
    from PIL import Image as PILImage

    side = settings.image_max_side
    if side is not None and max(image.size) > side:
        scale = side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, PILImage.Resampling.LANCZOS)
    out = io.BytesIO()
    if settings.image_format == "jpeg":
        image.convert("RGB").save(out, format="JPEG", quality=settings.jpeg_quality)
        return Blob("image/jpeg", out.getvalue())
    image.save(out, format="PNG")
    return Blob("image/png", out.getvalue())


def encode_image(part: ImagePart, settings: MediaSettings) -> Blob:
    """The image of ``part``: its original bytes when the format is accepted and no resize is needed, else
    decoded (pixel budget applied) and re-encoded."""
    from PIL import Image as PILImage

    from lmms_eval.media.image import decode_image

    source = part.ref.describe()
    with media_errors(source, "image"):
        raw = read_bytes(part.ref, kind="image")
        with PILImage.open(io.BytesIO(raw)) as probe:
            fmt, (w, h), mode = probe.format or "", probe.size, probe.mode
        fits_side = settings.image_max_side is None or max(w, h) <= settings.image_max_side
        fits_budget = (part.max_pixels is None or w * h <= part.max_pixels) and (
            part.min_pixels is None or w * h >= part.min_pixels
        )
        if fmt in _PASSTHROUGH_IMAGE and fits_side and fits_budget and mode in ("RGB", "L"):
            return Blob(_PASSTHROUGH_IMAGE[fmt], raw)
    image = decode_image(part)  # raises MediaError naming the file
    return encode_pil(image, settings)


def encode_video_frames(part: VideoPart, settings: MediaSettings) -> list[tuple[float, Blob]]:
    """The video's sampled frames (``num_frames``/``fps`` of the part) with their times in seconds."""
    from lmms_eval.media.video import decode_video

    frames = decode_video(part)
    return [(t, encode_pil(f, settings)) for t, f in zip(frames.timestamps_s, frames.frames)]


def encode_video_file(part: VideoPart) -> Blob:
    """The whole video file, for servers that sample frames themselves (vLLM's ``video_url``)."""
    with media_errors(part.ref.describe(), "video"):
        data = read_bytes(part.ref, kind="video")
    return Blob(_VIDEO_MIME.get(_suffix(part.ref), "video/mp4"), data)


def encode_audio(part: AudioPart) -> Blob:
    """The audio as WAV or MP3: original bytes when already one of those and no resample is asked, else
    decoded (mono, resampled to ``sampling_rate``) and written as 16-bit PCM WAV."""
    ext = _AUDIO_EXT.get(_suffix(part.ref))
    if ext is not None and part.sampling_rate is None:
        with media_errors(part.ref.describe(), "audio"):
            return Blob(f"audio/{ext}", read_bytes(part.ref, kind="audio"))
    from lmms_eval.media.audio import decode_audio

    clip = decode_audio(part)
    return Blob("audio/wav", wav_bytes(clip.samples, clip.sampling_rate))


def wav_bytes(samples: object, sampling_rate: int) -> bytes:
    """Mono float samples as a 16-bit PCM WAV file."""
    import soundfile

    out = io.BytesIO()
    soundfile.write(out, samples, sampling_rate, format="WAV", subtype="PCM_16")
    return out.getvalue()
