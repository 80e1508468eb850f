"""lmms_eval.stats.combine: a group's estimate from its subtasks'."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lmms_eval.stats import Estimate, combine, estimate

scipy_stats = pytest.importorskip("scipy.stats")


def _est(value: float, stderr: float | None, n: int) -> Estimate:
    method = "none" if stderr is None else "analytic"
    return Estimate(value, stderr, None, None, n, method)  # type: ignore[arg-type]


def test_size_weighted_formula() -> None:
    ests = [_est(0.5, 0.1, 100), _est(0.8, 0.05, 300), _est(0.2, 0.2, 50)]
    sizes = [100, 300, 50]
    out = combine(ests, sizes, "size_weighted")
    total = 450
    assert out.value == pytest.approx((100 * 0.5 + 300 * 0.8 + 50 * 0.2) / total, rel=1e-14)
    expected_se = math.sqrt((100 / total * 0.1) ** 2 + (300 / total * 0.05) ** 2 + (50 / total * 0.2) ** 2)
    assert out.stderr == pytest.approx(expected_se, rel=1e-14)
    lo, hi = scipy_stats.norm.interval(0.95, loc=out.value, scale=expected_se)
    assert out.ci_low == pytest.approx(lo, rel=1e-12) and out.ci_high == pytest.approx(hi, rel=1e-12)
    assert out.n == total and out.method == "analytic" and out.confidence == 0.95


def test_macro_formula() -> None:
    ests = [_est(0.5, 0.1, 100), _est(0.8, 0.05, 300), _est(0.2, 0.2, 50)]
    out = combine(ests, [100, 300, 50], "macro")
    assert out.value == pytest.approx(0.5, rel=1e-14)
    assert out.stderr == pytest.approx(math.sqrt(0.1**2 + 0.05**2 + 0.2**2) / 3, rel=1e-14)
    assert out.n == 450


def test_size_weighted_equals_pooled_mean() -> None:
    """Weighting subtask means by size gives the pooled mean; the stderr is the stratified one."""
    rng = np.random.default_rng(0)
    parts = [rng.random(n) for n in (120, 40, 300)]
    ests = [estimate(p) for p in parts]
    out = combine(ests, [len(p) for p in parts])
    pooled = np.concatenate(parts)
    assert out.value == pytest.approx(pooled.mean(), rel=1e-12)
    total = len(pooled)
    strat = math.sqrt(sum((len(p) / total) ** 2 * scipy_stats.sem(p) ** 2 for p in parts))
    assert out.stderr == pytest.approx(strat, rel=1e-12)


def test_missing_stderr_propagates() -> None:
    out = combine([_est(0.5, 0.1, 10), _est(0.7, None, 1)], [10, 1])
    assert out.stderr is None and out.ci_low is None and out.ci_high is None and out.method == "none"
    assert out.value == pytest.approx((5 + 0.7) / 11)
    # a subtask with zero weight does not count
    out = combine([_est(0.5, 0.1, 10), _est(0.0, None, 0)], [10, 0])
    assert out.stderr == pytest.approx(0.1) and out.value == pytest.approx(0.5)


def test_confidence() -> None:
    ests = [Estimate(0.5, 0.1, None, None, 10, "analytic", 0.9)]
    out = combine(ests, [10])
    assert out.confidence == 0.9
    assert out.ci_high == pytest.approx(scipy_stats.norm.interval(0.9, loc=0.5, scale=0.1)[1])
    out = combine(ests, [10], confidence=0.99)
    assert out.ci_high == pytest.approx(scipy_stats.norm.interval(0.99, loc=0.5, scale=0.1)[1])


@pytest.mark.parametrize(
    ("ests", "sizes", "rule", "match"),
    [
        ([], [], "macro", "at least one"),
        ([_est(0.5, 0.1, 1)], [1, 2], "macro", "sizes"),
        ([_est(0.5, 0.1, 1)], [1], "median", "rule"),
        ([_est(0.5, 0.1, 1)], [-1], "macro", ">= 0"),
        ([_est(0.5, 0.1, 1)], [0], "size_weighted", "positive total"),
    ],
)
def test_errors(ests: list[Estimate], sizes: list[int], rule: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        combine(ests, sizes, rule)  # type: ignore[arg-type]
