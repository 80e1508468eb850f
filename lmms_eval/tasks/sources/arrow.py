"""Rows of a columnar table, built as plain dicts one at a time.

Hub datasets (an Arrow table memory-mapped from the ``datasets`` cache) and local Parquet files (decoded one
row group at a time) reach the rest of the code as a :class:`LazyRows`: a ``Sequence`` of the same dicts that
``Table.to_pylist()`` gives (Image/Audio columns as ``{"bytes", "path"}``), where a row becomes a dict only
when it is indexed or iterated, and nothing keeps it. So a 100k-row split with image bytes costs its memory
map, not 100k Python dicts. Whole-column questions (doc ids, their uniqueness) read one column through
:meth:`LazyRows.column`, never the rows. pyarrow is imported only by the callers that build a backend.
A ``dataset.join`` is a :class:`JoinedBackend`: left rows extended, when built, with the selected columns of
the matching right row (read alone, with only those columns).
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, overload

if TYPE_CHECKING:
    import pyarrow as pa

Row = dict[str, Any]

#: rows built together when iterating (a few hundred KB for rows holding images of a few KB)
ITER_CHUNK = 64


class RowBackend(Protocol):
    """A table that can build a contiguous run of rows and hand out one whole column."""

    num_rows: int
    column_names: list[str]

    def read(self, start: int, stop: int) -> list[Row]: ...

    def column(self, name: str) -> pa.ChunkedArray: ...


class ArrowBackend:
    """An in-memory or memory-mapped ``pyarrow.Table`` (what a ``datasets.Dataset`` holds)."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.num_rows = table.num_rows
        self.column_names = list(table.column_names)

    def read(self, start: int, stop: int) -> list[Row]:
        rows: list[Row] = self.table.slice(start, stop - start).to_pylist()
        return rows

    def column(self, name: str) -> pa.ChunkedArray:
        return self.table.column(name)

    def select(self, names: list[str]) -> ArrowBackend:
        """The same rows with these columns only (no copy)."""
        return ArrowBackend(self.table.select(names))


class ParquetBackend:
    """A Parquet file read one row group at a time (the last ``cached_groups`` groups read are kept, for runs
    of nearby rows; ``columns`` limits what is decoded).

    Parquet pages are encoded (and usually compressed), so they cannot be used in place the way an Arrow
    file is: a row costs the decoding of its row group. Hugging Face writes groups of 100 rows for image
    datasets (16 for audio); a file written as one huge group is decoded whole (into Arrow buffers, still
    no Python objects) on the first row read. The file is read with ``pread``, not memory-mapped: reading one
    column of every group through a map would fault in the pages around each column chunk (read-ahead)."""

    def __init__(self, path: Path, columns: list[str] | None = None, cached_groups: int = 1) -> None:
        import pyarrow.parquet as pq

        self.path, self._columns, self._keep = path, columns, max(1, cached_groups)
        self.file = pq.ParquetFile(path, memory_map=False)
        meta = self.file.metadata
        self.num_rows = meta.num_rows
        self.column_names = list(self.file.schema_arrow.names) if columns is None else list(columns)
        self._starts = [0]
        for g in range(meta.num_row_groups):
            self._starts.append(self._starts[-1] + meta.row_group(g).num_rows)
        self._cached: OrderedDict[int, pa.Table] = OrderedDict()  # the last groups read, newest last
        self._lock = threading.Lock()

    def _group(self, g: int) -> pa.Table:
        with self._lock:
            if g in self._cached:
                self._cached.move_to_end(g)
            else:
                self._cached[g] = self.file.read_row_group(g, columns=self._columns)
                while len(self._cached) > self._keep:
                    self._cached.popitem(last=False)
            return self._cached[g]

    def read(self, start: int, stop: int) -> list[Row]:
        rows: list[Row] = []
        g = bisect.bisect_right(self._starts, start) - 1
        while start < stop:
            base, end = self._starts[g], self._starts[g + 1]
            hi = min(stop, end)
            if hi > start:
                rows.extend(self._group(g).slice(start - base, hi - start).to_pylist())
            start, g = hi, g + 1
        return rows

    def column(self, name: str) -> pa.ChunkedArray:
        with self._lock:
            return self.file.read(columns=[name]).column(name)

    def select(self, names: list[str], cached_groups: int = 1) -> ParquetBackend:
        """The same rows with these columns only: a row group read decodes just them."""
        return ParquetBackend(self.path, names, cached_groups)


