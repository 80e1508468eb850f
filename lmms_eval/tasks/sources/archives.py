"""Media files of a Hub dataset repo laid out in one folder: archives extracted, other files placed at their
repo path (:func:`place_files`), atomically and refusing archive members that would land outside the folder.

Archives: ``.zip``, ``.tar``, ``.tar.gz``, ``.tgz``, ``.tar.bz2``, ``.tar.xz``, and a tar split into parts
(``videos.tar.part.aa``, ``videos.tar.part.ab``, ... or ``videos.tar.00``, ``videos.tar.01``, ...: read as one
archive, the parts in name order, as ``cat videos.tar.part.* | tar x`` would: how repos ship tars over the
Hub's file size limit).

Used by the extraction cache (``sources/media.py``: loose files are symlinked to the Hugging Face cache) and
by ``data pull`` (``mirror/media.py``: loose files are copied, so the mirror stands alone).
"""

from __future__ import annotations

import bisect
import fnmatch
import io
import os
import re
import shutil
import tarfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import DataError

#: file names treated as archives (extracted when ``extract`` is true)
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")


#: one part of a split tar: ``<archive>.part.aa``, ``<archive>.part_01``, ``<archive>.00``, ``<archive>.ab``
_PART = re.compile(
    r"^(?P<archive>.+\.(?:tar|tar\.gz|tgz|tar\.bz2|tar\.xz))\.(?:part[._-]?)?(?:[a-z]{2,3}|\d{2,3})$"
)


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def archive_of(rel: str) -> str | None:
    """The archive a repo file is (its own path) or is a part of (the path without the part suffix); None
    for other files."""
    if is_archive(rel):
        return rel
    match = _PART.match(rel)
    return match.group("archive") if match and is_archive(match.group("archive")) else None


def matches(rel: str, pattern: str) -> bool:
    """Whether a repo path matches a ``files`` pattern: ``fnmatch`` on the whole path (``*`` crosses ``/``),
    as ``huggingface_hub``'s ``allow_patterns`` does; a pattern ending in ``/`` means everything below."""
    return fnmatch.fnmatchcase(rel, pattern + "*" if pattern.endswith("/") else pattern)


def repo_files(snapshot: Path, patterns: Iterable[str]) -> list[str]:
    """The files of a downloaded repo snapshot matching any pattern (repo paths, sorted; symlinks followed)."""
    patterns = list(patterns)
    found = []
    for folder, dirs, names in os.walk(snapshot, followlinks=True):
        dirs[:] = [d for d in dirs if d != ".cache"]  # huggingface_hub's bookkeeping in a local_dir
        for name in names:
            rel = (Path(folder) / name).relative_to(snapshot).as_posix()
            if any(matches(rel, p) for p in patterns):
                found.append(rel)
    return sorted(found)


def _check_member(archive: Path, name: str, dest: Path) -> None:
    """Refuse a member whose path would be written outside ``dest`` ("zip slip")."""
    posix = name.replace("\\", "/")
    drive = len(posix) > 1 and posix[1] == ":"
    if posix.startswith("/") or drive or not (dest / posix).resolve().is_relative_to(dest.resolve()):
        raise DataError(
            f"Refusing to extract {archive}: its member '{name}' would be written outside the media folder "
            f"{dest} (an absolute path or '..': path traversal, 'zip slip'). The archive is unsafe or corrupt; "
            "nothing of it was extracted."
        )


def extract_archive(parts: list[Path], dest: Path) -> None:
    """Extract an archive (zip or tar, compressed or not; a split tar given as its parts in order) into
    ``dest``, after checking every member path; tar links and special files that would reach outside
    ``dest`` are refused too (tarfile's ``data`` filter)."""
    name = parts[0] if len(parts) == 1 else Path(f"{parts[0]} (+{len(parts) - 1} parts)")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        if len(parts) == 1 and parts[0].name.lower().endswith(".zip"):
            with zipfile.ZipFile(parts[0]) as zf:
                for member in zf.namelist():
                    _check_member(name, member, dest)
                zf.extractall(dest)
            return
        with io.BufferedReader(_Chained(parts)) as stream, tarfile.open(fileobj=stream, mode="r:*") as tf:
            members = tf.getmembers()
            for info in members:
                _check_member(name, info.name, dest)
            tf.extractall(dest, members=members, filter="data")
    except DataError:
        raise
    except tarfile.FilterError as exc:
        raise DataError(
            f"Refusing to extract {name}: {exc} (it would reach outside the media folder {dest})"
        ) from exc
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as exc:
        raise DataError(f"Cannot extract {name}: {type(exc).__name__}: {exc}") from exc


