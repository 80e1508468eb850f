"""Where the official Java tools of pycocoevalcap are: its jars, found without importing the package."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def pycocoevalcap_jar(subdir: str, name: str, jar: str | os.PathLike[str] | None = None) -> Path | None:
    """``jar`` if given (None when it is not a file), else ``<pycocoevalcap>/<subdir>/<name>`` of an installed
    pycocoevalcap, else None."""
    if jar is not None:
        path = Path(jar)
        return path if path.is_file() else None
    spec = importlib.util.find_spec("pycocoevalcap")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        candidate = Path(root) / subdir / name
        if candidate.is_file():
            return candidate
    return None
