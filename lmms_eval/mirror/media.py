"""Media files of Hub dataset repos in the mirror: ``data pull`` lays them out in ``DATA_ROOT/hf/<repo>/media``
(archives extracted, other files copied to their repo path) and records every file with its sha256 in the
manifest; ``data verify`` re-hashes them.

A repo already mirrored at the same revision gets only the patterns it lacks (archives it extracted are not
extracted again, files already recorded are not hashed again); at another revision, or with ``--force``, the
whole folder is built anew beside the old one and swapped in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from lmms_eval.mirror.layout import media_dir, media_rel_dir, mirror_root
from lmms_eval.mirror.manifest import MediaEntry, MediaFile, read_manifest, sha256_file, write_manifest
from lmms_eval.mirror.usage import MediaUse


class ByteBar(Protocol):
    """A progress bar over bytes (a ``tqdm`` is one): ``reset(total=n)`` before hashing n bytes, then
    ``update(k)`` after each chunk."""

    def reset(self, total: float | None = None) -> None: ...

    def update(self, n: float | None = 1) -> bool | None: ...


@dataclass
class MediaPullResult:
    entry: MediaEntry
    status: str  # "pulled" | "up to date"
    new_files: int = 0


def is_current(data_root: Path, use: MediaUse) -> MediaEntry | None:
    """The manifest record when it covers the use's patterns at its revision and every recorded file is
    there with its recorded size (``data verify`` re-hashes them)."""
    entry = read_manifest(data_root).media_entry(use.repo)
    if entry is None or (use.revision is not None and entry.revision != use.revision):
        return None
    if any(entry.patterns.get(p) != e for p, e in use.patterns.items()):
        return None
    root = mirror_root(data_root)
    for f in entry.files:
        path = root / f.file
        if not path.is_file() or path.stat().st_size != f.bytes:
            return None
    return entry


def pull_media(
    use: MediaUse, data_root: Path, force: bool = False, bar: ByteBar | None = None
) -> MediaPullResult:
    """Download the repo files the tasks read (at the pinned revision), lay them out in the mirror, hash
    every new file (``bar`` shows the bytes hashed) and record them in the manifest."""
    from lmms_eval.tasks.sources.archives import folder_lock, place_files
    from lmms_eval.tasks.sources.media import download_snapshot, snapshot_revision

    if not force:
        current = is_current(data_root, use)
        if current is not None:
            return MediaPullResult(current, "up to date")
    old = read_manifest(data_root).media_entry(use.repo)
    snapshot = download_snapshot(use.repo, use.revision, tuple(use.patterns), local_only=False)
    revision = snapshot_revision(snapshot, use.revision)
    folder = media_dir(data_root, use.repo)
    # the same revision already here: add what it lacks; else build the folder anew
    base = old if old is not None and not force and old.revision == revision and folder.is_dir() else None
    done = dict(base.patterns) if base is not None else {}
    wanted = {p: e for p, e in use.patterns.items() if done.get(p) != e}
    archives = base.archives if base is not None else []
    with folder_lock(folder):
        placed = place_files(
            snapshot, wanted, folder, copy=True, skip_archives=archives, replace=base is None
        )
    rel = media_rel_dir(use.repo)
    files = {f.file: f for f in (base.files if base is not None else [])}
    if bar is not None:
        bar.reset(total=sum((folder / name).stat().st_size for name in placed.files))
    for name in placed.files:
        sha, size = sha256_file(folder / name, bar.update if bar is not None else None)
        files[f"{rel}/{name}"] = MediaFile(file=f"{rel}/{name}", sha256=sha, bytes=size)
    entry = MediaEntry(
        repo=use.repo,
        revision=revision,
        patterns={**done, **wanted},
        archives=sorted({*archives, *placed.archives}),
        dir=rel,
        files=sorted(files.values(), key=lambda f: f.file),
        pulled_at=datetime.now(timezone.utc),
    )
    manifest = read_manifest(data_root)
    manifest.put_media(entry)
    write_manifest(data_root, manifest)
    return MediaPullResult(entry, "pulled", len(placed.files))
