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

All-correct groups (``group_all_correct``; MME's acc+ and HallusionBench's qAcc/fAcc build on
:func:`group_tallies`): the share of groups (``labels``: an image's question pair, a question asked of
several figures, ...) whose samples are all right. Each per-sample score is a *member code*
``2 * member + correct``: ``correct`` is 0 or 1 and ``member`` a small integer that tells the samples of
one group apart (the figure of a question group, the question of a figure group). A resample that draws a
group ``k`` times holds ``k`` copies of each of its members, so ``k = entries / distinct members``: every
group counts ``k`` times, as a cluster bootstrap over the groups requires (run these with ``cluster_key``
set to the group, or to a coarser column, so that whole groups are drawn). A group missing some members
(failed requests are not scored) is judged on the members it has. A score of ``-1`` (``NO_GROUP``) marks a
sample that belongs to no group: it is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
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


# -- all-correct groups -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlatResamples:
    """Resamples as one flat list of weighted entries: entry ``i`` of resample ``row[i]`` has the category
    code ``label[i]`` (``0..n_labels-1``), the score ``value[i]`` and occurs ``weight[i]`` times."""

    row: np.ndarray
    label: np.ndarray
    value: np.ndarray
    weight: np.ndarray
    n_rows: int
    n_labels: int


def _require_groups(labels: Any, name: str) -> None:
    if labels is None:
        raise ConfigError(
            f"Aggregation '{name}' needs a group per sample: give the metric "
            "'aggregation_args: {by: <column>}'."
        )


def flat_rows(scores: np.ndarray, labels: Any) -> FlatResamples:
    """The ``(B, n)`` form (labels ``(n,)`` or ``(B, n)``) as flat entries of weight 1."""
    rows = _rows(scores)
    b, n = rows.shape
    codes, n_labels = label_codes(labels)
    if codes.ndim == 1:
        codes = np.broadcast_to(codes, (b, n))
    if codes.shape != (b, n):
        raise ValueError(f"labels must have shape ({n},) or ({b}, {n}), got {codes.shape}")
    return FlatResamples(
        row=np.repeat(np.arange(b, dtype=np.int64), n),
        label=np.ascontiguousarray(codes).ravel(),
        value=rows.ravel(),
        weight=np.ones(b * n),
        n_rows=b,
        n_labels=max(n_labels, 1),
    )


def flat_counts(values: np.ndarray, labels: Any, counts: np.ndarray) -> FlatResamples:
    """The counts form (``K`` atoms, ``counts`` ``(B, K)``) as flat entries weighted by their counts."""
    weights = np.asarray(counts, dtype=np.float64)
    b, k = weights.shape
    codes, n_labels = label_codes(labels)
    return FlatResamples(
        row=np.repeat(np.arange(b, dtype=np.int64), k),
        label=np.tile(codes.astype(np.int64), b),
        value=np.tile(np.asarray(values, dtype=np.float64), b),
        weight=weights.ravel(),
        n_rows=b,
        n_labels=max(n_labels, 1),
    )


#: largest presence / lookup table built instead of sorting (entries)
DENSE_MAX_ENTRIES = 1 << 26
#: the score of a sample that belongs to no group (left out of ``group_all_correct``)
NO_GROUP = -1.0


def member_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(correct, member)`` from member codes ``2 * member + correct`` (non-negative integers)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size and not bool(np.all((v >= 0) & (v == np.floor(v)))):
        raise ValueError("member codes must be non-negative integers (2 * member + correct)")
    codes = v.astype(np.int64)
    return codes % 2, codes // 2


@dataclass(frozen=True)
class GroupTallies:
    """Per resample and group, each ``(B, G)``: ``entries`` (samples drawn), ``correct`` (of those right)
    and ``draws`` (times the group was drawn: entries / its distinct members drawn; 0 when absent)."""

    entries: np.ndarray
    correct: np.ndarray
    draws: np.ndarray

    @property
    def all_correct(self) -> np.ndarray:
        return (self.entries > 0) & (self.correct == self.entries)


