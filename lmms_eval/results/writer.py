"""Write results.json and samples_<task>.jsonl atomically into the run folder."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lmms_eval.results.schema import Results, SampleRecord


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_results(run_dir: Path, results: Results) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "results.json"
    _atomic_write(path, results.model_dump_json(indent=2))
    return path


def write_samples(run_dir: Path, task: str, records: Iterable[dict[str, Any]]) -> Path:
    """One JSON line per sample, with the fields of SampleRecord."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / f"samples_{task}.jsonl"
    _atomic_write(path, "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records))
    return path


def read_samples(path: Path) -> list[SampleRecord]:
    """Read and validate a samples file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [SampleRecord.model_validate_json(line) for line in lines if line.strip()]


def load_results(path: Path) -> Results:
    """Read a results.json (a folder holding one works too)."""
    if path.is_dir():
        path = path / "results.json"
    return Results.model_validate_json(path.read_text(encoding="utf-8"))
