"""The journal: a durable SQLite (WAL) record of every Response, committed as it arrives.

A request is done once an ``ok`` row for its cache key exists; error rows are kept (with the reason and the
number of attempts) but never count as done, so the next run retries them. Several processes (data-parallel
ranks) may share one journal file.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lmms_eval.core.types import Response

JOURNAL_SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    model TEXT NOT NULL,
    ok INTEGER NOT NULL,
    response TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    updated REAL NOT NULL
);
"""


_UPSERT = """INSERT INTO responses (key, task, doc_id, model, ok, response, attempts, updated)
    VALUES (?, ?, ?, ?, ?, ?, 1, ?)
    ON CONFLICT(key) DO UPDATE SET
      ok = excluded.ok, response = excluded.response, updated = excluded.updated,
      attempts = responses.attempts + 1
    WHERE responses.ok = 0"""


class Journal:
    """Writes to ``path``; reads from ``path`` and from every file in ``read_also`` (other ranks' journals),
    a success in any of them counting as done."""

    def __init__(self, path: Path, read_also: Iterable[Path] = ()) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), timeout=60, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # answers are committed in many small transactions (group commit); SQLite's default checkpoint every
        # 1,000 pages would copy the WAL back (with an fsync) every few dozen of them and triple the cost of
        # a commit. 16,000 pages (64 MB) keeps that rare; closing the last connection checkpoints the rest.
        self._db.execute("PRAGMA wal_autocheckpoint=16000")
        self._db.executescript(_SCHEMA)
        self._db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(JOURNAL_SCHEMA_VERSION),)
        )
        self._readers = [self._db]
        self.add_readers(read_also)

    def add_readers(self, paths: Iterable[Path]) -> None:
        """Also read these journal files (other ranks'); the own file and missing files are skipped."""
        known = {self.path.resolve()}
        for p in paths:
            if p.exists() and p.resolve() not in known:
                known.add(p.resolve())
                self._readers.append(
                    sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=60, check_same_thread=False)
                )

    def close(self) -> None:
        with self._lock:
            for db in self._readers:
                db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, key: str, task: str, doc_id: str, model: str, response: Response) -> None:
        """Commit one response. A success replaces an earlier error; an error never replaces a success."""
        self.record_many([(key, task, doc_id, model, response)])

    def record_many(self, rows: list[tuple[str, str, str, str, Response]]) -> None:
        """Commit several responses in one transaction (all or none of them)."""
        now = time.time()
        params = [
            (key, task, doc_id, model, 1 if r.ok else 0, r.model_dump_json(exclude_none=True), now)
            for key, task, doc_id, model, r in rows
        ]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(_UPSERT, params)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _select(self, columns: str, keys: Iterable[str]) -> list[tuple[Any, ...]]:
        """Rows ``(key, ok, *columns)`` for ``keys`` from every readable journal, in chunks of 900."""
        wanted = list(dict.fromkeys(keys))
        rows: list[tuple[Any, ...]] = []
        with self._lock:
            for db in self._readers:
                for i in range(0, len(wanted), 900):
                    chunk = wanted[i : i + 900]
                    marks = ",".join("?" * len(chunk))
                    sql = f"SELECT key, ok, {columns} FROM responses WHERE key IN ({marks})"
                    try:
                        rows.extend(db.execute(sql, chunk))
                    except sqlite3.OperationalError as exc:  # another process's journal not initialised yet
                        if "no such table" not in str(exc):
                            raise
                        break
        return rows

    def done_keys(self, keys: Iterable[str]) -> set[str]:
        """The subset of ``keys`` that already have a successful response."""
        return {key for key, ok, _ in self._select("1", keys) if ok}

    def attempts(self, keys: Iterable[str]) -> dict[str, int]:
        """How many responses were recorded for each key (retries included, summed over journals)."""
        out: dict[str, int] = {}
        for key, _, n in self._select("attempts", keys):
            out[key] = out.get(key, 0) + int(n)
        return out

    def fetch(self, keys: Iterable[str]) -> dict[str, tuple[Response, int]]:
        """Stored responses (and attempt counts) for ``keys``; a success wins over an error."""
        best: dict[str, tuple[int, str]] = {}
        counts: dict[str, int] = {}
        for key, ok, blob, n in self._select("response, attempts", keys):
            counts[key] = counts.get(key, 0) + int(n)
            if key not in best or ok > best[key][0]:
                best[key] = (ok, blob)
        return {key: (Response.model_validate_json(blob), counts[key]) for key, (_, blob) in best.items()}

    def db_mode(self) -> str:
        """The SQLite journal mode in force ('wal')."""
        with self._lock:
            return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])


def journal_files(folder: Path) -> list[Path]:
    """Every journal in ``folder``: the main one and the per-rank ones of data-parallel runs."""
    return sorted(folder.glob("journal*.sqlite"))
