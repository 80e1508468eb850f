"""Point estimates with standard errors and confidence intervals, in the metric's own units.

Rules of :func:`estimate` (``x`` = the n per-sample scores, ``q`` = a two-sided quantile for ``confidence``):

- ``mean``, no clusters -> ``"analytic"``: ``stderr = std(x, ddof=1) / sqrt(n)`` (= ``scipy.stats.sem``);
  ``CI = mean +/- t_{n-1} * stderr`` with the Student-t quantile on ``n - 1`` degrees of freedom at every
  n (= ``scipy.stats.t.interval``). t rather than z: it is the exact interval for normal data, it is wider
  for small n where z undercovers, and it tends to z smoothly (no switch at n = 30).
- ``mean`` of 0/1 scores (accuracy), no clusters -> ``"wilson"``: the same stderr, but the Wilson score
  interval (Wilson 1927), which stays inside [0, 1] and covers well near 0 and 1 where the t interval
  does not (a 2% accuracy on 60 items would otherwise get a CI below zero).
- ``mean`` with clusters -> ``"clustered"``: the CR1 cluster-robust standard error of the mean,
  ``stderr = sqrt(C / (C - 1) * sum_c (sum_{i in c} (x_i - mean))**2) / n`` for C clusters (equal to
  statsmodels' ``OLS(x, 1).fit(cov_type="cluster")`` with its default correction
  ``C / (C - 1) * (n - 1) / (n - k)``, ``k = 1``); ``CI = mean +/- z * stderr`` (normal quantile).
- any other aggregation -> ``"bootstrap"`` (``"clustered_bootstrap"`` with clusters: whole clusters are
  resampled): ``bootstrap_iters`` seeded resamples (see :mod:`lmms_eval.stats.bootstrap`),
  ``stderr = std(replicates, ddof=1)``, CI = the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2``
  percentiles of the replicates (``np.quantile``, linear interpolation).
- no standard error (``stderr``, ``ci_low``, ``ci_high`` None, ``method="none"``) when n = 1, when there are
  fewer than 2 clusters, or for a bootstrapped aggregation when ``bootstrap_iters < 2``. Analytic methods
  do not depend on ``bootstrap_iters``.

The point estimate is always ``aggregation(scores[None, :], labels[None, :])``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

import numpy as np

from lmms_eval.scoring import aggregations as _agg
from lmms_eval.stats.bootstrap import Evaluator, bootstrap_distribution
from lmms_eval.stats.distributions import normal_quantile, t_quantile

Method = Literal["analytic", "wilson", "bootstrap", "clustered", "clustered_bootstrap", "none"]
CombineRule = Literal["size_weighted", "macro"]
ArrayLike = Sequence[Any] | np.ndarray


@dataclass(frozen=True)
class Estimate:
    """A metric's value with its uncertainty, all in the metric's own units.

    ``stderr``, ``ci_low`` and ``ci_high`` are None when no uncertainty could be computed
    (``method == "none"``).
    """

    value: float
    stderr: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    method: Method
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _resolve(aggregation: str | Callable[..., Any]) -> Callable[..., Any]:
    if callable(aggregation):
        return aggregation
    from lmms_eval.scoring import AGGREGATIONS

    fn: Callable[..., Any] = AGGREGATIONS.get(aggregation)
    return fn


def _codes(values: ArrayLike, n: int, what: str) -> tuple[np.ndarray, int]:
    if isinstance(values, np.ndarray):
        arr = values
    else:
        items = list(values)
        same_type = bool(items) and all(type(v) is type(items[0]) for v in items)
        # a list of one type (str, int) becomes a typed array, which factorizes fast; mixed types stay
        # objects so that 1 and "1" remain different categories
        arr = np.asarray(items) if same_type else np.asarray(items, dtype=object)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"{what} must have one entry per score ({n}), got shape {arr.shape}")
    return _agg.label_codes(arr)


def normal_interval(value: float, stderr: float, confidence: float = 0.95) -> tuple[float, float]:
    """``value +/- z * stderr`` with the two-sided normal quantile ``z``."""
    z = normal_quantile((1.0 + confidence) / 2.0)
    return value - z * stderr, value + z * stderr


def t_interval(value: float, stderr: float, df: float, confidence: float = 0.95) -> tuple[float, float]:
    """``value +/- t_df * stderr`` with the two-sided Student-t quantile on ``df`` degrees of freedom."""
    t = t_quantile((1.0 + confidence) / 2.0, df)
    return value - t * stderr, value + t * stderr


def mean_stderr(x: np.ndarray) -> float:
    """``std(x, ddof=1) / sqrt(n)``, n >= 2."""
    return float(np.std(x, ddof=1) / math.sqrt(len(x)))


def clustered_mean_stderr(x: np.ndarray, clusters: np.ndarray, n_clusters: int) -> float:
    """CR1 cluster-robust stderr of the mean: ``sqrt(C/(C-1) * sum_c (sum_{i in c} (x_i - mean))^2) / n``.

    ``clusters``: integer codes (n,) in ``0..n_clusters-1``; needs C >= 2 non-empty clusters.
    """
    n = len(x)
    resid_sums = np.bincount(clusters, weights=x - x.mean(), minlength=n_clusters)
    c = int((np.bincount(clusters, minlength=n_clusters) > 0).sum())
    return float(math.sqrt(c / (c - 1) * float(resid_sums @ resid_sums)) / n)


def _is_binary(x: np.ndarray) -> bool:
    return bool(np.all((x == 0.0) | (x == 1.0)))


def wilson_interval(p: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``p`` of ``n`` 0/1 outcomes (Wilson 1927). Unlike the
    normal/t interval it stays inside [0, 1] and keeps its coverage near 0 and 1 and for small n."""
    z = normal_quantile(0.5 + confidence / 2.0)
    z2n = z * z / n
    center = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    return max(0.0, center - half), min(1.0, center + half)


