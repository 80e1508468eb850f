"""The seeded, vectorized resampling engine behind :func:`lmms_eval.stats.estimate`.

One ``np.random.default_rng(seed)`` drives every draw, chunk after chunk, so a result depends only on the
inputs and the seed. Every path draws from the same bootstrap distribution: ``n`` samples (or, with
clusters, ``C`` whole clusters) drawn uniformly with replacement.

- **atoms** (the ``n`` samples reduce to ``K <= n / 16`` distinct ``(score, label)`` atoms, as with 0/1
  accuracy or confusion codes): a resample is a vector of atom counts. Without clusters it is one
  multinomial draw, ``rng.multinomial(n, atom_freqs)``: ``O(K)`` per resample instead of ``O(n)``. With
  clusters, the ``C`` cluster draws are mapped to atom counts through the cluster x atom count matrix
  (clusters of identical composition are merged into types, drawn by multinomial when there are few).
  An aggregation with a ``from_counts`` form runs on the counts directly; any other aggregation gets the
  counts expanded into rows of repeated atom values (``np.repeat``, ~10x cheaper than drawing and gathering
  indices), so the samples of such a row are grouped by atom, not shuffled. Aggregations must therefore
  not depend on the order of the samples (a resample has no meaningful order anyway).
- **median by order statistics** (many distinct values, the built-in ``median``, no clusters): a
  resample's median is drawn from the exact distribution of its middle order statistics
  (:func:`median_replicates`), ``O(1)`` per resample.
- **indices** (many distinct values): ``rng.integers(0, n, size=(rows, n))`` in chunks of at most
  ``CHUNK_ENTRIES`` indices; scores and label codes are gathered with the same indices.
- **clusters** (many distinct values): ``rng.integers(0, C, size=(rows, C))`` cluster draws. With a
  ``from_counts`` form, every sample's count is its cluster's draw count (so resample sizes may differ);
  otherwise, with equal cluster sizes, the drawn clusters' members are gathered into ``(rows, n)``; with
  unequal sizes, resamples differ in length and the aggregation runs on one resample at a time.

Aggregations are called vectorized on a whole chunk first; if that raises, or returns a shape other than
``(rows,)``, the engine falls back to one call per resample with 1-D ``scores`` (and ``labels``), and keeps
doing so for the remaining chunks. Labels reach the aggregation as integer codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from lmms_eval.core.errors import LmmsEvalError

CHUNK_ENTRIES = 1 << 22  # indices (or counts) per chunk: ~32 MiB of float64, cache-friendly
ATOMS_MAX_FRACTION = 16  # use the atom path when K * 16 <= n
MATRIX_MAX_ENTRIES = 1 << 24  # cluster x atom count matrix, at most


def _call(
    fn: Callable[..., Any], scores: np.ndarray, labels: np.ndarray | None, args: Mapping[str, Any]
) -> Any:
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
            raise ValueError(
                f"aggregation {_name(self.fn)} must return one number per resample, got {out.size}"
            )
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


def atoms(
    scores: np.ndarray, codes: np.ndarray | None, n_labels: int
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Distinct ``(score, label)`` pairs: values (K,), label codes (K,) or None, and each sample's atom (n,)."""
    values, value_inv = np.unique(scores, return_inverse=True)
    value_inv = value_inv.reshape(-1).astype(np.int64)
    if codes is None:
        return values, None, value_inv
    width = max(n_labels, 1)
    keys, key_inv = np.unique(value_inv * width + codes, return_inverse=True)
    return values[keys // width], keys % width, key_inv.reshape(-1).astype(np.int64)


def _row_weights(draws: np.ndarray, width: int) -> np.ndarray:
    """How many times each of ``width`` ids occurs in each row of ``draws`` -> (rows, width)."""
    rows = draws.shape[0]
    flat = (np.arange(rows, dtype=np.int64)[:, None] * width + draws).ravel()
    return np.bincount(flat, minlength=rows * width).reshape(rows, width)


class _AtomCounts:
    """Resamples as counts of the K distinct atoms: multinomial, or cluster draws mapped to atoms."""

    def __init__(
        self, atom_of: np.ndarray, n_atoms: int, clusters: np.ndarray | None, n_clusters: int
    ) -> None:
        self.n, self.k = len(atom_of), n_atoms
        self.clusters = clusters
        if clusters is None:
            self.freqs = np.bincount(atom_of, minlength=n_atoms) / self.n
            return
        # per-cluster atom counts, then clusters of identical composition merged into types
        per_cluster = np.bincount(clusters * n_atoms + atom_of, minlength=n_clusters * n_atoms)
        matrix = per_cluster.reshape(n_clusters, n_atoms).astype(np.float64)
        types, type_of, type_counts = np.unique(matrix, axis=0, return_inverse=True, return_counts=True)
        self.n_clusters = n_clusters
        self.use_types = len(types) * ATOMS_MAX_FRACTION <= n_clusters
        self.matrix = types if self.use_types else matrix
        self.type_freqs = type_counts / n_clusters

    def width(self) -> int:
        return self.k if self.clusters is None else max(self.k, self.n_clusters)

    def draw(self, rows: int, rng: np.random.Generator) -> np.ndarray:
        """Atom counts of ``rows`` resamples, int64 (rows, K)."""
        if self.clusters is None:
            return rng.multinomial(self.n, self.freqs, size=rows)
        if self.use_types:
            weights = rng.multinomial(self.n_clusters, self.type_freqs, size=rows)
        else:
            weights = _row_weights(
                rng.integers(0, self.n_clusters, size=(rows, self.n_clusters)), self.n_clusters
            )
        return np.rint(weights.astype(np.float64) @ self.matrix).astype(np.int64)


def _expand(counts: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Rows whose entries are ``table`` repeated ``counts`` times (all rows the same length) -> (rows, m)."""
    rows = counts.shape[0]
    return np.repeat(np.tile(table, rows), counts.ravel()).reshape(rows, -1)


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
    values, atom_labels, atom_of = atoms(scores, codes, n_labels)
    k = len(values)
    few_atoms = k * ATOMS_MAX_FRACTION <= n and (clusters is None or n_clusters * k <= MATRIX_MAX_ENTRIES)
    if few_atoms:
        source = _AtomCounts(atom_of, k, clusters, n_clusters)
        sizes = None if clusters is None else np.bincount(clusters, minlength=n_clusters)
        fixed_size = sizes is None or bool((sizes == sizes[0]).all())
        width = source.width() if counts_fn is not None else max(source.width(), n)
        out: list[np.ndarray] = []
        for rows in _chunks(iters, _rows_per_chunk(width)):
            counts = source.draw(rows, rng)
            if counts_fn is not None:
                out.append(np.asarray(counts_fn(values, atom_labels, counts, **ev.args), dtype=np.float64))
            elif fixed_size:
                labels = None if atom_labels is None else _expand(counts, atom_labels)
                out.append(ev(_expand(counts, values), labels))
            else:
                vals = np.empty(rows)
                for i in range(rows):
                    row_labels = None if atom_labels is None else np.repeat(atom_labels, counts[i])
                    vals[i] = ev.single(np.repeat(values, counts[i]), row_labels)
                out.append(vals)
        return np.concatenate(out)
    if clusters is not None:
        return _cluster_bootstrap(ev, counts_fn, scores, codes, clusters, n_clusters, iters, rng)
    if getattr(fn, "order_statistic", None) == 0.5 and not ev.args:
        return median_replicates(scores, iters, rng)
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
            weights = _row_weights(draws, c)
            result = counts_fn(scores, codes, weights[:, clusters], **ev.args)
            out.append(np.asarray(result, dtype=np.float64))
        elif equal:
            m = int(sizes[0])
            idx = members.reshape(c, m)[draws].reshape(rows, c * m)
            out.append(ev(scores[idx], None if codes is None else codes[idx]))
        else:
            sample_weights = _row_weights(draws, c)[:, clusters]
            vals = np.empty(rows)
            for i in range(rows):
                picked = np.repeat(np.arange(n), sample_weights[i])
                vals[i] = ev.single(scores[picked], None if codes is None else codes[picked])
            out.append(vals)
    return np.concatenate(out)


def median_replicates(scores: np.ndarray, iters: int, rng: np.random.Generator) -> np.ndarray:
    """``iters`` bootstrap replicates of the median of ``scores`` (n,), without drawing ``n`` indices each.

    A bootstrap resample is ``n`` iid draws from the empirical distribution, i.e. ``Q(U_1..U_n)`` with
    ``U_i`` iid uniform and ``Q(u) = x_(floor(n u))`` (the sorted scores, 0-based). ``Q`` is monotone, so the
    resample's order statistics are ``Q`` of the uniforms' order statistics, whose laws are known: the k-th
    of n is Beta(k, n - k + 1), and given it the (k+1)-th is the minimum of n - k uniforms above it,
    ``U_(k) + (1 - U_(k)) (1 - V^(1/(n-k)))`` with V uniform. The median (``np.median``: the middle value,
    or the mean of the two middle values when n is even) is therefore drawn exactly from its bootstrap
    distribution with two random numbers per resample (Efron 1982 derives the same distribution).
    """
    x = np.sort(np.asarray(scores, dtype=np.float64))
    n = len(x)
    k = (n + 1) // 2  # 1-based rank of the lower middle order statistic
    u_low = rng.beta(k, n - k + 1, size=iters)
    low = x[np.minimum((u_low * n).astype(np.int64), n - 1)]
    if n % 2:
        out: np.ndarray = low
        return out
    v = rng.random(iters)
    u_high = u_low + (1.0 - u_low) * (1.0 - v ** (1.0 / (n - k)))
    high = x[np.minimum((u_high * n).astype(np.int64), n - 1)]
    out = (low + high) / 2.0
    return out
