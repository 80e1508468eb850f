"""Where local task data lives: ``--data_root``, else ``$LMMS_EVAL_DATA_ROOT``, else the bundled sample pack."""

from __future__ import annotations

import os
from pathlib import Path

BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data" / "sample"
ENV_VAR = "LMMS_EVAL_DATA_ROOT"


def resolve_data_root(explicit: str | Path | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return BUNDLED_DATA


def resolve_path(value: str, yaml_dir: Path, data_root: Path) -> Path:
    """Absolute paths stay; ``./x`` and ``../x`` are relative to the YAML file; others to the data root."""
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    if value.startswith(("./", "../")):
        return (yaml_dir / path).resolve()
    return (data_root / path).resolve()
