"""Reading the raw bytes behind a media reference."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from lmms_eval.core.types import MediaRef
from lmms_eval.media.errors import MediaError, describe_exception

URL_TIMEOUT_S = 30.0
USER_AGENT = "lmms-eval"


def fetch_url(url: str, timeout: float = URL_TIMEOUT_S) -> bytes:
    """The body of ``url`` (http, https, file ...), read with ``urllib`` and a timeout in seconds."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read()
    return body


def read_bytes(ref: MediaRef, kind: str = "media") -> bytes:
    """The bytes of ``ref``: the file's content, the inline data, or the URL's body (network only for URLs).

    Raises ``MediaError`` naming the reference when it cannot be read.
    """
    if ref.data is not None:
        return ref.data
    try:
        if ref.path is not None:
            return Path(ref.path).read_bytes()
        return fetch_url(ref.url or "")
    except Exception as exc:
        raise MediaError(ref.describe(), f"cannot read: {describe_exception(exc)}", kind=kind) from exc
