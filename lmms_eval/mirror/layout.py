"""Where a mirrored split lives under the data root, and whether the Hub may be asked at all.

A split of a Hub dataset ``path`` (``owner/name``), config ``name`` (or ``default``) and ``split`` is
``DATA_ROOT/hf/<path>/<config>/<split>.parquet`` (HF's parquet encoding, written by ``data pull``) or
``.../<split>.jsonl`` (JSON Lines whose media columns hold paths relative to the file). The media files of a
repo (``dataset.media``) are laid out in ``DATA_ROOT/hf/<path>/media/``. Standard library only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lmms_eval.tasks.spec import HubSource

MIRROR_DIR = "hf"
#: the folder of a repo's media files: DATA_ROOT/hf/<repo>/media (extracted archives, other files at their
#: repo path); "media" is therefore not usable as a config name of a mirrored dataset
MEDIA_DIR = "media"
MANIFEST_NAME = "manifest.json"
DEFAULT_CONFIG = "default"
#: file formats of a mirrored split, in the order they are looked for
FORMATS = ("parquet", "jsonl")
OFFLINE_VARS = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?$")
_PART = re.compile(r"^[\w.()-]+(?: [\w.()-]+)*$")  # e.g. MMMU-Pro's config "standard (10 options)"


def mirror_root(data_root: Path) -> Path:
    return data_root / MIRROR_DIR


def is_repo_id(path: str) -> bool:
    """Whether ``path`` is a Hub repo id (``owner/name`` or ``name``) usable as a mirror folder."""
    return bool(_REPO_ID.match(path)) and ".." not in path


def media_rel_dir(repo: str) -> str:
    """The media folder of a Hub dataset repo, relative to ``DATA_ROOT/hf`` (posix separators)."""
    return f"{repo}/{MEDIA_DIR}"


def media_dir(data_root: Path, repo: str) -> Path:
    return mirror_root(data_root) / media_rel_dir(repo)


def offline_flag() -> str | None:
    """``"HF_HUB_OFFLINE=1"`` (the variable that is set) when the Hub must not be asked, else None."""
    for var in OFFLINE_VARS:
        value = os.environ.get(var, "")
        if value.strip().upper() in ("1", "ON", "YES", "TRUE"):
            return f"{var}={value}"
    return None


@dataclass(frozen=True)
class SplitKey:
    """One split of one config of a Hub dataset: the unit that is mirrored, verified and listed."""

    path: str
    config: str | None
    split: str

    @classmethod
    def of(cls, source: HubSource) -> SplitKey:
        return cls(source.path, source.name, source.split)

    @property
    def config_dir(self) -> str:
        return self.config or DEFAULT_CONFIG

    def rel_file(self, fmt: str = "parquet") -> str:
        """The file's path relative to ``DATA_ROOT/hf`` (posix separators, as in the manifest)."""
        return f"{self.path}/{self.config_dir}/{self.split}.{fmt}"

    def files(self, data_root: Path) -> list[Path]:
        """Where the split may be, in the order looked for (parquet, then jsonl)."""
        return [mirror_root(data_root) / self.rel_file(fmt) for fmt in FORMATS]

    def find(self, data_root: Path) -> Path | None:
        """The mirrored file of this split, or None."""
        return next((p for p in self.files(data_root) if p.is_file()), None)

    @property
    def label(self) -> str:
        return f"{self.path}" + (f" ({self.config})" if self.config else "") + f" [{self.split}]"


def not_mirrorable(source: HubSource) -> str | None:
    """Why this hub source has no place in the mirror (a local folder, a packaged builder over
    ``data_files``, a split expression such as ``test[:100]``), or None when it has one."""
    path = source.path
    if path.startswith((".", "/", "~")) or Path(path).expanduser().exists():
        return f"'{path}' is a local path, read by datasets directly"
    if not _REPO_ID.match(path) or ".." in path:
        return f"'{path}' is not a Hub dataset id (owner/name)"
    if source.data_files is not None and "/" not in path:
        return f"'{path}' is a packaged builder over data_files"
    if source.name == MEDIA_DIR:
        return f"the config '{MEDIA_DIR}' would share the folder of the repo's media files"
    for what, value in (("config", source.name), ("split", source.split)):
        if value is not None and (not _PART.match(value) or value in (".", "..")):
            return f"the {what} '{value}' cannot be a file name"
    return None
