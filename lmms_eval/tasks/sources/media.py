"""The media folder of a task whose ``dataset.media`` names files of a Hub dataset repo (videos in zip/tar
archives beside the question splits, as most video benchmarks keep them).

:func:`resolve_media` looks, in order:

1. in the offline mirror, ``DATA_ROOT/hf/<repo>/media/`` (what ``lmms-eval data pull`` leaves: archives
   extracted, other files at their repo path, every file recorded in the manifest with its sha256);
2. in the extraction cache, ``$LMMS_EVAL_CACHE_DIR/media/<repo>/<revision>/`` (a pinned revision whose
   marker says its patterns were laid out there);
3. on the Hub (not where downloads are off: ``no_hub_downloads``, as in ``tasks validate``):
   ``huggingface_hub.snapshot_download(repo_type="dataset", allow_patterns=files, revision)``
   (with ``HF_HUB_OFFLINE`` set: the Hugging Face cache only), then the archives are extracted into the
   cache folder of the revision the snapshot resolved to (built in a temporary folder and moved in; loose
   files are symlinked to the Hugging Face cache). The marker beside the folder (``<revision>.json``)
   records the patterns laid out and the archives extracted, so an archive is never extracted twice.

Nothing found: a DataError in the style of a missing split, naming what was looked for and
``lmms-eval data pull TASK``. The folder returned is the media root of the docs (``subdir`` appended).
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_eval.core.errors import DataError

if TYPE_CHECKING:
    from lmms_eval.tasks.spec import DatasetSpec

MARKER_VERSION = 1


@dataclass(frozen=True)
class MediaRequest:
    """What a task asks for: the files matching ``patterns`` in ``repo`` at ``revision`` (None: the
    default branch), archives extracted or not, and the sub-folder its paths are relative to."""

    repo: str
    revision: str | None
    patterns: tuple[str, ...]
    extract: bool
    subdir: str | None = None

    @classmethod
    def of(cls, spec: DatasetSpec) -> MediaRequest:
        """The request of ``spec.media``: ``repo`` defaults to the hub dataset, and ``revision`` to its pin
        when the media live in that same repo."""
        media = spec.media
        assert media is not None
        hub = spec.hub
        repo = media.repo or (hub.path if hub is not None else "")
        revision = media.revision
        if revision is None and hub is not None and repo == hub.path:
            revision = hub.revision
        return cls(repo, revision, tuple(media.files), media.extract, media.subdir)

    @property
    def wanted(self) -> dict[str, bool]:
        """pattern -> whether the archives it matches are extracted."""
        return {p: self.extract for p in self.patterns}

    @property
    def label(self) -> str:
        at = f" at revision {self.revision}" if self.revision else ""
        return f"{self.repo} (files {', '.join(self.patterns)}){at}"


def covers(done: dict[str, bool], wanted: dict[str, bool]) -> bool:
    """Whether every wanted pattern was laid out, with the same extract choice."""
    return all(done.get(p) == extract for p, extract in wanted.items())


def media_cache_root() -> Path:
    from lmms_eval.tasks.index import cache_dir

    return cache_dir() / "media"


def cache_folder(repo: str, revision: str) -> Path:
    return media_cache_root() / repo / revision


def marker_path(folder: Path) -> Path:
    return folder.with_name(f"{folder.name}.json")


def read_marker(folder: Path) -> dict[str, Any]:
    """The marker of a cache folder (empty when there is none, or it is unreadable, or the folder is gone:
    the folder is laid out again)."""
    path = marker_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not folder.is_dir() or not isinstance(data, dict) or data.get("version") != MARKER_VERSION:
        return {}
    return data


def write_marker(folder: Path, data: dict[str, Any]) -> None:
    path = marker_path(folder)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"version": MARKER_VERSION, **data}, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def resolve_media(spec: DatasetSpec, data_root: Path, task: str) -> Path:
    """The media root of ``spec``'s docs (see the module docstring for the order looked in)."""
    from lmms_eval.tasks.sources import hub_downloads_allowed

    request = MediaRequest.of(spec)
    looked: list[str] = []
    folder = from_mirror(request, data_root, task, looked)
    if folder is None and request.revision is not None:
        folder = from_cache(request, request.revision, looked)
    if folder is None:
        folder = from_hub(request, data_root, task, looked, local_only=not hub_downloads_allowed())
    if request.subdir is None:
        return folder
    root = folder / request.subdir
    if not root.is_dir():
        raise DataError(f"Task '{task}': dataset.media.subdir '{request.subdir}' is not a folder of {folder}")
    return root


