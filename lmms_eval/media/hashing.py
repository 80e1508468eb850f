"""Content hashes for media references (they go into cache keys instead of the bytes)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path

from lmms_eval.core.types import MediaRef

CHUNK_SIZE = 1 << 20
_MEMO_MAX = 65_536

_memo: OrderedDict[tuple[str, int, int], str] = OrderedDict()
_memo_lock = threading.Lock()


def _stat_key(path: Path) -> tuple[str, int, int]:
    st = os.stat(path)
    return (str(path), st.st_size, st.st_mtime_ns)


def _hash_stream(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _memo_get(key: tuple[str, int, int]) -> str | None:
    with _memo_lock:
        value = _memo.get(key)
        if value is not None:
            _memo.move_to_end(key)
        return value


def _memo_put(key: tuple[str, int, int], value: str) -> None:
    with _memo_lock:
        _memo[key] = value
        _memo.move_to_end(key)
        while len(_memo) > _MEMO_MAX:
            _memo.popitem(last=False)


def sha256_file(path: str | Path) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks.

    Results are memoized in-process by (resolved path, size, mtime_ns), so a file that is rewritten is hashed
    again. Thread-safe; two threads hashing the same new file at once may both read it (no blocking).
    """
    resolved = Path(path).resolve()
    key = _stat_key(resolved)
    cached = _memo_get(key)
    if cached is not None:
        return cached
    value = _hash_stream(resolved)
    if _stat_key(resolved) == key:  # only remember a hash of a file that did not change while we read it
        _memo_put(key, value)
    return value


def clear_memo() -> None:
    """Forget all memoized file hashes."""
    with _memo_lock:
        _memo.clear()


def url_sha256(url: str) -> str:
    """The hash used for a URL reference: sha256 of ``"url:" + url`` (the content is not fetched)."""
    return hashlib.sha256(("url:" + url).encode("utf-8")).hexdigest()


def with_sha256(ref: MediaRef) -> MediaRef:
    """``ref`` with ``sha256`` filled in; a ref that already has one is returned unchanged.

    - path: the sha256 of the file's content (``sha256_file``);
    - data: the sha256 of the bytes;
    - url: the sha256 of the string ``"url:" + url``. The URL's content is **not** fetched for hashing, so a
      URL whose content changes keeps its hash.
    """
    if ref.sha256 is not None:
        return ref
    if ref.path is not None:
        digest = sha256_file(ref.path)
    elif ref.data is not None:
        digest = hashlib.sha256(ref.data).hexdigest()
    else:
        digest = url_sha256(ref.url or "")
    return ref.model_copy(update={"sha256": digest})
