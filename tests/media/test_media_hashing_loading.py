from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from lmms_eval.core.errors import LmmsEvalError
from lmms_eval.core.types import ImagePart, MediaRef, TextPart
from lmms_eval.media.decode import decode_part
from lmms_eval.media.errors import MediaError
from lmms_eval.media.hashing import clear_memo, sha256_file, url_sha256, with_sha256
from lmms_eval.media.loading import read_bytes


def test_sha256_file_matches_hashlib_across_chunks(tmp_path: Path) -> None:
    data = os.urandom(2 * (1 << 20) + 12345)
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
    assert sha256_file(str(path)) == hashlib.sha256(data).hexdigest()


def test_memo_invalidated_on_mtime_change(tmp_path: Path) -> None:
    clear_memo()
    path = tmp_path / "a.txt"
    path.write_bytes(b"first")
    st = path.stat()
    first = sha256_file(path)
    path.write_bytes(b"secnd")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime: the memo answers (stale on purpose)
    assert sha256_file(path) == first
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert sha256_file(path) == hashlib.sha256(b"secnd").hexdigest()


def test_sha256_file_thread_safe(tmp_path: Path) -> None:
    clear_memo()
    paths = []
    for i in range(8):
        p = tmp_path / f"f{i}"
        p.write_bytes(bytes([i]) * 10_000)
        paths.append(p)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(sha256_file, paths * 20))
    assert results == [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths] * 20


def test_with_sha256_for_each_source(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    by_path = with_sha256(MediaRef(path=str(path)))
    assert by_path.sha256 == hashlib.sha256(b"abc").hexdigest()
    assert by_path.path == str(path)
    assert with_sha256(MediaRef(data=b"abc")).sha256 == hashlib.sha256(b"abc").hexdigest()
    url = "http://example.invalid/a.png"
    assert with_sha256(MediaRef(url=url)).sha256 == hashlib.sha256(b"url:" + url.encode()).hexdigest()
    assert url_sha256(url) == with_sha256(MediaRef(url=url)).sha256
    given = MediaRef(path=str(path), sha256="f" * 64)
    assert with_sha256(given) is given


def test_media_error_message_and_pickle() -> None:
    err = MediaError("x.jpg", "cannot identify image file", kind="image")
    assert str(err) == "cannot decode image 'x.jpg': cannot identify image file"
    assert isinstance(err, LmmsEvalError)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.kind == "image"


def test_decode_part_rejects_text() -> None:
    with pytest.raises(MediaError, match="not a media part"):
        decode_part(TextPart(text="hi"))  # type: ignore[arg-type]


def test_package_import_is_light() -> None:
    code = (
        "import sys, lmms_eval.media, lmms_eval.media.decode; "
        "print(sorted(m for m in ('PIL', 'av', 'numpy', 'soundfile') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_read_bytes_from_each_source(http_root: tuple[str, Path]) -> None:
    base, root = http_root
    (root / "file.bin").write_bytes(b"payload")
    assert read_bytes(MediaRef(path=str(root / "file.bin"))) == b"payload"
    assert read_bytes(MediaRef(data=b"inline")) == b"inline"
    assert read_bytes(MediaRef(url=f"{base}/file.bin")) == b"payload"


def test_url_image_decodes_and_404_names_url(http_root: tuple[str, Path]) -> None:
    base, root = http_root
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(buf, format="PNG")
    (root / "pic.png").write_bytes(buf.getvalue())
    image = decode_part(ImagePart(ref=MediaRef(url=f"{base}/pic.png")))
    assert image.size == (40, 30)
    missing = f"{base}/missing.png"
    with pytest.raises(MediaError, match="missing.png.*404"):
        decode_part(ImagePart(ref=MediaRef(url=missing)))
