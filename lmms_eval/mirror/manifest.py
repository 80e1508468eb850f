"""The mirror's manifest: one record per mirrored split (file, sha256, size, rows, revision), and one per
repo whose media files are mirrored (every file with its sha256), versioned.

``DATA_ROOT/hf/manifest.json``; file paths inside it are relative to ``DATA_ROOT/hf`` so a mirror can be
copied anywhere. Written atomically (temporary file + rename).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lmms_eval.core.errors import DataError
from lmms_eval.mirror.layout import MANIFEST_NAME, SplitKey, mirror_root

MANIFEST_SCHEMA_VERSION: Literal[1] = 1


class MirrorEntry(BaseModel):
    """One mirrored split."""

    model_config = ConfigDict(extra="forbid")

    path: str  #: Hub dataset id, e.g. MathLLMs/MathVision
    config: str | None = None  #: the config (``name``); None is the dataset's default
    split: str
    #: the revision the file was pulled at: the task's pin, else the commit the Hub resolved (None: unknown)
    revision: str | None = None
    file: str  #: relative to DATA_ROOT/hf, posix separators
    sha256: str
    bytes: int
    rows: int
    columns: list[str] = Field(default_factory=list)
    pulled_at: datetime
    datasets_version: str | None = None

    @property
    def key(self) -> SplitKey:
        return SplitKey(self.path, self.config, self.split)


class MediaFile(BaseModel):
    """One mirrored media file."""

    model_config = ConfigDict(extra="forbid")

    file: str  #: relative to DATA_ROOT/hf, posix separators
    sha256: str
    bytes: int


class MediaEntry(BaseModel):
    """The mirrored media files of one Hub dataset repo (``DATA_ROOT/hf/<repo>/media``)."""

    model_config = ConfigDict(extra="forbid")

    repo: str
    #: the commit the files were downloaded at (the tasks' pin, else what the Hub resolved)
    revision: str | None = None
    #: the ``files`` patterns laid out, each with whether its archives were extracted
    patterns: dict[str, bool]
    #: the repo's archives that were extracted (repo paths)
    archives: list[str] = Field(default_factory=list)
    dir: str  #: relative to DATA_ROOT/hf
    files: list[MediaFile] = Field(default_factory=list)
    pulled_at: datetime

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = MANIFEST_SCHEMA_VERSION
    entries: list[MirrorEntry] = Field(default_factory=list)
    #: written only when there is some (a manifest without media reads as it did before media existed)
    media: list[MediaEntry] = Field(default_factory=list)

    def media_entry(self, repo: str) -> MediaEntry | None:
        return next((m for m in self.media if m.repo == repo), None)

    def put_media(self, entry: MediaEntry) -> None:
        """Add or replace the media record of the same repo (sorted by repo)."""
        self.media = sorted([m for m in self.media if m.repo != entry.repo] + [entry], key=lambda m: m.repo)

    def get(self, key: SplitKey) -> MirrorEntry | None:
        return next((e for e in self.entries if e.key == key), None)

    def put(self, entry: MirrorEntry) -> None:
        """Add or replace the entry of the same split (entries stay sorted)."""
        self.entries = [e for e in self.entries if e.key != entry.key] + [entry]
        self.entries.sort(key=lambda e: (e.path, e.config or "", e.split))


def manifest_path(data_root: Path) -> Path:
    return mirror_root(data_root) / MANIFEST_NAME


def read_manifest(data_root: Path) -> Manifest:
    """The manifest under ``data_root`` (empty when there is none); a malformed one is a DataError."""
    path = manifest_path(data_root)
    if not path.is_file():
        return Manifest()
    try:
        return Manifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise DataError(
            f"{path}: not a valid mirror manifest (schema version {MANIFEST_SCHEMA_VERSION}): {exc}. "
            "Pull the datasets again (lmms-eval data pull TASK --data_root ...) to rewrite it."
        ) from exc


def write_manifest(data_root: Path, manifest: Manifest) -> Path:
    path = manifest_path(data_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    exclude = None if manifest.media else {"media"}
    tmp.write_text(manifest.model_dump_json(indent=2, exclude=exclude) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def sha256_file(path: Path, progress: Callable[[int], object] | None = None) -> tuple[str, int]:
    """(hex sha256, size in bytes) of a file, read in 1 MiB chunks; ``progress`` is told each chunk's
    size (a progress bar over bytes)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest(), size