def _distinct_members(key: np.ndarray, member: np.ndarray, drawn: np.ndarray, size: int) -> np.ndarray:
    """How many distinct members each of the ``size`` keys has among the drawn entries."""
    width = int(member.max()) + 1 if member.size else 1
    if size * width <= DENSE_MAX_ENTRIES:  # a presence table: no sort
        present = np.bincount(key * width + member, weights=drawn, minlength=size * width) > 0
        out: np.ndarray = present.reshape(size, width).sum(axis=1)
        return out
    distinct = np.unique(key[drawn] * width + member[drawn]) // width
    return np.bincount(distinct, minlength=size)


def compact_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``codes`` (non-negative integers) renumbered ``0..G-1`` in increasing order: ``(new codes, the G
    distinct old codes)``; a lookup table instead of a sort when the codes are small."""
    top = int(codes.max()) + 1 if codes.size else 0
    if top > DENSE_MAX_ENTRIES:
        distinct, inverse = np.unique(codes, return_inverse=True)
        return inverse.reshape(-1), distinct
    used = np.zeros(top, dtype=bool)
    used[codes] = True
    index = np.cumsum(used) - 1
    return index[codes], np.flatnonzero(used)


def group_tallies(
    flat: FlatResamples, group: np.ndarray, n_groups: int, member: np.ndarray, correct: np.ndarray
) -> GroupTallies:
    """Tally flat entries by (resample, ``group``): ``group``, ``member`` and ``correct`` hold one integer
    per entry (``group`` in ``0..n_groups-1``). Counts are whole numbers, so the sums compare exactly."""
    size = flat.n_rows * n_groups
    key = flat.row * n_groups + group
    entries = np.bincount(key, weights=flat.weight, minlength=size)
    right = np.bincount(key, weights=flat.weight * correct, minlength=size)
    members = _distinct_members(key, member, flat.weight > 0, size)
    shape = (flat.n_rows, n_groups)
    return GroupTallies(
        entries=entries.reshape(shape),
        correct=right.reshape(shape),
        draws=_safe_div(entries, members).reshape(shape),
    )


def all_correct_rate(tallies: GroupTallies, mask: np.ndarray | None = None) -> np.ndarray:
    """Per resample, the share of drawn groups (those in ``mask`` (G,), if given) that are all right, each
    group counted as many times as it was drawn; 0.0 with no group."""
    draws = tallies.draws if mask is None else tallies.draws * mask
    return _safe_div((draws * tallies.all_correct).sum(axis=1), draws.sum(axis=1))


def _group_all_correct_flat(flat: FlatResamples) -> np.ndarray:
    outside = flat.value == NO_GROUP
    correct, member = member_codes(np.where(outside, 0.0, flat.value))
    kept = replace(flat, weight=np.where(outside, 0.0, flat.weight))
    return all_correct_rate(group_tallies(kept, flat.label, flat.n_labels, member, correct))


def _group_all_correct_counts(
    values: np.ndarray, labels: np.ndarray | None, counts: np.ndarray, **_: Any
) -> np.ndarray:
    _require_groups(labels, "group_all_correct")
    return _group_all_correct_flat(flat_counts(values, labels, counts))


@_with_counts(_group_all_correct_counts)
def group_all_correct(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """Share of groups (``labels``) whose samples are all right, from member codes ``2 * member + correct``
    (see the module doc: a group drawn k times counts k times; samples scored ``NO_GROUP`` are left out)."""
    _require_groups(labels, "group_all_correct")
    return _group_all_correct_flat(flat_rows(scores, labels))


__all__ = [
    "NO_GROUP",
    "FlatResamples",
    "GroupTallies",
    "all_correct_rate",
    "compact_codes",
    "flat_counts",
    "flat_rows",
    "group_all_correct",
    "group_tallies",
    "label_codes",
    "member_codes",
    "macro_mean",
    "mean",
    "median",
    "yes_f1",
    "yes_precision",
    "yes_ratio",
    "yes_recall",
]
