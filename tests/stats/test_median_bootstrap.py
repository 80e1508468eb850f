"""The median's bootstrap replicates drawn from its order-statistic distribution equal the resampling ones."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest

from lmms_eval.scoring.aggregations import median
from lmms_eval.stats import estimate
from lmms_eval.stats.bootstrap import median_replicates


def _exact_distribution(x: np.ndarray) -> dict[float, float]:
    """The bootstrap distribution of np.median, by enumerating all n**n resamples."""
    n = len(x)
    counts: Counter[float] = Counter()
    for idx in itertools.product(range(n), repeat=n):
        counts[float(np.median(x[list(idx)]))] += 1
    total = n**n
    return {v: c / total for v, c in counts.items()}


@pytest.mark.parametrize("x", [[0.3, 1.7, 2.2, 5.0, 9.1], [0.1, 0.4, 0.4, 2.0, 3.5, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])
def test_replicates_follow_the_exact_bootstrap_distribution(x: list[float]) -> None:
    data = np.array(x)
    exact = _exact_distribution(data)
    draws = median_replicates(data, 400_000, np.random.default_rng(1))
    seen = Counter(draws.tolist())
    assert set(seen) <= set(exact)  # only values a resample's median can take
    total_variation = 0.5 * sum(abs(seen.get(v, 0) / len(draws) - p) for v, p in exact.items())
    assert total_variation < 0.006


def test_matches_the_index_bootstrap_on_continuous_scores() -> None:
    rng = np.random.default_rng(3)
    for n in (2001, 2000):  # odd and even
        x = rng.gamma(2.0, size=n)
        fast = median_replicates(x, 20_000, np.random.default_rng(4))
        idx = np.random.default_rng(5).integers(0, n, size=(20_000, n))
        slow = np.median(x[idx], axis=1)
        assert abs(fast.std() / slow.std() - 1) < 0.04
        assert abs(np.quantile(fast, 0.025) - np.quantile(slow, 0.025)) < 0.15 * slow.std()
        assert abs(np.quantile(fast, 0.975) - np.quantile(slow, 0.975)) < 0.15 * slow.std()


def test_estimate_uses_it_and_stays_seeded() -> None:
    x = np.random.default_rng(0).random(10_000)
    a = estimate(x, "median", bootstrap_iters=100_000, seed=7)
    b = estimate(x, "median", bootstrap_iters=100_000, seed=7)
    assert a.method == "bootstrap" and a.value == pytest.approx(float(np.median(x)))
    assert a.stderr == b.stderr and a.ci_low == b.ci_low
    assert a.ci_low is not None and a.ci_high is not None and a.ci_low < a.value < a.ci_high
    # the same spread as resampling indices (3,000 resamples of 10,000 here)
    idx = np.random.default_rng(2).integers(0, len(x), size=(3000, len(x)))
    assert a.stderr == pytest.approx(float(np.median(x[idx], axis=1).std()), rel=0.05)
    assert getattr(median, "order_statistic", None) == 0.5
