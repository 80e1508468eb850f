"""``decode_part``: the one entry point the engine's prefetch stage calls for every media part."""

from __future__ import annotations

from typing import Any

from lmms_eval.core.types import AudioPart, ImagePart, VideoPart
from lmms_eval.media.errors import media_errors

MediaPartT = ImagePart | VideoPart | AudioPart


def decode_part(part: MediaPartT) -> Any:
    """The decoded payload of ``part``: a ``PIL.Image`` (image), ``VideoFrames`` (video) or ``AudioClip`` (audio).

    Any failure becomes a ``MediaError`` that names the media item and the reason. Decoder modules are
    imported here, on first use, so importing this module stays cheap.
    """
    ref = getattr(part, "ref", None)
    source = ref.describe() if ref is not None else type(part).__name__
    with media_errors(source, getattr(part, "type", "media")):
        if isinstance(part, ImagePart):
            from lmms_eval.media.image import decode_image

            return decode_image(part)
        if isinstance(part, VideoPart):
            from lmms_eval.media.video import decode_video

            return decode_video(part)
        if isinstance(part, AudioPart):
            from lmms_eval.media.audio import decode_audio

            return decode_audio(part)
        raise TypeError(f"not a media part: {type(part).__name__}")