class _Chained(io.RawIOBase):
    """Files read as one seekable stream (the parts of a split archive, in order)."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self._files = [p.open("rb") for p in paths]
        sizes = [p.stat().st_size for p in paths]
        self._starts = [sum(sizes[:i]) for i in range(len(sizes))]
        self._ends = [start + size for start, size in zip(self._starts, sizes)]
        self._size, self._pos = sum(sizes), 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._size:
            return 0
        i = bisect.bisect_right(self._starts, self._pos) - 1
        while self._ends[i] <= self._pos:  # an empty part
            i += 1
        view = memoryview(buffer)[: self._ends[i] - self._pos]
        self._files[i].seek(self._pos - self._starts[i])
        n = self._files[i].readinto(view)
        self._pos += n
        return n

    def close(self) -> None:
        for f in self._files:
            f.close()
        super().close()


def _place_loose(source: Path, target: Path, copy: bool) -> None:
    """Put one repo file at ``target``: a copy, or a symlink to the (resolved) source."""
    target.parent.mkdir(parents=True, exist_ok=True)
    real = source.resolve()
    if not copy:
        try:
            os.symlink(real, target)
            return
        except OSError:  # no symlinks on this file system: copy instead
            pass
    shutil.copyfile(real, target)


def files_under(folder: Path) -> list[str]:
    """Every file (or symlink to one) below ``folder``, as sorted posix paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())


@dataclass
class Placed:
    """What :func:`place_files` did: the repo archives it extracted and the files it wrote (relative to
    the destination folder)."""

    archives: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def place_files(
    snapshot: Path,
    wanted: dict[str, bool],
    dest: Path,
    *,
    copy: bool,
    skip_archives: Iterable[str] = (),
    replace: bool = False,
) -> Placed:
    """Lay out the snapshot's files matching ``wanted`` (pattern -> extract) in ``dest``: archives matched
    by an extracting pattern are extracted into ``dest`` itself, whatever folder of the repo they are in
    (those in ``skip_archives`` were already),
    every other matched file is placed at its repo path (copied, or symlinked when ``copy`` is false).

    Everything is built in a temporary folder beside ``dest``, then moved in: renamed into place when
    ``dest`` does not exist (or ``replace``: the old folder is swapped out and removed), else merged file by
    file. An error leaves ``dest`` as it was."""
    skip = set(skip_archives)
    rels = repo_files(snapshot, wanted)
    unmatched = [p for p in wanted if not any(matches(rel, p) for rel in rels)]
    if unmatched:
        raise DataError(
            f"No file of the downloaded repo matches {', '.join(repr(p) for p in unmatched)} ({snapshot}); "
            "check dataset.media.files against the repo's file list"
        )
    tmp = dest.parent / f".{dest.name}.partial-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        placed = Placed()
        to_extract: dict[str, list[str]] = {}  # archive -> its files (one, or the parts of a split tar)
        for rel in rels:
            flags = {extract for pattern, extract in wanted.items() if matches(rel, pattern)}
            archive = archive_of(rel)
            if archive is not None and True in flags and rel not in skip:
                to_extract.setdefault(archive, []).append(rel)
            if archive is None or False in flags:
                _place_loose(snapshot / rel, tmp / rel, copy)
        for _archive, files in sorted(to_extract.items()):
            extract_archive([snapshot / f for f in sorted(files)], tmp)
            placed.archives += files
        placed.files = files_under(tmp)
        _install(tmp, dest, replace)
    except OSError as exc:  # a full disk, a permission
        raise DataError(f"Cannot lay out the media files in {dest}: {type(exc).__name__}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return placed


def _install(tmp: Path, dest: Path, replace: bool) -> None:
    if dest.exists() and replace:
        old = dest.parent / f".{dest.name}.old-{uuid.uuid4().hex[:8]}"
        os.rename(dest, old)
        os.rename(tmp, dest)
        shutil.rmtree(old, ignore_errors=True)
        return
    if not dest.exists():
        try:
            os.rename(tmp, dest)
            return
        except OSError:  # another process made it meanwhile: merge into theirs
            pass
    for rel in files_under(tmp):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp / rel, target)


@contextmanager
def folder_lock(dest: Path) -> Iterator[None]:
    """An exclusive lock on ``dest`` between processes (a lock file beside it; no-op without ``fcntl``)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: one process at a time is the user's affair
        yield
        return
    with (dest.parent / f".{dest.name}.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
