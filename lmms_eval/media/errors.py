"""The error raised when a media item cannot be read or decoded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lmms_eval.core.errors import LmmsEvalError


class MediaError(LmmsEvalError):
    """A media item cannot be read or decoded; the message names the item and the reason.

    ``MediaError("x.jpg", "cannot identify image file", kind="image")`` reads
    ``cannot decode image 'x.jpg': cannot identify image file``.
    """

    def __init__(self, source: str, reason: str, kind: str = "media") -> None:
        self.source, self.reason, self.kind = source, reason, kind
        super().__init__(f"cannot decode {kind} '{source}': {reason}")

    def __reduce__(self) -> tuple[type[MediaError], tuple[str, str, str]]:
        return (MediaError, (self.source, self.reason, self.kind))


def describe_exception(exc: BaseException) -> str:
    """A one-line reason for ``exc``: its message, or its class name when the message is empty."""
    text = " ".join(str(exc).split())
    if not text:
        return type(exc).__name__
    if type(exc).__name__ == "UnidentifiedImageError":  # Pillow's message repeats the path or a BytesIO repr
        return "cannot identify image file (not an image, or an unsupported format)"
    return text if len(text) <= 300 else text[:297] + "..."


@contextmanager
def media_errors(source: str, kind: str) -> Iterator[None]:
    """Turn any exception raised inside the block into a ``MediaError`` for ``source`` (MediaErrors pass)."""
    try:
        yield
    except MediaError:
        raise
    except Exception as exc:
        raise MediaError(source, describe_exception(exc), kind=kind) from exc
