"""Dataset sources: each returns the docs (dicts) and a fingerprint of the data they came from.

``docs`` is a list of dicts for the text formats (JSONL, JSON, CSV, a folder) and a
:class:`~lmms_eval.tasks.sources.arrow.LazyRows` for hub datasets and Parquet files: a sequence that builds
a row's dict only when it is indexed or iterated (see ``arrow.py``).

:func:`load_source` picks the source of a ``dataset:`` spec: a hub dataset is read from the offline mirror
under the data root when it holds the split (``DATA_ROOT/hf/...``, see ``lmms_eval.mirror``), else from the
spec's local fallback files, else from the Hub; a local spec from its files.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lmms_eval.tasks.spec import DatasetSpec, LocalSource


@dataclass
class LoadedDocs:
    docs: Sequence[dict[str, Any]]
    fingerprint: str
    revision: str | None = None
    media_root: Path | None = None
    columns: list[str] = field(default_factory=list)
    #: where the docs came from: "hub", "mirror", "local"
    origin: str = ""


_HUB_DOWNLOADS: contextvars.ContextVar[bool] = contextvars.ContextVar("hub_downloads", default=True)


@contextmanager
def no_hub_downloads() -> Iterator[None]:
    """Within this block a hub source reads only the mirror and its local fallback, never ``datasets``
    (what the task index does to count docs: it must not download a dataset to show its size)."""
    token = _HUB_DOWNLOADS.set(False)
    try:
        yield
    finally:
        _HUB_DOWNLOADS.reset(token)


def hub_downloads_allowed() -> bool:
    return _HUB_DOWNLOADS.get()


@dataclass
class LocalFiles:
    """A local source with its paths resolved against the YAML folder and the data root."""

    source: LocalSource
    path: Path
    media_root: Path | None

    def load(self) -> LoadedDocs:
        from lmms_eval.tasks.sources.local import load_local

        loaded = load_local(self.source, self.path, self.media_root)
        loaded.origin = "local"
        return with_aliases(loaded, self.source.alias, self.path)


def local_files(source: LocalSource, yaml_dir: Path, data_root: Path) -> LocalFiles:
    from lmms_eval.tasks.data_root import resolve_path

    path = resolve_path(source.path, yaml_dir, data_root)
    media_root = resolve_path(source.media_root, yaml_dir, data_root) if source.media_root else None
    return LocalFiles(source, path, media_root)


def with_aliases(loaded: LoadedDocs, alias: dict[str, str], path: Path) -> LoadedDocs:
    """Copy columns under new names (``alias: {new: existing}``) into every doc."""
    if not alias:
        return loaded
    from lmms_eval.core.errors import ConfigError, DataError

    docs = loaded.docs
    if not isinstance(docs, list):
        raise ConfigError(f"{path}: dataset.local.alias works on jsonl, json, csv and folder sources only")
    for new, existing in alias.items():
        if existing not in loaded.columns:
            raise DataError(
                f"{path}: dataset.local.alias copies column '{existing}' to '{new}', but there is no "
                f"column '{existing}'. Columns: {', '.join(loaded.columns)}"
            )
        if new in loaded.columns:
            raise DataError(f"{path}: dataset.local.alias '{new}' names a column the file already has")
    for doc in docs:
        for new, existing in alias.items():
            doc[new] = doc[existing]
    loaded.columns = sorted({*loaded.columns, *alias})
    return loaded


def load_source(spec: DatasetSpec, yaml_dir: Path, data_root: Path, task: str) -> LoadedDocs:
    """The docs of a ``dataset:`` spec (before ``filter``). Local paths are relative to the data root (or
    to the YAML when they start with ./ or ../)."""
    local = local_files(spec.local, yaml_dir, data_root) if spec.local is not None else None
    if spec.hub is not None:
        from lmms_eval.tasks.sources.hub import load_hub_split

        return load_hub_split(spec.hub, data_root, task, fallback=local)
    assert local is not None
    return local.load()
