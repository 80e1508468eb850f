"""Image decoding: any Pillow-readable image to a fully loaded RGB ``PIL.Image`` within a pixel budget."""

from __future__ import annotations

import io
import math
from typing import IO

from PIL import Image

from lmms_eval.core.types import ImagePart, MediaRef
from lmms_eval.media.errors import media_errors
from lmms_eval.media.loading import read_bytes

_BACKGROUND = (255, 255, 255)


def _shrink(w: int, h: int, max_pixels: int) -> tuple[int, int]:
    scale = math.sqrt(max_pixels / (w * h))
    nw, nh = max(1, math.floor(w * scale)), max(1, math.floor(h * scale))
    # Extreme aspect ratios: one side clamped to 1 can push the product over the budget.
    if nw * nh > max_pixels:
        if nw >= nh:
            nw = max(1, max_pixels // nh)
        else:
            nh = max(1, max_pixels // nw)
    return nw, nh


def _grow(w: int, h: int, min_pixels: int) -> tuple[int, int]:
    scale = math.sqrt(min_pixels / (w * h))
    return max(1, math.ceil(w * scale)), max(1, math.ceil(h * scale))


def fit_pixels(
    w: int, h: int, max_pixels: int | None = None, min_pixels: int | None = None
) -> tuple[int, int]:
    """The size to resize a ``w`` x ``h`` image to so that ``min_pixels <= w*h <= max_pixels``.

    The aspect ratio is kept (up to rounding); a size already within the budget is returned unchanged. When
    both bounds are set, ``max_pixels`` wins (it bounds memory): rounding up to reach ``min_pixels`` never
    exceeds ``max_pixels``. ``max_pixels`` smaller than 1 is treated as 1.
    """
    if w < 1 or h < 1:
        raise ValueError(f"image size must be positive, got {w}x{h}")
    if max_pixels is not None and min_pixels is not None and min_pixels > max_pixels:
        raise ValueError(f"min_pixels ({min_pixels}) is larger than max_pixels ({max_pixels})")
    if min_pixels is not None and w * h < min_pixels:
        w, h = _grow(w, h, min_pixels)
    if max_pixels is not None and w * h > max(1, max_pixels):
        w, h = _shrink(w, h, max(1, max_pixels))
    return w, h


def to_rgb(image: Image.Image) -> Image.Image:
    """``image`` as RGB; transparent pixels are composited onto white rather than dropped to black."""
    if image.mode == "RGB":
        return image
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, _BACKGROUND + (255,))
    return Image.alpha_composite(background, rgba).convert("RGB")


def resize_to_budget(
    image: Image.Image, max_pixels: int | None = None, min_pixels: int | None = None
) -> Image.Image:
    """``image`` resized (LANCZOS down, BICUBIC up) to fit the pixel budget, or unchanged when it fits."""
    size = fit_pixels(image.width, image.height, max_pixels, min_pixels)
    if size == image.size:
        return image
    shrinking = size[0] * size[1] < image.width * image.height
    method = Image.Resampling.LANCZOS if shrinking else Image.Resampling.BICUBIC
    return image.resize(size, method)


def _source(ref: MediaRef) -> str | IO[bytes]:
    if ref.path is not None:
        return ref.path
    return io.BytesIO(read_bytes(ref, kind="image"))


def decode_image(part: ImagePart) -> Image.Image:
    """The image of ``part`` as a fully loaded RGB ``PIL.Image`` within ``max_pixels``/``min_pixels``.

    The pixels are decoded here (``Image.load()``), so a truncated or corrupt file fails in this call with a
    ``MediaError`` naming it, never later in a model.
    """
    with media_errors(part.ref.describe(), "image"):
        with Image.open(_source(part.ref)) as opened:
            opened.load()
            rgb = to_rgb(opened)
            rgb.load()
            out = resize_to_budget(rgb, part.max_pixels, part.min_pixels)
            if out is opened:  # detach from the file handle that the with-block closes
                out = out.copy()
        return out
