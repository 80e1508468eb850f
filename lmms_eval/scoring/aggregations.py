"""Aggregations: turn per-sample scores into one number, vectorized over bootstrap resamples.

Every aggregation has the signature ``fn(scores, labels=None, **args) -> np.ndarray`` where

- ``scores`` has shape ``(B, n)``: each row is one resample of the ``n`` per-sample scores (``B == 1``
  for the point estimate). A 1-D array is treated as a single row.
- ``labels`` (grouped aggregations only, e.g. ``macro_mean``) holds one category per sample, either with
  shape ``(B, n)`` (resampled with the same indices as ``scores``, row by row; this is what
  :func:`lmms_eval.stats.estimate` passes) or shape ``(n,)`` (the same labels for every row). They may be
  any values; :func:`lmms_eval.stats.estimate` passes them as integer category codes ``0..L-1``, which is
  the fast path (other values are factorized here with ``np.unique``).
- the result has shape ``(B,)``.

Each built-in also has a *counts form* (attribute ``from_counts``), which :func:`lmms_eval.stats.estimate`
uses when the scores take few distinct values (accuracy 0/1, confusion codes): the data are reduced to
``K`` distinct atoms ``(value, label)`` and a resample is given by how many times each atom was drawn::

    fn.from_counts(values (K,), labels (K,) int codes | None, counts (B, K), **args) -> (B,)

A resample's size is ``counts.sum(axis=1)`` (it may differ between rows: cluster bootstrap). Third-party
aggregations may expose ``from_counts`` too; it must equal ``fn`` on the expanded resample.

Confusion-code aggregations (``yes_*``) read the per-sample codes of the ``yes_no_confusion`` metric:
``3.0`` = true positive, ``2.0`` = false negative, ``1.0`` = false positive, ``0.0`` = true negative,
the positive class being "yes". A ratio whose denominator is 0 (e.g. precision with no "yes" prediction)
is defined as ``0.0``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lmms_eval.core.errors import ConfigError

TP, FN, FP, TN = 3.0, 2.0, 1.0, 0.0

CountsForm = Callable[..., np.ndarray]
Aggregation = Callable[..., np.ndarray]


def _with_counts(counts_fn: CountsForm) -> Callable[[Aggregation], Aggregation]:
    def deco(fn: Aggregation) -> Aggregation:
        fn.from_counts = counts_fn  # type: ignore[attr-defined]
        return fn

    return deco


def _rows(scores: np.ndarray) -> np.ndarray:
    arr = np.asarray(scores, dtype=np.float64)
    if arr.ndim == 1:
        return arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"scores must have shape (B, n) or (n,), got {arr.shape}")
    return arr


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with ``0/0`` (and ``x/0``) defined as 0.0."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den).shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def label_codes(labels: Any) -> tuple[np.ndarray, int]:
    """Integer category codes ``0..L-1`` (same shape as ``labels``) and ``L``.

    Non-negative integer arrays are used as they are (``L = max + 1``; unused codes are harmless);
    anything else is factorized with ``np.unique`` (sorted order), or by first appearance when the values
    cannot be ordered (mixed types).
    """
    arr = np.asarray(labels)
    if arr.size == 0:
        return arr.astype(np.int64), 0
    if np.issubdtype(arr.dtype, np.integer) and arr.min() >= 0:
        return arr.astype(np.int64, copy=False), int(arr.max()) + 1
    try:
        uniq, inv = np.unique(arr, return_inverse=True)
        return inv.reshape(arr.shape).astype(np.int64, copy=False), len(uniq)
    except TypeError:
        seen: dict[Any, int] = {}
        codes = np.fromiter((seen.setdefault(v, len(seen)) for v in arr.ravel().tolist()), dtype=np.int64)
        return codes.reshape(arr.shape), len(seen)


# -- mean ---------------------------------------------------------------------------------------------


def _mean_counts(values: np.ndarray, labels: np.ndarray | None, counts: np.ndarray, **_: Any) -> np.ndarray:
    counts = np.asarray(counts, dtype=np.float64)
    return _safe_div(counts @ np.asarray(values, dtype=np.float64), counts.sum(axis=1))


@_with_counts(_mean_counts)
def mean(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """Arithmetic mean of each row."""
    return _rows(scores).mean(axis=1)


# -- median -------------------------------------------------------------------------------------------


def _median_counts(values: np.ndarray, labels: np.ndarray | None, counts: np.ndarray, **_: Any) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    v = values[order]
    cum = np.cumsum(np.asarray(counts)[:, order], axis=1)
    total = cum[:, -1]
    lo_k, hi_k = (total - 1) // 2, total // 2  # 0-based order statistics (equal when the size is odd)
    lo = (cum <= lo_k[:, None]).sum(axis=1)
    hi = (cum <= hi_k[:, None]).sum(axis=1)
    last = len(v) - 1
    out: np.ndarray = (v[np.minimum(lo, last)] + v[np.minimum(hi, last)]) / 2.0
    return out


@_with_counts(_median_counts)
def median(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """Median of each row (mean of the two middle values when n is even, as ``np.median``)."""
    out: np.ndarray = np.median(_rows(scores), axis=1)
    return out


#: the bootstrap draws a resample's median from the distribution of its middle order statistics directly
#: (``lmms_eval.stats.bootstrap.median_replicates``): exact, and O(1) per resample instead of O(n)
median.order_statistic = 0.5  # type: ignore[attr-defined]


# -- macro mean ---------------------------------------------------------------------------------------


def _macro_from_sums(sums: np.ndarray, cnts: np.ndarray) -> np.ndarray:
    present = cnts > 0
    means = _safe_div(sums, cnts)
    return _safe_div((means * present).sum(axis=1), present.sum(axis=1))


def _require_labels(labels: Any) -> None:
    if labels is None:
        raise ConfigError(
            "Aggregation 'macro_mean' needs a category per sample: give the metric "
            "'aggregation_args: {by: <column>}'."
        )


def _macro_mean_counts(
    values: np.ndarray, labels: np.ndarray | None, counts: np.ndarray, **_: Any
) -> np.ndarray:
    _require_labels(labels)
    codes = label_codes(labels)[0]
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    c = np.asarray(counts, dtype=np.float64)[:, order]
    sums = np.add.reduceat(c * np.asarray(values, dtype=np.float64)[order], starts, axis=1)
    cnts = np.add.reduceat(c, starts, axis=1)
    return _macro_from_sums(sums, cnts)


@_with_counts(_macro_mean_counts)
def macro_mean(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """Mean of the per-category means (categories from ``labels``), each category weighted equally.

    A category absent from a resample is left out of that resample's mean (it has no mean there).
    Vectorized with one ``np.bincount`` over ``row * L + code``: no loop over rows.
    """
    _require_labels(labels)
    rows = _rows(scores)
    b, n = rows.shape
    codes, n_cat = label_codes(labels)
    if codes.ndim == 1:
        codes = np.broadcast_to(codes, (b, n))
    if codes.shape != (b, n):
        raise ValueError(f"labels must have shape ({n},) or ({b}, {n}), got {codes.shape}")
    n_cat = max(n_cat, 1)
    flat = (np.arange(b, dtype=np.int64)[:, None] * n_cat + codes).ravel()
    sums = np.bincount(flat, weights=rows.ravel(), minlength=b * n_cat).reshape(b, n_cat)
    cnts = np.bincount(flat, minlength=b * n_cat).reshape(b, n_cat)
    return _macro_from_sums(sums, cnts)


# -- confusion codes ----------------------------------------------------------------------------------


def _confusion(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rows = _rows(scores)
    tp, fn, fp, tn = ((rows == c).sum(axis=1) for c in (TP, FN, FP, TN))
    return tp, fn, fp, tn


def _confusion_counts(
    values: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    values = np.asarray(values, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    tp, fn, fp, tn = (counts @ (values == c).astype(np.float64) for c in (TP, FN, FP, TN))
    return tp, fn, fp, tn


def _precision(tp: np.ndarray, fn: np.ndarray, fp: np.ndarray, tn: np.ndarray) -> np.ndarray:
    return _safe_div(tp, tp + fp)


def _recall(tp: np.ndarray, fn: np.ndarray, fp: np.ndarray, tn: np.ndarray) -> np.ndarray:
    return _safe_div(tp, tp + fn)


def _f1(tp: np.ndarray, fn: np.ndarray, fp: np.ndarray, tn: np.ndarray) -> np.ndarray:
    return _safe_div(2.0 * tp, 2.0 * tp + fp + fn)


def _ratio(tp: np.ndarray, fn: np.ndarray, fp: np.ndarray, tn: np.ndarray) -> np.ndarray:
    return _safe_div(tp + fp, tp + fn + fp + tn)


def _yes_precision_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    return _precision(*_confusion_counts(values, counts))


def _yes_recall_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    return _recall(*_confusion_counts(values, counts))


def _yes_f1_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    return _f1(*_confusion_counts(values, counts))


def _yes_ratio_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    return _ratio(*_confusion_counts(values, counts))


@_with_counts(_yes_precision_counts)
def yes_precision(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """TP / (TP + FP) over confusion codes; 0.0 when nothing was predicted "yes"."""
    return _precision(*_confusion(scores))


@_with_counts(_yes_recall_counts)
def yes_recall(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """TP / (TP + FN) over confusion codes; 0.0 when no target is "yes"."""
    return _recall(*_confusion(scores))


@_with_counts(_yes_f1_counts)
def yes_f1(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """2 TP / (2 TP + FP + FN) (the harmonic mean of precision and recall); 0.0 when TP + FP + FN = 0."""
    return _f1(*_confusion(scores))


@_with_counts(_yes_ratio_counts)
def yes_ratio(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """Fraction of samples predicted "yes": (TP + FP) / n."""
    return _ratio(*_confusion(scores))


__all__ = [
    "label_codes",
    "macro_mean",
    "mean",
    "median",
    "yes_f1",
    "yes_precision",
    "yes_ratio",
    "yes_recall",
]
