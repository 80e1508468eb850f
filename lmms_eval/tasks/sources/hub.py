"""Hugging Face Hub datasets through ``datasets.load_dataset`` (imported lazily).

Image and Audio columns are cast with ``decode=False`` so docs hold ``{"bytes", "path"}`` dicts: media stays
a reference until the prefetch stage decodes it. The rows stay in the dataset's memory-mapped Arrow table
and are built one at a time (:class:`~lmms_eval.tasks.sources.arrow.LazyRows`), never listed whole.
"""

from __future__ import annotations

from typing import Any

from lmms_eval.core.errors import DataError
from lmms_eval.tasks.sources import LoadedDocs
from lmms_eval.tasks.sources.arrow import ArrowBackend, LazyRows
from lmms_eval.tasks.spec import HubSource


def open_dataset(source: HubSource) -> Any:
    """The ``datasets.Dataset`` of one split, its Image and Audio columns left undecoded."""
    try:
        import datasets
    except ImportError as exc:
        raise DataError(
            f"Task uses the Hugging Face dataset '{source.path}': pip install 'lmms_eval[hf]'"
        ) from exc
    try:
        ds: Any = datasets.load_dataset(
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
    for column, feature in ds.features.items():
        if isinstance(feature, (datasets.Image, datasets.Audio)):
            ds = ds.cast_column(column, type(feature)(decode=False))
    return ds


def load_hub(source: HubSource) -> LoadedDocs:
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
    )
