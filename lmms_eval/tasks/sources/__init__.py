"""Dataset sources: each returns the docs (plain dicts) and a fingerprint of the data they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class LoadedDocs:
    docs: list[dict[str, Any]]
    fingerprint: str
    revision: str | None = None
    media_root: Path | None = None
    columns: list[str] = field(default_factory=list)