def _none(value: float, n: int, confidence: float) -> Estimate:
    return Estimate(value, None, None, None, n, "none", confidence)


def estimate(
    scores: ArrayLike,
    aggregation: str | Callable[..., Any] = "mean",
    *,
    agg_args: Mapping[str, Any] | None = None,
    labels: ArrayLike | None = None,
    clusters: ArrayLike | None = None,
    bootstrap_iters: int = 1000,
    seed: int = 1234,
    confidence: float = 0.95,
) -> Estimate:
    """The value of ``aggregation`` over ``scores`` with its stderr and ``confidence`` CI (see module doc).

    ``aggregation``: a registered name (``lmms_eval.scoring.AGGREGATIONS``) or a callable
    ``fn(scores (B, n), labels (B, n) | None, **agg_args) -> (B,)``; a callable that only handles 1-D input
    also works (called once per resample). ``labels``: one category per score, for grouped aggregations
    (``macro_mean``); passed to the aggregation as integer codes, resampled with the scores. ``clusters``:
    one cluster id per score (e.g. several questions about one image); the standard error then accounts
    for correlation within clusters. Raises ``ValueError`` on empty or non-finite scores.
    """
    x = np.asarray(scores, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"scores must be one-dimensional, got shape {x.shape}")
    n = len(x)
    if n == 0:
        raise ValueError("cannot estimate a metric from 0 scores")
    if not np.isfinite(x).all():
        bad = int((~np.isfinite(x)).sum())
        raise ValueError(f"{bad} of {n} scores are NaN or infinite; every per-sample score must be finite")
    _check_confidence(confidence)
    if bootstrap_iters < 0:
        raise ValueError(f"bootstrap_iters must be >= 0, got {bootstrap_iters}")
    fn = _resolve(aggregation)
    args = dict(agg_args or {})
    codes, n_labels = _codes(labels, n, "labels") if labels is not None else (None, 0)
    cl, n_clusters = _codes(clusters, n, "clusters") if clusters is not None else (None, 0)

    evaluator = Evaluator(fn, args)
    value = evaluator.single(x, codes)

    if n < 2 or (cl is not None and n_clusters < 2):
        return _none(value, n, confidence)
    if fn is _agg.mean:
        if cl is None:
            se = mean_stderr(x)
            if _is_binary(x):
                lo, hi = wilson_interval(value, n, confidence)
                return Estimate(value, se, lo, hi, n, "wilson", confidence)
            lo, hi = t_interval(value, se, n - 1, confidence)
            return Estimate(value, se, lo, hi, n, "analytic", confidence)
        se = clustered_mean_stderr(x, cl, n_clusters)
        lo, hi = normal_interval(value, se, confidence)
        return Estimate(value, se, lo, hi, n, "clustered", confidence)
    if bootstrap_iters < 2:
        return _none(value, n, confidence)
    boot = bootstrap_distribution(
        fn,
        x,
        agg_args=args,
        codes=codes,
        n_labels=n_labels,
        clusters=cl,
        n_clusters=n_clusters,
        iters=bootstrap_iters,
        rng=np.random.default_rng(seed),
        evaluator=evaluator,
    )
    alpha = 1.0 - confidence
    se_b = _finite(float(np.std(boot, ddof=1)))
    q_lo, q_hi = (float(q) for q in np.quantile(boot, [alpha / 2.0, 1.0 - alpha / 2.0]))
    if se_b is None or not (math.isfinite(q_lo) and math.isfinite(q_hi)):
        return _none(value, n, confidence)
    method: Method = "bootstrap" if cl is None else "clustered_bootstrap"
    return Estimate(value, se_b, q_lo, q_hi, n, method, confidence)


