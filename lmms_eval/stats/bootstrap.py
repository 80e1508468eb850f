"""The seeded, vectorized resampling engine behind :func:`lmms_eval.stats.estimate`.

One ``np.random.default_rng(seed)`` drives every draw, chunk after chunk, so a result depends only on the
inputs and the seed. Three ways to draw a resample, all giving the same bootstrap distribution
(resampling ``n`` samples, or ``C`` clusters, uniformly with replacement):

- **atoms** (no clusters, the aggregation has a ``from_counts`` form, and the ``n`` samples reduce to at most
  ``n / 16`` distinct ``(score, label)`` atoms): each resample is a multinomial draw of atom counts,
  ``rng.multinomial(n, atom_freqs)``, and the aggregation runs on the counts. Cost ``O(B K)`` instead of
  ``O(B n)``: 100,000 resamples of 10,000 0/1 scores take milliseconds.
- **indices**: ``rng.integers(0, n, size=(rows, n))`` in chunks of at most ``CHUNK_ENTRIES`` indices;
  scores and labels are gathered with the same indices, and the aggregation runs on the ``(rows, n)`` chunk.
- **clusters**: each resample draws ``C`` cluster ids, ``rng.integers(0, C, size=(rows, C))``. With a
  ``from_counts`` form, every sample's count is its cluster's draw count (resample sizes may then differ);
  otherwise, with equal cluster sizes, the members of the drawn clusters are gathered into ``(rows, n)``;
  with unequal sizes, resamples have different lengths and the aggregation runs one resample at a time.

Aggregations are called vectorized on a whole chunk first; if that raises, or returns a shape other than
``(rows,)``, the engine falls back to one call per resample, passing 1-D ``scores`` (and ``labels``), and
keeps doing so for the remaining chunks. Labels reach the aggregation as integer codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from lmms_eval.core.errors import LmmsEvalError

CHUNK_ENTRIES = 1 << 22  # indices (or counts) per chunk: ~32 MiB of float64, cache-friendly
ATOMS_MAX_FRACTION = 16  # use the multinomial path when K * 16 <= n


def _call(fn: Callable[..., Any], scores: np.ndarray, labels: np.ndarray | None, args: Mapping[str, Any]) -> Any:
    if labels is None:
        return fn(scores, **args)
    return fn(scores, labels, **args)


class Evaluator:
    """Calls one aggregation on chunks of resamples; finds out once whether it is vectorized."""

    def __init__(self, fn: Callable[..., Any], agg_args: Mapping[str, Any] | None = None) -> None:
        self.fn = fn
        self.args = dict(agg_args or {})
        self.vectorized: bool | None = None  # None: not known yet

    def __call__(self, rows: np.ndarray, labels: np.ndarray | None) -> np.ndarray:
        """``rows`` (b, n) and ``labels`` (b, n) or None -> one value per row, shape (b,)."""
        b = rows.shape[0]
        if self.vectorized is not False:
            try:
                out = np.asarray(_call(self.fn, rows, labels, self.args), dtype=np.float64)
            except LmmsEvalError:
                raise
            except Exception:
                if self.vectorized:
                    raise
                out = None
            if out is not None and out.shape == (b,):
                if b > 1:
                    self.vectorized = True
                return out
            if self.vectorized:
                raise ValueError(
                    f"aggregation {_name(self.fn)} returned shape {None if out is None else out.shape}, "
                    f"expected ({b},)"
                )
            self.vectorized = False
        return np.array([self.one(rows[i], None if labels is None else labels[i]) for i in range(b)])

    def one(self, row: np.ndarray, labels: np.ndarray | None) -> float:
        """The aggregation of one 1-D resample (the row-loop fallback)."""
        out = np.asarray(_call(self.fn, row, labels, self.args), dtype=np.float64).reshape(-1)
        if out.size != 1:
            raise ValueError(f"aggregation {_name(self.fn)} must return one number per resample, got {out.size}")
        return float(out[0])

    def single(self, row: np.ndarray, labels: np.ndarray | None) -> float:
        """A resample of any length: the (1, m) call, or the 1-D call once the row loop is in use."""
        if self.vectorized is False:
            return self.one(row, labels)
        return float(self(row[None, :], None if labels is None else labels[None, :])[0])


def _name(fn: Callable[..., Any]) -> str:
    return f"'{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}'"


def _rows_per_chunk(width: int) -> int:
    return max(1, CHUNK_ENTRIES // max(width, 1))


def _chunks(total: int, rows: int) -> list[int]:
    return [min(rows, total - start) for start in range(0, total, rows)]


def atoms(scores: np.ndarray, codes: np.ndarray | None, n_labels: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Distinct ``(score, label)`` pairs: their values (K,), label codes (K,) or None, and counts (K,)."""
    values, value_inv = np.unique(scores, return_inverse=True)
    value_inv = value_inv.reshape(-1)
    if codes is None:
        return values, None, np.bincount(value_inv, minlength=len(values))
    width = max(n_labels, 1)
    keys, key_inv = np.unique(value_inv.astype(np.int64) * width + codes, return_inverse=True)
    return values[keys // width], keys % width, np.bincount(key_inv.reshape(-1), minlength=len(keys))


def bootstrap_distribution(
    fn: Callable[..., Any],
    scores: np.ndarray,
    *,
    agg_args: Mapping[str, Any] | None = None,
    codes: np.ndarray | None = None,
    n_labels: int = 0,
    clusters: np.ndarray | None = None,
    n_clusters: int = 0,
    iters: int,
    rng: np.random.Generator,
    evaluator: Evaluator | None = None,
) -> np.ndarray:
    """``iters`` bootstrap replicates of ``fn`` over ``scores`` (n,), shape (iters,).

    ``codes``: integer label codes (n,) in ``0..n_labels-1``; ``clusters``: integer cluster codes (n,) in
    ``0..n_clusters-1`` (then whole clusters are resampled).
    """
    n = len(scores)
    ev = evaluator or Evaluator(fn, agg_args)
    counts_fn: Callable[..., Any] | None = getattr(fn, "from_counts", None)
    if clusters is not None:
        return _cluster_bootstrap(ev, counts_fn, scores, codes, clusters, n_clusters, iters, rng)
    if counts_fn is not None:
        values, atom_labels, atom_counts = atoms(scores, codes, n_labels)
        if len(values) * ATOMS_MAX_FRACTION <= n:
            freqs = atom_counts / n
            out = []
            for rows in _chunks(iters, _rows_per_chunk(len(values))):
                counts = rng.multinomial(n, freqs, size=rows)
                out.append(np.asarray(counts_fn(values, atom_labels, counts, **ev.args), dtype=np.float64))
            return np.concatenate(out)
    dtype = np.int32 if n < 2**31 else np.int64
    out = []
    for rows in _chunks(iters, _rows_per_chunk(n)):
        idx = rng.integers(0, n, size=(rows, n), dtype=dtype)
        out.append(ev(scores[idx], None if codes is None else codes[idx]))
    return np.concatenate(out)


def _cluster_bootstrap(
    ev: Evaluator,
    counts_fn: Callable[..., Any] | None,
    scores: np.ndarray,
    codes: np.ndarray | None,
    clusters: np.ndarray,
    n_clusters: int,
    iters: int,
    rng: np.random.Generator,
) -> np.ndarray:
    n, c = len(scores), n_clusters
    sizes = np.bincount(clusters, minlength=c)
    equal = bool((sizes == sizes[0]).all())
    members = np.argsort(clusters, kind="stable")
    out: list[np.ndarray] = []
    for rows in _chunks(iters, _rows_per_chunk(max(n, c))):
        draws = rng.integers(0, c, size=(rows, c))
        if counts_fn is not None:
            flat = (np.arange(rows, dtype=np.int64)[:, None] * c + draws).ravel()
            weights = np.bincount(flat, minlength=rows * c).reshape(rows, c)
            result = counts_fn(scores, codes, weights[:, clusters], **ev.args)
            out.append(np.asarray(result, dtype=np.float64))
        elif equal:
            m = int(sizes[0])
            idx = members.reshape(c, m)[draws].reshape(rows, c * m)
            out.append(ev(scores[idx], None if codes is None else codes[idx]))
        else:
            flat = (np.arange(rows, dtype=np.int64)[:, None] * c + draws).ravel()
            weights = np.bincount(flat, minlength=rows * c).reshape(rows, c)
            sample_weights = weights[:, clusters]
            vals = np.empty(rows)
            for i in range(rows):
                idx = np.repeat(np.arange(n), sample_weights[i])
                vals[i] = ev.single(scores[idx], None if codes is None else codes[idx])
            out.append(vals)
    return np.concatenate(out)
