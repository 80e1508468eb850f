"""Dataset sources: each returns the docs (dicts) and a fingerprint of the data they came from.

``docs`` is a list of dicts for the text formats (JSONL, JSON, CSV, a folder) and a
:class:`~lmms_eval.tasks.sources.arrow.LazyRows` for hub datasets and Parquet files: a sequence that builds
a row's dict only when it is indexed or iterated (see ``arrow.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class LoadedDocs:
    docs: Sequence[dict[str, Any]]
    fingerprint: str
    revision: str | None = None
    media_root: Path | None = None
    columns: list[str] = field(default_factory=list)