class LazyRows(Sequence[Row]):
    """A view of some rows of a backend (all of them, a slice, or the positions a filter kept).

    Indexing builds a fresh dict each time; slicing and :meth:`take` give another view, reading nothing."""

    def __init__(self, backend: RowBackend, positions: Sequence[int] | None = None) -> None:
        self._backend = backend
        self._positions: Sequence[int] = range(backend.num_rows) if positions is None else positions

    @property
    def column_names(self) -> list[str]:
        return self._backend.column_names

    @property
    def backend(self) -> RowBackend:
        return self._backend

    @property
    def positions(self) -> Sequence[int]:
        return self._positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, key: int) -> Row: ...

    @overload
    def __getitem__(self, key: slice) -> LazyRows: ...

    def __getitem__(self, key: int | slice) -> Row | LazyRows:
        if isinstance(key, slice):
            return LazyRows(self._backend, self._positions[key])
        p = self._positions[key]
        return self._backend.read(p, p + 1)[0]

    def __iter__(self) -> Iterator[Row]:
        positions = self._positions
        if isinstance(positions, range) and positions.step == 1:
            for lo in range(positions.start, positions.stop, ITER_CHUNK):
                yield from self._backend.read(lo, min(lo + ITER_CHUNK, positions.stop))
        else:
            for p in positions:
                yield self._backend.read(p, p + 1)[0]

    def take(self, indices: Sequence[int]) -> LazyRows:
        """The rows at these indices of this view, in this order (what a filter keeps)."""
        return LazyRows(self._backend, [self._positions[i] for i in indices])

    def column(self, name: str) -> list[Any]:
        """Every value of one column of this view (Arrow column access: no row is built)."""
        values = self._backend.column(name)
        positions = self._positions
        if isinstance(positions, range) and positions.step == 1:
            out: list[Any] = values.slice(positions.start, len(positions)).to_pylist()
            return out
        import pyarrow as pa

        taken: list[Any] = values.take(pa.array(list(positions), type=pa.int64())).to_pylist()
        return taken


def column_values(rows: Sequence[Row], name: str) -> list[Any]:
    """One column of any rows: read from the column for :class:`LazyRows` (None for every row when the
    column does not exist), taken row by row (``row.get``) for a list of dicts."""
    if isinstance(rows, LazyRows):
        return rows.column(name) if name in rows.column_names else [None] * len(rows)
    return [row.get(name) for row in rows]


def take_rows(rows: Sequence[Row], indices: Sequence[int]) -> Sequence[Row]:
    """The rows at ``indices``: another view for :class:`LazyRows`, a list of the same dicts otherwise."""
    if isinstance(rows, LazyRows):
        return rows.take(indices)
    return [rows[i] for i in indices]


#: row groups a joined split's Parquet keeps decoded: its rows are read in the left side's key order
JOIN_CACHED_GROUPS = 4


def select_columns(rows: Sequence[Row], names: list[str]) -> Sequence[Row]:
    """The rows with only these columns where the backend can read fewer columns (Arrow, Parquet; a Parquet
    file then keeps a few row groups decoded, for rows read out of order); other rows are returned as they
    are (the caller picks the columns from each row it builds)."""
    if isinstance(rows, LazyRows):
        backend = rows.backend
        if isinstance(backend, ParquetBackend):
            return LazyRows(backend.select(names, JOIN_CACHED_GROUPS), rows.positions)
        if isinstance(backend, ArrowBackend):
            return LazyRows(backend.select(names), rows.positions)
    return rows


class JoinedBackend:
    """Left rows, each extended with ``columns`` of the right row at ``matches[i]`` (the row whose join key
    equals left row ``i``'s). A right row is read only when its left row is built."""

    def __init__(
        self, left: Sequence[Row], right: Sequence[Row], matches: Sequence[int], columns: list[str]
    ) -> None:
        self._left, self._right, self._matches, self._columns = left, right, matches, columns
        self.num_rows = len(left)
        left_names = left.column_names if isinstance(left, LazyRows) else sorted({k for r in left for k in r})
        self.column_names = [*left_names, *columns]

    def read(self, start: int, stop: int) -> list[Row]:
        rows = [dict(r) for r in self._left[start:stop]]
        for row, p in zip(rows, self._matches[start:stop]):
            right = self._right[p]
            row.update({c: right.get(c) for c in self._columns})
        return rows

    def column(self, name: str) -> pa.ChunkedArray:
        import pyarrow as pa

        if name in self._columns:
            values = column_values(self._right, name)
            return pa.chunked_array([pa.array([values[p] for p in self._matches])])
        if isinstance(self._left, LazyRows):
            positions = self._left.positions
            if isinstance(positions, range) and positions == range(self._left.backend.num_rows):
                return self._left.backend.column(name)
        return pa.chunked_array([pa.array(column_values(self._left, name))])