def combine(
    estimates: Sequence[Estimate],
    sizes: Sequence[int],
    rule: CombineRule = "size_weighted",
    *,
    confidence: float | None = None,
) -> Estimate:
    """A group's score from its subtasks' estimates, assuming the subtasks are independent.

    - ``size_weighted``: ``value = sum(n_i v_i) / N``, ``stderr = sqrt(sum((n_i / N)^2 se_i^2))``.
    - ``macro``: ``value = mean(v_i)``, ``stderr = sqrt(sum(se_i^2)) / k``.

    ``CI = value +/- z * stderr`` (normal quantile); ``n = sum(sizes)``; ``method`` is ``"analytic"``, or
    ``"none"`` when a subtask with non-zero weight has no stderr (then the group has none either).
    ``confidence`` defaults to the first estimate's.
    """
    if rule not in get_args(CombineRule):
        raise ValueError(f"unknown combine rule '{rule}'; expected one of {get_args(CombineRule)}")
    if not estimates:
        raise ValueError("combine() needs at least one estimate")
    if len(estimates) != len(sizes):
        raise ValueError(f"got {len(estimates)} estimates but {len(sizes)} sizes")
    if any(s < 0 for s in sizes):
        raise ValueError(f"sizes must be >= 0, got {list(sizes)}")
    conf = estimates[0].confidence if confidence is None else confidence
    _check_confidence(conf)
    total = int(sum(sizes))
    k = len(estimates)
    if rule == "size_weighted":
        if total == 0:
            raise ValueError("size_weighted combine() needs a positive total size")
        weights = [s / total for s in sizes]
    else:
        weights = [1.0 / k] * k
    value = float(sum(w * e.value for w, e in zip(weights, estimates, strict=True)))
    if any(e.stderr is None for w, e in zip(weights, estimates, strict=True) if w != 0.0):
        return _none(value, total, conf)
    se = math.sqrt(
        sum((w * e.stderr) ** 2 for w, e in zip(weights, estimates, strict=True) if e.stderr is not None)
    )
    lo, hi = normal_interval(value, se, conf)
    return Estimate(value, se, lo, hi, total, "analytic", conf)