def from_mirror(request: MediaRequest, data_root: Path, task: str, looked: list[str]) -> Path | None:
    """``DATA_ROOT/hf/<repo>/media`` when it is there; a manifest record at another revision, or without
    the task's patterns, is an error (pull again)."""
    from lmms_eval.mirror.layout import media_dir
    from lmms_eval.mirror.manifest import read_manifest
    from lmms_eval.tasks.sources.hub import pull_command

    folder = media_dir(data_root, request.repo)
    if not folder.is_dir():
        looked.append(f"mirror: {folder}: not found")
        return None
    entry = read_manifest(data_root).media_entry(request.repo)
    if entry is None:  # laid out by hand: trusted as it is
        return folder
    if request.revision is not None and entry.revision != request.revision:
        raise DataError(
            f"Task '{task}': the mirror holds the media of {request.repo} at revision "
            f"{entry.revision or 'unknown'}, but the task pins revision {request.revision} ({folder}). "
            f"Pull it again: {pull_command(task, data_root)}"
        )
    if not covers(entry.patterns, request.wanted):
        pulled = ", ".join(f"{p} (extract: {e})" for p, e in entry.patterns.items())
        raise DataError(
            f"Task '{task}': the mirror holds the media of {request.repo} for {pulled}, not all the task's "
            f"files ({', '.join(request.patterns)}, extract: {request.extract}) ({folder}). "
            f"Pull them: {pull_command(task, data_root)}"
        )
    return folder


def from_cache(request: MediaRequest, revision: str, looked: list[str]) -> Path | None:
    """The extraction cache folder of ``revision`` when its marker covers the request."""
    folder = cache_folder(request.repo, revision)
    if covers(read_marker(folder).get("patterns", {}), request.wanted):
        return folder
    looked.append(f"cache: {folder}: not found (or without these files)")
    return None


def from_hub(request: MediaRequest, data_root: Path, task: str, looked: list[str], local_only: bool) -> Path:
    """Download the matching repo files (``HF_HUB_OFFLINE``: find them in the Hugging Face cache) and lay
    them out in the extraction cache. ``local_only`` (no downloads allowed: ``tasks validate``, the task
    list) asks the Hugging Face cache only for the revision, and lays nothing out: a folder not extracted
    before is missing."""
    from lmms_eval.mirror.layout import offline_flag

    try:
        snapshot = download_snapshot(request.repo, request.revision, request.patterns, local_only)
    except DataError as exc:
        offline = offline_flag()
        if local_only:
            where = "Hub: not asked (no downloads here); Hugging Face cache"
        elif offline:
            where = f"Hub ({offline} is set: only the Hugging Face cache was looked at)"
        else:
            where = "Hub"
        raise DataError(_missing_message(request, task, data_root, looked, f"{where}: {exc}")) from exc
    if not local_only:
        return lay_out(request, snapshot)
    revision = snapshot_revision(snapshot, request.revision)
    folder = from_cache(request, revision, looked) if request.revision is None else None
    if folder is None:
        hub = f"Hub: not asked (no downloads here); the Hugging Face cache holds revision {revision}, not extracted"
        raise DataError(_missing_message(request, task, data_root, looked, hub))
    return folder


def download_snapshot(repo: str, revision: str | None, patterns: tuple[str, ...], local_only: bool) -> Path:
    """The local snapshot folder of the repo files matching ``patterns`` (``huggingface_hub``)."""
    try:
        import huggingface_hub
    except ImportError as exc:
        raise DataError(
            f"Media of '{repo}' come from the Hugging Face Hub: pip install huggingface_hub"
        ) from exc
    try:
        path = huggingface_hub.snapshot_download(
            repo_id=repo,
            repo_type="dataset",
            revision=revision,
            allow_patterns=list(patterns),
            local_files_only=local_only,
        )
    except Exception as exc:  # huggingface_hub raises many types (HTTP, offline, not cached)
        raise DataError(f"{type(exc).__name__}: {exc}") from exc
    return Path(path)


def snapshot_revision(snapshot: Path, requested: str | None) -> str:
    """The commit a snapshot folder holds: its name in the Hugging Face cache (``.../snapshots/<sha>``),
    else the revision asked for."""
    if snapshot.parent.name == "snapshots":
        return snapshot.name
    return requested or "main"


def lay_out(request: MediaRequest, snapshot: Path) -> Path:
    """The cache folder of the snapshot's revision with the request's files laid out (archives extracted
    once: only patterns the marker lacks are laid out, and archives it lists are skipped)."""
    from lmms_eval.tasks.sources.archives import folder_lock, place_files

    revision = snapshot_revision(snapshot, request.revision)
    folder = cache_folder(request.repo, revision)
    with folder_lock(folder):
        marker = read_marker(folder)
        done: dict[str, bool] = marker.get("patterns", {})
        new = {p: e for p, e in request.wanted.items() if done.get(p) != e}
        if not new:
            return folder
        archives: list[str] = marker.get("archives", [])
        placed = place_files(snapshot, new, folder, copy=False, skip_archives=archives)
        write_marker(
            folder,
            {
                "repo": request.repo,
                "revision": revision,
                "patterns": {**done, **new},
                "archives": sorted({*archives, *placed.archives}),
            },
        )
    return folder


def _missing_message(request: MediaRequest, task: str, data_root: Path, looked: list[str], hub: str) -> str:
    from lmms_eval.tasks.sources.hub import pull_command

    lines = [
        f"Task '{task}': no media for the Hugging Face dataset repo {request.label}.",
        *(f"  {line}" for line in looked),
        f"  {hub}",
        f"Fix: {pull_command(task, data_root)}",
        f"  (without internet here: run it where there is, copy that data root's hf/ folder to "
        f"{data_root / 'hf'}, then `lmms-eval data verify --data_root {shlex.quote(str(data_root))}`; "
        "see docs/offline.md)",
    ]
    return "\n".join(lines)
