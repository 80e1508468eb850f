"""lmms_eval.stats.estimate: analytic, clustered and bootstrap estimates checked against scipy / statsmodels /
hand computations, with fixed seeds."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from lmms_eval.core.errors import ConfigError, UnknownNameError
from lmms_eval.scoring import aggregations as agg
from lmms_eval.stats import Estimate, clustered_mean_stderr, estimate
from lmms_eval.stats import bootstrap as boot_mod

scipy_stats = pytest.importorskip("scipy.stats")


def _vec_mean(scores: np.ndarray, labels: Any = None) -> np.ndarray:
    """A vectorized custom aggregation (no counts form): forces the bootstrap for a mean."""
    out: np.ndarray = np.asarray(scores).mean(axis=1)
    return out


def _median_1d(scores: np.ndarray) -> float:
    """A custom aggregation that only handles 1-D input."""
    if np.asarray(scores).ndim != 1:
        raise TypeError("1-D only")
    return float(np.median(scores))


def _counts_mean(scores: np.ndarray, labels: Any = None) -> np.ndarray:
    """Not ``agg.mean`` (so it is bootstrapped), but with its counts form."""
    return agg.mean(scores)


_counts_mean.from_counts = agg.mean.from_counts  # type: ignore[attr-defined]


# -- analytic -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 5, 29, 30, 31, 500])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_analytic_mean_matches_scipy_sem_and_t_interval(n: int, confidence: float) -> None:
    x = np.random.default_rng(n).normal(3.0, 2.0, size=n)
    est = estimate(x, "mean", confidence=confidence)
    assert est.method == "analytic" and est.n == n and est.confidence == confidence
    assert est.value == pytest.approx(x.mean(), rel=1e-14)
    assert est.stderr == pytest.approx(scipy_stats.sem(x), rel=1e-12)
    lo, hi = scipy_stats.t.interval(confidence, n - 1, loc=x.mean(), scale=scipy_stats.sem(x))
    assert est.ci_low == pytest.approx(lo, rel=1e-9)
    assert est.ci_high == pytest.approx(hi, rel=1e-9)


def test_analytic_ci_is_wider_than_normal_for_small_n() -> None:
    x = np.array([0.1, 0.9, 0.8, 0.0, 1.0])
    est = estimate(x)
    assert est.method == "analytic" and est.stderr is not None and est.ci_high is not None
    z_lo, z_hi = scipy_stats.norm.interval(0.95, loc=x.mean(), scale=est.stderr)
    assert est.ci_high > z_hi


def test_accepts_lists_and_binary_scores() -> None:
    scores = [1.0, 0.0, 1.0, 1.0]
    est = estimate(scores)
    assert est.value == 0.75 and est.n == 4
    assert est.stderr == pytest.approx(scipy_stats.sem(scores))


def test_analytic_ignores_bootstrap_iters() -> None:
    x = np.random.default_rng(0).random(50)
    assert estimate(x, bootstrap_iters=0) == estimate(x, bootstrap_iters=1000)


def test_constant_scores_have_zero_width_ci() -> None:
    est = estimate(np.full(20, 0.5))
    assert est.stderr == 0.0 and est.ci_low == est.ci_high == 0.5
    perfect = estimate(np.ones(20))  # 20/20 correct: Wilson still admits a true rate below 1
    assert perfect.stderr == 0.0 and perfect.ci_high == 1.0 and 0.8 < perfect.ci_low < 0.9


# -- clustered ------------------------------------------------------------------------------------------


def _cr1_by_hand(x: np.ndarray, groups: list[Any]) -> float:
    n, xbar = len(x), float(np.mean(x))
    sums: dict[Any, float] = {}
    for v, g in zip(x.tolist(), groups, strict=True):
        sums[g] = sums.get(g, 0.0) + (v - xbar)
    c = len(sums)
    return math.sqrt(c / (c - 1) * sum(s * s for s in sums.values())) / n


def _clustered_data(seed: int, n_clusters: int, equal: bool) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    sizes = np.full(n_clusters, 4) if equal else rng.integers(1, 9, n_clusters)
    effects = rng.normal(0, 1, n_clusters)
    x = np.concatenate([effects[c] + rng.normal(0, 1, s) for c, s in enumerate(sizes)])
    groups = [f"img{c}" for c, s in enumerate(sizes) for _ in range(s)]
    order = rng.permutation(len(x))  # clusters need not be contiguous
    return x[order], [groups[i] for i in order]


@pytest.mark.parametrize("equal", [True, False])
def test_clustered_mean_matches_hand_cr1_and_normal_interval(equal: bool) -> None:
    x, groups = _clustered_data(7, 60, equal)
    est = estimate(x, "mean", clusters=groups)
    assert est.method == "clustered"
    assert est.stderr == pytest.approx(_cr1_by_hand(x, groups), rel=1e-12)
    lo, hi = scipy_stats.norm.interval(0.95, loc=x.mean(), scale=est.stderr)
    assert (est.ci_low, est.ci_high) == (pytest.approx(lo, rel=1e-12), pytest.approx(hi, rel=1e-12))
    # correlated clusters: the robust stderr is larger than the iid one here
    assert est.stderr > scipy_stats.sem(x)


@pytest.mark.parametrize("equal", [True, False])
def test_clustered_mean_matches_statsmodels(equal: bool) -> None:
    sm = pytest.importorskip("statsmodels.api")
    x, groups = _clustered_data(11, 40, equal)
    codes = np.unique(groups, return_inverse=True)[1]
    # statsmodels' default correction is C/(C-1) * (n-1)/(n-k); with the intercept only, k = 1 -> C/(C-1) = CR1
    fit = sm.OLS(x, np.ones((len(x), 1))).fit(cov_type="cluster", cov_kwds={"groups": codes})
    est = estimate(x, clusters=groups)
    assert est.value == pytest.approx(float(fit.params[0]), rel=1e-12)
    assert est.stderr == pytest.approx(float(fit.bse[0]), rel=1e-10)


def test_singleton_clusters_reduce_to_the_iid_stderr() -> None:
    x = np.random.default_rng(5).random(300)
    est = estimate(x, clusters=list(range(300)))
    assert est.stderr == pytest.approx(scipy_stats.sem(x), rel=1e-12)
    assert clustered_mean_stderr(x, np.arange(300), 300) == pytest.approx(scipy_stats.sem(x), rel=1e-12)


def test_one_cluster_has_no_stderr() -> None:
    est = estimate([1.0, 0.0, 1.0], clusters=["a", "a", "a"])
    assert (
        est.method == "none"
        and est.stderr is None
        and est.ci_low is None
        and est.value == pytest.approx(2 / 3)
    )
    est = estimate([1.0, 0.0, 1.0], "median", clusters=["a", "a", "a"])
    assert est.method == "none"


# -- bootstrap ------------------------------------------------------------------------------------------


def _median_rows(scores: np.ndarray, labels: object = None) -> np.ndarray:
    out: np.ndarray = np.median(scores, axis=1)
    return out


def test_bootstrap_equals_manual_index_bootstrap() -> None:
    """Continuous scores, one chunk: the engine draws rng.integers(0, n, (B, n)) from default_rng(seed).
    (A vectorized callable: the built-in median takes its own exact shortcut, tested in test_median_bootstrap.)"""
    x = np.random.default_rng(0).normal(size=300)
    iters, seed = 500, 99
    est = estimate(x, _median_rows, bootstrap_iters=iters, seed=seed, confidence=0.9)
    idx = np.random.default_rng(seed).integers(0, len(x), size=(iters, len(x)), dtype=np.int32)
    reps = np.median(x[idx], axis=1)
    assert est.method == "bootstrap" and est.value == np.median(x)
    assert est.stderr == pytest.approx(np.std(reps, ddof=1), rel=1e-12)
    assert est.ci_low == pytest.approx(np.quantile(reps, 0.05), rel=1e-12)
    assert est.ci_high == pytest.approx(np.quantile(reps, 0.95), rel=1e-12)


def test_bootstrap_equals_manual_multinomial_bootstrap_for_few_atoms() -> None:
    codes = np.random.default_rng(1).integers(0, 4, 400).astype(float)
    iters, seed = 700, 5
    est = estimate(codes, "yes_f1", bootstrap_iters=iters, seed=seed)
    values, counts = np.unique(codes, return_counts=True)
    draws = np.random.default_rng(seed).multinomial(len(codes), counts / len(codes), size=iters)
    tp, fn, fp = (draws[:, values.tolist().index(c)] for c in (3.0, 2.0, 1.0))
    reps = 2 * tp / (2 * tp + fp + fn)
    assert est.value == pytest.approx(agg.yes_f1(codes[None, :])[0])
    assert est.stderr == pytest.approx(np.std(reps, ddof=1), rel=1e-12)
    assert est.ci_low == pytest.approx(np.quantile(reps, 0.025), rel=1e-12)


def test_bootstrap_is_chunked_and_chunks_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    x = np.random.default_rng(2).normal(size=200)
    whole = estimate(x, "median", bootstrap_iters=300, seed=3)
    monkeypatch.setattr(boot_mod, "CHUNK_ENTRIES", 200 * 7)  # 7 rows per chunk, 43 chunks
    chunked = estimate(x, "median", bootstrap_iters=300, seed=3)
    assert chunked == whole


@pytest.mark.parametrize(
    "data",
    [
        np.random.default_rng(3).normal(size=2000),  # index path
        (np.random.default_rng(4).random(2000) < 0.3).astype(float),  # atom path, expanded rows
    ],
    ids=["continuous", "binary"],
)
def test_bootstrap_stderr_of_mean_is_close_to_analytic(data: np.ndarray) -> None:
    analytic = estimate(data)
    boot = estimate(data, _vec_mean, bootstrap_iters=4000, seed=0)
    assert boot.method == "bootstrap" and boot.value == pytest.approx(analytic.value)
    assert boot.stderr is not None and analytic.stderr is not None
    assert boot.stderr == pytest.approx(analytic.stderr, rel=0.05)
    assert boot.ci_low == pytest.approx(analytic.ci_low, abs=0.1 * analytic.stderr + 1e-3)


def test_bootstrap_stderr_of_proportion_via_counts_form() -> None:
    codes = np.where(np.random.default_rng(6).random(2000) < 0.4, 3.0, 0.0)  # yes_ratio = proportion of TP
    est = estimate(codes, "yes_ratio", bootstrap_iters=4000)
    p = est.value
    assert est.stderr == pytest.approx(math.sqrt(p * (1 - p) / len(codes)), rel=0.05)


def test_bootstrap_is_reproducible_and_seed_dependent() -> None:
    x = np.random.default_rng(7).normal(size=500)
    a = estimate(x, "median", bootstrap_iters=300, seed=1)
    assert estimate(x, "median", bootstrap_iters=300, seed=1) == a
    assert estimate(x, "median", bootstrap_iters=300, seed=2) != a


def test_percentile_ci_covers_true_median() -> None:
    rng = np.random.default_rng(8)
    trials, covered = 150, 0
    for i in range(trials):
        x = rng.exponential(1.0, size=201)
        est = estimate(x, "median", bootstrap_iters=400, seed=i)
        assert est.ci_low is not None and est.ci_high is not None
        covered += est.ci_low <= math.log(2) <= est.ci_high
    assert 0.88 <= covered / trials <= 0.995


def test_one_dimensional_callable_falls_back_to_row_loop() -> None:
    x = np.random.default_rng(9).normal(size=150)
    vectorized = estimate(x, _median_rows, bootstrap_iters=200, seed=4)
    row_loop = estimate(x, _median_1d, bootstrap_iters=200, seed=4)
    assert row_loop == vectorized
    # a callable returning a scalar for (B, n) input (wrong shape) also falls back
    scalar = estimate(x, lambda s: np.median(s), bootstrap_iters=200, seed=4)
    assert scalar == vectorized


def test_callable_without_counts_form_on_discrete_scores_matches_builtin() -> None:
    x = np.random.default_rng(10).integers(0, 3, 1000).astype(float)
    builtin = estimate(x, "median", bootstrap_iters=500, seed=6)  # counts form
    plain = estimate(x, lambda s, labels=None: np.median(s, axis=1), bootstrap_iters=500, seed=6)  # expanded
    assert plain == builtin


def test_labels_expanded_with_few_atoms_match_counts_form() -> None:
    rng = np.random.default_rng(17)
    x = (rng.random(2000) < 0.5).astype(float)
    labels = rng.integers(0, 4, 2000)
    builtin = estimate(x, "macro_mean", labels=labels, bootstrap_iters=500, seed=2)  # counts form
    plain = estimate(x, lambda s, lab: agg.macro_mean(s, lab), labels=labels, bootstrap_iters=500, seed=2)
    assert plain == builtin


def test_macro_mean_with_string_labels() -> None:
    rng = np.random.default_rng(11)
    x = rng.random(400)
    labels = [f"cat{v}" for v in rng.integers(0, 5, 400)]
    est = estimate(x, "macro_mean", labels=labels, bootstrap_iters=300)
    groups = {lab: [v for v, g in zip(x, labels, strict=True) if g == lab] for lab in set(labels)}
    assert est.value == pytest.approx(np.mean([np.mean(g) for g in groups.values()]), rel=1e-12)
    assert est.method == "bootstrap" and est.stderr is not None and est.stderr > 0
    # labels resampled with the scores: same answer through the loop fallback with the same indices
    loop = estimate(
        x,
        lambda s, lab: agg.macro_mean(s[None, :], lab[None, :])[0] if s.ndim == 1 else None,
        labels=labels,
        bootstrap_iters=300,
    )
    assert loop == est


def test_labels_are_resampled_with_the_same_indices() -> None:
    rng = np.random.default_rng(16)
    x = rng.normal(size=250)
    labels = [f"cat{v}" for v in rng.integers(0, 4, 250)]
    iters, seed = 400, 8
    est = estimate(x, "macro_mean", labels=labels, bootstrap_iters=iters, seed=seed)
    codes = np.unique(labels, return_inverse=True)[1]
    idx = np.random.default_rng(seed).integers(0, len(x), size=(iters, len(x)), dtype=np.int32)
    reps = np.array([_macro_by_hand(x[row], codes[row]) for row in idx])
    assert est.stderr == pytest.approx(np.std(reps, ddof=1), rel=1e-10)
    assert est.ci_low == pytest.approx(np.quantile(reps, 0.025), rel=1e-10)


def _macro_by_hand(x: np.ndarray, codes: np.ndarray) -> float:
    return float(np.mean([x[codes == c].mean() for c in np.unique(codes)]))


def test_macro_mean_few_atoms_path_matches_index_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(12)
    x = (rng.random(3000) < 0.6).astype(float)
    labels = rng.integers(0, 3, 3000)
    fast = estimate(x, "macro_mean", labels=labels, bootstrap_iters=3000, seed=1)
    monkeypatch.setattr(boot_mod, "ATOMS_MAX_FRACTION", 10**9)  # disable the atom path
    slow = estimate(x, "macro_mean", labels=labels, bootstrap_iters=3000, seed=1)
    assert fast != slow  # different draws ...
    assert fast.value == slow.value
    assert fast.stderr == pytest.approx(slow.stderr, rel=0.05)  # ... same distribution


def test_cluster_bootstrap_equals_manual_cluster_bootstrap() -> None:
    x, groups = _clustered_data(13, 50, equal=True)
    iters, seed = 300, 21
    est = estimate(x, _vec_mean, clusters=groups, bootstrap_iters=iters, seed=seed)
    codes = np.unique(groups, return_inverse=True)[1]
    members = np.argsort(codes, kind="stable").reshape(50, 4)
    draws = np.random.default_rng(seed).integers(0, 50, size=(iters, 50))
    reps = x[members[draws].reshape(iters, -1)].mean(axis=1)
    assert est.method == "clustered_bootstrap"
    assert est.stderr == pytest.approx(np.std(reps, ddof=1), rel=1e-12)
    assert est.ci_high == pytest.approx(np.quantile(reps, 0.975), rel=1e-12)


def test_cluster_bootstrap_unequal_sizes_counts_form_matches_row_loop() -> None:
    x, groups = _clustered_data(14, 40, equal=False)
    a = estimate(x, "median", clusters=groups, bootstrap_iters=200, seed=3)  # per-sample counts
    b = estimate(x, _median_1d, clusters=groups, bootstrap_iters=200, seed=3)  # one resample at a time
    assert a.method == b.method == "clustered_bootstrap"
    assert a.stderr == pytest.approx(b.stderr, rel=1e-12)
    assert (a.ci_low, a.ci_high) == (pytest.approx(b.ci_low, rel=1e-12), pytest.approx(b.ci_high, rel=1e-12))


@pytest.mark.parametrize("equal", [True, False])
def test_cluster_bootstrap_stderr_of_mean_is_close_to_cr1(equal: bool) -> None:
    rng = np.random.default_rng(15)
    n_clusters = 400
    sizes = np.full(n_clusters, 5) if equal else rng.integers(1, 10, n_clusters)
    p = rng.beta(2, 2, n_clusters)
    x = np.concatenate([(rng.random(s) < p[c]).astype(float) for c, s in enumerate(sizes)])  # few atoms
    groups = np.repeat(np.arange(n_clusters), sizes)
    analytic = estimate(x, clusters=groups)
    assert analytic.method == "clustered"
    # equal sizes: counts expanded into rows for a plain callable; unequal: a callable with a counts form
    boot = estimate(x, _vec_mean if equal else _counts_mean, clusters=groups, bootstrap_iters=3000)
    assert boot.method == "clustered_bootstrap"
    assert boot.stderr == pytest.approx(analytic.stderr, rel=0.07)


# -- edge cases and errors -------------------------------------------------------------------------------


def test_bootstrap_iters_zero_gives_no_stderr() -> None:
    est = estimate([1.0, 2.0, 3.0], "median", bootstrap_iters=0)
    assert est == Estimate(2.0, None, None, None, 3, "none", 0.95)


def test_single_score_has_no_stderr() -> None:
    for aggregation in ("mean", "median"):
        est = estimate([0.25], aggregation)
        assert est.value == 0.25 and est.n == 1 and est.stderr is None and est.method == "none"


def test_point_estimate_is_aggregation_of_all_scores() -> None:
    seen: list[tuple[int, ...]] = []

    def spy(scores: np.ndarray, labels: Any = None) -> np.ndarray:
        seen.append(scores.shape)
        return np.asarray(scores).sum(axis=1)

    est = estimate([1.0, 2.0, 4.0], spy, bootstrap_iters=10)
    assert seen[0] == (1, 3) and est.value == 7.0


def test_agg_args_are_passed() -> None:
    def trimmed(scores: np.ndarray, labels: Any = None, *, cut: float = 0.0) -> np.ndarray:
        return np.clip(scores, None, cut).mean(axis=1)

    assert estimate([1.0, 5.0, 9.0], trimmed, agg_args={"cut": 4.0}, bootstrap_iters=0).value == 3.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"scores": []}, ValueError, "0 scores"),
        ({"scores": [1.0, float("nan")]}, ValueError, "NaN"),
        ({"scores": [[1.0, 2.0]]}, ValueError, "one-dimensional"),
        ({"scores": [1.0, 2.0], "labels": ["a"]}, ValueError, "labels"),
        ({"scores": [1.0, 2.0], "clusters": ["a", "b", "c"]}, ValueError, "clusters"),
        ({"scores": [1.0, 2.0], "confidence": 1.0}, ValueError, "confidence"),
        ({"scores": [1.0, 2.0], "bootstrap_iters": -1}, ValueError, "bootstrap_iters"),
        ({"scores": [1.0, 2.0], "aggregation": "meen"}, UnknownNameError, "mean"),
        ({"scores": [1.0, 2.0], "aggregation": "macro_mean"}, ConfigError, "macro_mean"),
    ],
)
def test_errors(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        estimate(**kwargs)


def test_estimate_to_dict() -> None:
    d = estimate([0.0, 1.0]).to_dict()
    assert set(d) == {"value", "stderr", "ci_low", "ci_high", "n", "method", "confidence"}
    assert isinstance(d["value"], float) and isinstance(d["stderr"], float)


def test_binary_mean_uses_the_wilson_interval() -> None:
    """Against statsmodels' proportion_confint(method='wilson'), and it never leaves [0, 1]."""
    from lmms_eval.stats import estimate

    proportion = pytest.importorskip("statsmodels.stats.proportion")
    for successes, n in ((1, 60), (0, 25), (25, 25), (37, 100), (500, 1000)):
        scores = [1.0] * successes + [0.0] * (n - successes)
        est = estimate(scores)
        lo, hi = proportion.proportion_confint(successes, n, alpha=0.05, method="wilson")
        assert est.method == "wilson"
        assert est.ci_low == pytest.approx(lo, abs=1e-9) and est.ci_high == pytest.approx(hi, abs=1e-9)
        assert 0.0 <= est.ci_low <= est.value <= est.ci_high <= 1.0
    assert estimate([0.0, 0.5, 1.0, 1.0]).method == "analytic"
