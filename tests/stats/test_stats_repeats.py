"""Per-doc reducers of repeated sampling (lmms_eval.stats.repeats) against brute force and scipy, and the
doc-clustered stderr of repeated scores against statsmodels."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest

from lmms_eval.stats import estimate
from lmms_eval.stats.repeats import (
    best,
    consistent,
    expected_best_of,
    majority_index,
    pass_at_k,
    within_variance,
    worst,
)


def _brute_best_of(scores: list[float], j: int, higher_is_better: bool) -> float:
    pick = max if higher_is_better else min
    subsets = list(itertools.combinations(scores, j))
    return sum(pick(s) for s in subsets) / len(subsets)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 10])
def test_pass_at_k_matches_scipy_comb_and_brute_force(n: int) -> None:
    comb = pytest.importorskip("scipy.special").comb
    for c in range(n + 1):
        for k in range(1, n + 1):
            outcomes = [1.0] * c + [0.0] * (n - c)
            expected = 1.0 - comb(n - c, k, exact=True) / comb(n, k, exact=True)
            assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)
            assert pass_at_k(n, c, k) == pytest.approx(_brute_best_of(outcomes, k, True), abs=1e-12)
            # the generalised estimator reduces to Chen et al.'s on 0/1 scores, whatever their order
            shuffled = list(np.random.default_rng(n * 100 + c * 10 + k).permutation(outcomes))
            assert expected_best_of(shuffled, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_k_numerically_stable_form_of_chen_et_al() -> None:
    # the product form from the Codex paper's reference code: 1 - prod(1 - k / arange(n - c + 1, n + 1))
    for n, c, k in [(200, 3, 10), (200, 0, 50), (100, 99, 1), (150, 40, 100)]:
        stable = 1.0 if n - c < k else 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))
        assert pass_at_k(n, c, k) == pytest.approx(stable, rel=1e-9, abs=1e-12)


def test_pass_at_k_rejects_impossible_arguments() -> None:
    for n, c, k in [(3, 1, 4), (3, 1, 0), (3, 4, 2), (3, -1, 2)]:
        with pytest.raises(ValueError):
            pass_at_k(n, c, k)


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_expected_best_of_matches_brute_force_on_real_scores(higher_is_better: bool) -> None:
    rng = np.random.default_rng(3)
    for _ in range(60):
        n = int(rng.integers(1, 8))
        # ties included: scores drawn from a few values
        scores = [float(x) for x in rng.choice([0.0, 0.25, 0.5, 0.9, 1.0, 2.5], size=n)]
        for j in range(1, n + 1):
            got = expected_best_of(scores, j, higher_is_better)
            assert got == pytest.approx(_brute_best_of(scores, j, higher_is_better), abs=1e-12)
        assert expected_best_of(scores, n, higher_is_better) == pytest.approx(best(scores, higher_is_better))
        assert expected_best_of(scores, 1, higher_is_better) == pytest.approx(np.mean(scores))
        # more draws than scores: the best of all of them
        assert expected_best_of(scores, n + 3, higher_is_better) == best(scores, higher_is_better)


def test_best_and_worst_are_any_and_all_for_binary_scores() -> None:
    for outcomes in itertools.product([0.0, 1.0], repeat=4):
        xs = list(outcomes)
        assert best(xs) == float(any(xs)) and worst(xs) == float(all(xs))
        # lower is better (an error rate): the best is the smallest
        assert best(xs, False) == min(xs) and worst(xs, False) == max(xs)


def _brute_majority(answers: list[object]) -> int:
    counts = Counter(answers)
    top = max(counts.values())
    winners = {a for a, c in counts.items() if c == top}
    return next(i for i, a in enumerate(answers) if a in winners)


def test_majority_index_matches_counting_with_first_seen_tie_break() -> None:
    rng = np.random.default_rng(5)
    pool: list[object] = ["A", "B", "C", None]
    for _ in range(500):
        n = int(rng.integers(1, 9))
        answers = [pool[int(i)] for i in rng.integers(0, len(pool), n)]
        assert majority_index(answers) == _brute_majority(answers)
    assert majority_index(["B", "A", "A", "B"]) == 0  # tie: B was seen first
    assert majority_index([None, None, "A"]) == 0  # nothing readable can win the vote
    with pytest.raises(ValueError):
        majority_index([])


def test_consistent_and_within_variance() -> None:
    assert consistent(["a", "a", "a"]) and consistent(["x"]) and not consistent(["a", "b", "a"])
    assert not consistent([None, "a"]) and consistent([None, None])
    rng = np.random.default_rng(9)
    for n in range(2, 9):
        x = list(rng.normal(size=n))
        assert within_variance(x) == pytest.approx(float(np.var(x, ddof=1)))
    assert within_variance([1.0]) is None


@pytest.mark.parametrize("k", [2, 4, 7])
def test_doc_clustered_stderr_matches_statsmodels_and_per_doc_means(k: int) -> None:
    """--repeats with the mean reducer: CR1 stderr of all (doc, repeat) scores clustered by doc equals
    statsmodels' cluster-robust OLS and, with k repeats for every doc, the plain stderr of the per-doc
    means (scipy.stats.sem)."""
    sm = pytest.importorskip("statsmodels.api")
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(k)
    n_docs = 50
    p_doc = rng.beta(0.6, 0.6, n_docs)  # correlated repeats: some docs almost always right, some never
    scores = (rng.random((n_docs, k)) < p_doc[:, None]).astype(float)
    docs = np.repeat([f"d{i}" for i in range(n_docs)], k)
    order = rng.permutation(n_docs * k)  # repeats need not be contiguous
    x, groups = scores.ravel()[order], docs[order]
    est = estimate(x, "mean", clusters=list(groups))
    _, codes = np.unique(groups, return_inverse=True)
    fit = sm.OLS(x, np.ones((len(x), 1))).fit(cov_type="cluster", cov_kwds={"groups": codes})
    assert est.method == "clustered"
    assert est.value == pytest.approx(float(fit.params[0]))
    assert est.stderr == pytest.approx(float(fit.bse[0]), rel=1e-10)
    per_doc = scores.mean(axis=1)
    assert est.value == pytest.approx(per_doc.mean())
    assert est.stderr == pytest.approx(float(stats.sem(per_doc)), rel=1e-10)
    # ignoring the clustering understates the uncertainty of correlated repeats
    assert est.stderr > float(stats.sem(x))
