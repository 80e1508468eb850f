"""Local datasets: JSONL, JSON, CSV, Parquet files, or a folder of media files.

Parquet is read lazily (``arrow.ParquetBackend``); the text formats are parsed whole into dicts."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import DataError
from lmms_eval.tasks.sources import LoadedDocs
from lmms_eval.tasks.sources.arrow import LazyRows, ParquetBackend
from lmms_eval.tasks.spec import LocalSource

_SUFFIX_FORMAT = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
}


def infer_format(source: LocalSource, path: Path) -> str:
    if source.format:
        return source.format
    if path.is_dir():
        return "folder"
    fmt = _SUFFIX_FORMAT.get(path.suffix.lower())
    if fmt is None:
        raise DataError(
            f"Cannot tell the format of {path}; set dataset.local.format (jsonl, json, csv, parquet, folder)."
        )
    return fmt


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}:{lineno}: invalid JSON line: {exc.msg}") from exc
    return rows


def _read_json(path: Path, records_key: str | None) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Extra data"):  # a .json file that is really JSON Lines
            return _read_jsonl(path)
        raise DataError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    if records_key is not None:
        if not isinstance(data, dict) or records_key not in data:
            raise DataError(f"{path}: records_key '{records_key}' not found at the top level")
        data = data[records_key]
    if isinstance(data, dict):
        data = [{"_key": k, **v} if isinstance(v, dict) else {"_key": k, "value": v} for k, v in data.items()]
    if not isinstance(data, list):
        raise DataError(f"{path}: expected a list of records (or set records_key)")
    return data


def _open_parquet(path: Path) -> LazyRows:
    """A Parquet file as lazy rows, read one row group at a time (no row is built until it is used)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise DataError(f"Reading {path} needs pyarrow: pip install 'lmms_eval[parquet]'") from exc
    try:
        return LazyRows(ParquetBackend(path))
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError, ArrowIOError an OSError
        raise DataError(f"{path}: cannot read as Parquet: {exc}") from exc


def _read_folder(path: Path, source: LocalSource) -> list[dict[str, Any]]:
    regex = re.compile(source.fields_regex) if source.fields_regex else None
    rows = []
    for file in sorted(p for p in path.rglob(source.pattern) if p.is_file()):
        row: dict[str, Any] = {"path": file.relative_to(path).as_posix(), "name": file.stem}
        if regex is not None:
            match = regex.fullmatch(file.stem) or regex.fullmatch(file.name)
            if match is None:
                continue
            row.update(match.groupdict())
        rows.append(row)
    return rows


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            stat = file.stat()
            digest.update(f"{file.relative_to(path).as_posix()}:{stat.st_size}\n".encode())
    else:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _fill_missing_columns(docs: list[dict[str, Any]]) -> list[str]:
    """Give every row every column (missing ones as None), as a table would; return the column names."""
    columns = list(dict.fromkeys(k for d in docs for k in d))
    for d in docs:
        if len(d) != len(columns):
            for k in columns:
                d.setdefault(k, None)
    return sorted(columns)


def load_local(source: LocalSource, path: Path, media_root: Path | None) -> LoadedDocs:
    """Read a local source. Parquet stays lazy (rows built one at a time, every row has every column);
    JSONL, JSON, CSV and folders are read whole into a list of dicts."""
    if not path.exists():
        raise DataError(
            f"Data file not found: {path}. Point --data_root (or $LMMS_EVAL_DATA_ROOT) at the folder that "
            f"holds '{source.path}'."
        )
    fmt = infer_format(source, path)
    if fmt == "parquet":
        rows = _open_parquet(path)
        root = media_root or path.parent
        columns = sorted(rows.column_names)
        return LoadedDocs(docs=rows, fingerprint=_fingerprint(path), media_root=root, columns=columns)
    try:
        if fmt == "jsonl":
            docs = _read_jsonl(path)
        elif fmt == "json":
            docs = _read_json(path, source.records_key)
        elif fmt == "csv":
            with path.open(encoding="utf-8", newline="") as fh:
                docs = list(csv.DictReader(fh))
        else:
            docs = _read_folder(path, source)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    root = media_root or (path if path.is_dir() else path.parent)
    columns = _fill_missing_columns(docs)
    return LoadedDocs(docs=docs, fingerprint=_fingerprint(path), media_root=root, columns=columns)
