"""Dataset sources: each returns the docs (dicts) and a fingerprint of the data they came from.

``docs`` is a list of dicts for the text formats (JSONL, JSON, CSV, a folder) and a
:class:`~lmms_eval.tasks.sources.arrow.LazyRows` for hub datasets and Parquet files: a sequence that builds
a row's dict only when it is indexed or iterated (see ``arrow.py``).

:func:`load_source` picks the source of a ``dataset:`` spec: a hub dataset is read from the offline mirror
under the data root when it holds the split (``DATA_ROOT/hf/...``, see ``lmms_eval.mirror``), else from the
spec's local fallback files, else from the Hub; a local spec from its files. A ``join`` then adds columns
of a second hub split, loaded the same way (:func:`join_split`), and ``media`` sets the docs' media root to
the media files of a Hub repo (``sources/media.py``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lmms_eval.tasks.spec import DatasetSpec, JoinSpec, LocalSource


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

        loaded = load_hub_split(spec.hub, data_root, task, fallback=local)
    else:
        assert local is not None
        loaded = local.load()
    if spec.join is not None:
        loaded = join_split(loaded, spec.join, data_root, task)
    # media files of a Hub repo: the mirror, the extraction cache, or the Hub (a hub task's local fallback
    # keeps the media of its own layout)
    if spec.media is not None and not (loaded.origin == "local" and spec.hub is not None):
        from lmms_eval.tasks.sources.media import resolve_media

        loaded.media_root = resolve_media(spec, data_root, task)
    return loaded


def join_split(left: LoadedDocs, join: JoinSpec, data_root: Path, task: str) -> LoadedDocs:
    """``left``'s rows with ``join.columns`` of the matching rows of the joined hub split (mirror first,
    then the Hub). Only the key columns are read here; a left key without a match, a key repeated on the
    right, or a missing column is a DataError naming the task and the joined split."""
    import hashlib

    from lmms_eval.core.errors import DataError
    from lmms_eval.tasks.sources.arrow import JoinedBackend, LazyRows, column_values, select_columns
    from lmms_eval.tasks.sources.hub import load_hub_split

    right = load_hub_split(join.hub, data_root, task)
    split = f"the joined split {join.describe()}"
    lkey, rkey = join.left_key, join.right_key
    if lkey not in left.columns:
        raise DataError(
            f"Task '{task}': join key column '{lkey}' is not in the data. Columns: {', '.join(left.columns)}"
        )
    missing = [c for c in (rkey, *join.columns) if c not in right.columns]
    if missing:
        raise DataError(
            f"Task '{task}': {split} has no column(s) {missing}. Columns: {', '.join(right.columns)}"
        )
    clash = [c for c in join.columns if c in left.columns]
    if clash:
        raise DataError(f"Task '{task}': join.columns {clash} are columns the data already has")
    position: dict[str, int] = {}
    for i, value in enumerate(column_values(right.docs, rkey)):
        if str(value) in position:
            raise DataError(f"Task '{task}': key '{value}' appears twice in column '{rkey}' of {split}")
        position[str(value)] = i
    matches: list[int] = []
    for value in column_values(left.docs, lkey):
        p = position.get(str(value))
        if p is None:
            raise DataError(f"Task '{task}': {lkey} '{value}' has no row with {rkey} '{value}' in {split}")
        matches.append(p)
    rows = select_columns(right.docs, list(join.columns))
    if right.media_root is not None and right.media_root != left.media_root:
        rows = _MediaResolved(rows, right.media_root, join.columns)
    fingerprint = hashlib.sha256(f"{left.fingerprint}|{right.fingerprint}|{join.model_dump_json()}".encode())
    return LoadedDocs(
        docs=LazyRows(JoinedBackend(left.docs, rows, matches, list(join.columns))),
        fingerprint=fingerprint.hexdigest()[:16],
        revision=left.revision,
        media_root=left.media_root,
        columns=sorted({*left.columns, *join.columns}),
        origin=left.origin,
    )


class _MediaResolved(Sequence[dict[str, Any]]):
    """Right-side rows whose relative media paths (a JSONL mirror's) are made absolute against their own
    folder, since the joined docs resolve paths against the left split's."""

    def __init__(self, rows: Sequence[dict[str, Any]], root: Path, columns: list[str]) -> None:
        self._rows, self._root, self._columns = rows, root, columns

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        row = dict(self._rows[i])
        for c in self._columns:
            row[c] = _absolute(row.get(c), self._root)
        return row


def _absolute(value: Any, root: Path) -> Any:
    if isinstance(value, str) and value and not Path(value).is_absolute() and (root / value).is_file():
        return str(root / value)
    if isinstance(value, dict) and not value.get("bytes") and isinstance(value.get("path"), str):
        return {**value, "path": _absolute(value["path"], root)}
    return value
