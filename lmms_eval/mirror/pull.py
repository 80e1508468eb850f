"""``data pull``: download each Hub split at its pinned revision and write it into the mirror.

The split is loaded with ``datasets.load_dataset`` (its own download progress bars), media that points at
local files is embedded as bytes (as ``push_to_hub`` does), and it is written with ``Dataset.to_parquet``:
HF's parquet encoding (Image/Audio as ``{bytes, path}`` structs, row groups of 100 rows for images) with the
features in the schema metadata, so ``datasets`` reads the same types back. The file is hashed, moved into
place atomically and recorded in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import DataError
from lmms_eval.mirror.layout import SplitKey, mirror_root, offline_flag
from lmms_eval.mirror.manifest import MirrorEntry, read_manifest, sha256_file, write_manifest
from lmms_eval.tasks.spec import HubSource


@dataclass
class PullResult:
    entry: MirrorEntry
    status: str  # "pulled" | "up to date"


def resolve_revision(source: HubSource) -> str | None:
    """The task's pinned revision, else the commit the Hub's default branch points at now (None when the
    Hub cannot be asked: offline, or no ``huggingface_hub``)."""
    if source.revision is not None:
        return source.revision
    if offline_flag():
        return None
    try:
        from huggingface_hub import HfApi

        sha: str | None = HfApi().dataset_info(source.path).sha
        return sha
    except Exception:  # any failure only costs the record of the commit
        return None


def is_current(data_root: Path, key: SplitKey, source: HubSource) -> MirrorEntry | None:
    """The manifest entry when the mirrored file is there, unchanged and at the pinned revision."""
    entry = read_manifest(data_root).get(key)
    if entry is None:
        return None
    file = mirror_root(data_root) / entry.file
    if not file.is_file() or (source.revision is not None and entry.revision != source.revision):
        return None
    sha, size = sha256_file(file)
    return entry if (sha, size) == (entry.sha256, entry.bytes) else None


def _embed_media(ds: Any) -> Any:
    """Media stored as paths to local files (script datasets) becomes bytes, so the mirror stands alone."""
    from datasets.features.features import require_storage_embed
    from datasets.table import embed_table_storage

    if not any(require_storage_embed(f) for f in ds.features.values()):
        return ds
    fmt = ds.format
    embedded = ds.with_format("arrow").map(embed_table_storage, batched=True, desc="Embedding media")
    return embedded.with_format(**fmt)


def pull_split(source: HubSource, data_root: Path, force: bool = False) -> PullResult:
    """Mirror one split (skipped when the mirror already holds it unchanged at the pinned revision)."""
    key = SplitKey.of(source)
    if not force:
        current = is_current(data_root, key, source)
        if current is not None:
            return PullResult(current, "up to date")
    from lmms_eval.tasks.sources.hub import load_raw_dataset

    revision = resolve_revision(source)
    pinned = source.model_copy(update={"revision": revision})
    ds = _embed_media(load_raw_dataset(pinned))
    target = mirror_root(data_root) / key.rel_file("parquet")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        ds.to_parquet(str(partial))
        sha, size = sha256_file(partial)
        partial.replace(target)
    except OSError as exc:
        raise DataError(f"Cannot write {target}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    import datasets

    entry = MirrorEntry(
        path=key.path,
        config=key.config,
        split=key.split,
        revision=revision,
        file=key.rel_file("parquet"),
        sha256=sha,
        bytes=size,
        rows=ds.num_rows,
        columns=list(ds.column_names),
        pulled_at=datetime.now(timezone.utc),
        datasets_version=datasets.__version__,
    )
    manifest = read_manifest(data_root)
    manifest.put(entry)
    write_manifest(data_root, manifest)
    return PullResult(entry, "pulled")
