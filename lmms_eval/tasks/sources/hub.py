"""Hugging Face Hub datasets: from the offline mirror under the data root, else ``datasets.load_dataset``.

:func:`load_hub_split` is what tasks call. A split mirrored by ``lmms-eval data pull``
(``DATA_ROOT/hf/<path>/<config or default>/<split>.parquet``, or a ``.jsonl`` whose media paths are relative
to it) is read with no network and without ``datasets``: Parquet through the lazy reader
(:class:`~lmms_eval.tasks.sources.arrow.LazyRows`), JSONL as a local file. When the mirror lacks it, a spec's
local fallback files are read, then the Hub is asked (with ``HF_HUB_OFFLINE`` / ``HF_DATASETS_OFFLINE`` set,
``datasets`` looks only in its own cache and fails fast); the error names the files looked for and the
command that makes them. :func:`load_hub` is the Hub step alone.

From the Hub, Image and Audio columns are cast with ``decode=False`` so docs hold ``{"bytes", "path"}``
dicts (as the mirror's Parquet does): media stays a reference until the prefetch stage decodes it. The rows
stay in the dataset's memory-mapped Arrow table and are built one at a time, never listed whole.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import DataError
from lmms_eval.mirror.layout import SplitKey, not_mirrorable, offline_flag
from lmms_eval.tasks.sources import LoadedDocs, LocalFiles, hub_downloads_allowed
from lmms_eval.tasks.sources.arrow import ArrowBackend, LazyRows
from lmms_eval.tasks.spec import HubSource, LocalSource


def load_raw_dataset(source: HubSource) -> Any:
    """The ``datasets.Dataset`` of one split as ``datasets`` gives it (media features decoding)."""
    try:
        import datasets
    except ImportError as exc:
        raise DataError(
            f"Task uses the Hugging Face dataset '{source.path}': pip install 'lmms_eval[hf]'"
        ) from exc
    try:
        return datasets.load_dataset(
            source.path,
            source.name,
            split=source.split,
            revision=source.revision,
            data_files=source.data_files,
            trust_remote_code=source.trust_remote_code or None,
        )
    except Exception as exc:  # the datasets library raises many types; report them uniformly
        raise DataError(
            f"Cannot load Hugging Face dataset '{source.path}' (split {source.split}): {exc}"
        ) from exc


def open_dataset(source: HubSource) -> Any:
    """The ``datasets.Dataset`` of one split, its Image and Audio columns left undecoded."""
    import datasets

    ds = load_raw_dataset(source)
    for column, feature in ds.features.items():
        if isinstance(feature, (datasets.Image, datasets.Audio)):
            ds = ds.cast_column(column, type(feature)(decode=False))
    return ds


def pull_command(task: str, data_root: Path) -> str:
    return f"lmms-eval data pull {shlex.quote(task)} --data_root {shlex.quote(str(data_root))}"


def load_hub(source: HubSource) -> LoadedDocs:
    """One split from the Hub (or ``datasets``' cache), through ``datasets.load_dataset``."""
    ds = open_dataset(source)
    # The arrow-formatted full slice is the dataset's own (memory-mapped) table, sliced without a copy; a
    # dataset with an indices mapping (never the case for load_dataset's splits) would be gathered instead.
    table = ds.with_format("arrow")[:]
    return LoadedDocs(
        docs=LazyRows(ArrowBackend(table)),
        fingerprint=str(ds._fingerprint),
        revision=source.revision,
        media_root=None,
        columns=list(ds.column_names),
        origin="hub",
    )


def load_hub_split(
    source: HubSource, data_root: Path, task: str, fallback: LocalFiles | None = None
) -> LoadedDocs:
    """One split: from the mirror under ``data_root``, else ``fallback``'s files, else the Hub (offline:
    ``datasets``' cache only); the error names what is missing and the fix."""
    key = SplitKey.of(source)
    mirrorable = not_mirrorable(source) is None
    looked: list[str] = []
    if mirrorable:
        found = key.find(data_root)
        if found is not None:
            return _load_mirrored(source, key, found, data_root, task)
        files = key.files(data_root)
        looked.append(f"mirror: {files[0]} (or {files[1].name}): not found")
    if fallback is not None:
        if fallback.path.exists():
            return fallback.load()
        looked.append(f"local fallback: {fallback.path}: not found")
    if not hub_downloads_allowed():
        raise DataError(_missing_message(source, task, data_root, looked, "Hub: not asked"))
    offline = offline_flag()
    try:  # offline, datasets looks only in its own cache (a cache filled earlier still works) and fails fast
        return load_hub(source)
    except DataError as exc:
        if not mirrorable:
            raise
        hub = f"Hub ({offline} is set: only the datasets cache was looked at)" if offline else "Hub"
        raise DataError(_missing_message(source, task, data_root, looked, f"{hub}: {exc}")) from exc


def _load_mirrored(source: HubSource, key: SplitKey, file: Path, data_root: Path, task: str) -> LoadedDocs:
    from lmms_eval.mirror.manifest import read_manifest
    from lmms_eval.tasks.sources.local import load_local

    entry = read_manifest(data_root).get(key)
    if entry is not None and source.revision is not None and entry.revision != source.revision:
        raise DataError(
            f"Task '{task}': the mirror holds {key.label} at revision {entry.revision or 'unknown'}, "
            f"but the task pins revision {source.revision} ({file}). "
            f"Pull it again: {pull_command(task, data_root)}"
        )
    local = LocalSource(path=str(file), format="jsonl" if file.suffix == ".jsonl" else "parquet")
    loaded = load_local(local, file, file.parent)  # media paths of a jsonl are relative to it
    loaded.revision = entry.revision if entry is not None else source.revision
    loaded.origin = "mirror"
    return loaded


def _missing_message(source: HubSource, name: str, data_root: Path, looked: list[str], hub: str) -> str:
    revision = f", revision {source.revision}" if source.revision else ""
    lines = [
        f"Task '{name}': no data for the Hugging Face dataset {SplitKey.of(source).label}{revision}.",
        *(f"  {line}" for line in looked),
        f"  {hub}",
        f"Fix: {pull_command(name, data_root)}",
        f"  (without internet here: run it where there is, copy that data root's hf/ folder to "
        f"{data_root / 'hf'}, then `lmms-eval data verify --data_root {shlex.quote(str(data_root))}`; "
        "see docs/offline.md)",
    ]
    return "\n".join(lines)
