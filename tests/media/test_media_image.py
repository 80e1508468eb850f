from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from lmms_eval.core.types import ImagePart, MediaRef
from lmms_eval.media.decode import decode_part
from lmms_eval.media.errors import MediaError
from lmms_eval.media.image import decode_image, fit_pixels


def _write(
    tmp_path: Path, name: str, size: tuple[int, int], mode: str = "RGB", fmt: str | None = None
) -> Path:
    image = Image.new(mode, size, (10, 200, 30) if mode == "RGB" else (10, 200, 30, 0))
    path = tmp_path / name
    image.save(path, format=fmt)
    return path


def _jpeg_bytes(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def test_png_keeps_size_without_budget(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.png", (300, 200))
    image = decode_image(ImagePart(ref=MediaRef(path=str(path))))
    assert image.size == (300, 200)
    assert image.mode == "RGB"


def test_max_pixels_shrinks_keeping_aspect(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.png", (300, 200))
    image = decode_image(ImagePart(ref=MediaRef(path=str(path)), max_pixels=6000))
    w, h = image.size
    assert w * h <= 6000
    assert w * h >= 0.9 * 6000
    assert abs(w / h - 1.5) < 0.05


def test_min_pixels_grows_jpeg_from_bytes() -> None:
    image = decode_part(ImagePart(ref=MediaRef(data=_jpeg_bytes((40, 20))), min_pixels=3200))
    w, h = image.size
    assert w * h >= 3200
    assert (w, h) == (80, 40)


def test_rgba_transparent_pixels_become_white(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.png", (8, 8), mode="RGBA")
    image = decode_image(ImagePart(ref=MediaRef(path=str(path))))
    assert image.mode == "RGB"
    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_image_outlives_its_file(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(_jpeg_bytes((64, 48)))
    image = decode_image(ImagePart(ref=MediaRef(path=str(path))))
    path.unlink()
    assert image.size == (64, 48)
    assert image.getpixel((5, 5)) is not None


def test_truncated_jpeg_raises_media_error_naming_file(tmp_path: Path) -> None:
    data = _jpeg_bytes((256, 256))
    path = tmp_path / "broken.jpg"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError) as info:
        decode_part(ImagePart(ref=MediaRef(path=str(path))))
    assert "broken.jpg" in str(info.value)
    assert str(info.value).startswith("cannot decode image")


def test_random_bytes_raise_media_error(tmp_path: Path) -> None:
    path = tmp_path / "noise.png"
    path.write_bytes(random.Random(0).randbytes(2048))
    with pytest.raises(MediaError, match=r"cannot decode image '.*noise\.png': cannot identify image file"):
        decode_image(ImagePart(ref=MediaRef(path=str(path))))


def test_missing_file_raises_media_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="nope.png"):
        decode_part(ImagePart(ref=MediaRef(path=str(tmp_path / "nope.png"))))


@pytest.mark.parametrize("seed", range(5))
def test_fit_pixels_bounds_and_aspect(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        w, h = rng.randint(1, 5000), rng.randint(1, 5000)
        budget = rng.randint(1, 2_000_000)
        nw, nh = fit_pixels(w, h, max_pixels=budget)
        assert nw * nh <= budget
        if w * h <= budget:
            assert (nw, nh) == (w, h)
        elif min(nw, nh) > 20:
            assert abs((nw / nh) / (w / h) - 1) < 0.1
        low = rng.randint(1, 2_000_000)
        gw, gh = fit_pixels(w, h, min_pixels=low)
        assert gw * gh >= low
        assert gw >= w and gh >= h


def test_fit_pixels_edge_cases() -> None:
    assert fit_pixels(10_000, 1, max_pixels=100) == (100, 1)
    assert fit_pixels(100, 100, max_pixels=10_000, min_pixels=5000) == (100, 100)
    w, h = fit_pixels(10, 10, max_pixels=1000, min_pixels=1000)
    assert w * h <= 1000
    with pytest.raises(ValueError):
        fit_pixels(10, 10, max_pixels=10, min_pixels=100)
    with pytest.raises(ValueError):
        fit_pixels(0, 10)
