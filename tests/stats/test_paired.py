"""Paired comparison of two runs and multiple-comparison corrections, checked against scipy/statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest

scipy_stats = pytest.importorskip("scipy.stats")
contingency = pytest.importorskip("statsmodels.stats.contingency_tables")
multitest = pytest.importorskip("statsmodels.stats.multitest")

from lmms_eval.stats.paired import (  # noqa: E402
    PairedResult,
    adjust,
    benjamini_hochberg,
    binomial_two_sided_p,
    bootstrap_mean_replicates,
    holm,
    mcnemar_exact_p,
    newcombe_paired_interval,
    paired_compare,
    sign_flip_p,
)
from lmms_eval.stats.power import (  # noqa: E402
    minimal_detectable_effect_binary,
    minimal_detectable_effect_continuous,
)

TESTS = ["mcnemar_exact", "paired_bootstrap", "permutation", "paired_t"]


def _binary_pair(rng: np.random.Generator, n: int, p_a: float, p_b: float) -> tuple[np.ndarray, np.ndarray]:
    return (rng.random(n) < p_a).astype(int), (rng.random(n) < p_b).astype(int)


def _mean_diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(y - x, axis=axis)


# -- McNemar ------------------------------------------------------------------------------------------


def test_mcnemar_p_matches_statsmodels_and_scipy() -> None:
    rng = np.random.default_rng(0)
    tables = [(0, 0), (1, 0), (0, 1), (3, 3), (5, 0), (6, 0), (10, 25), (3000, 3200), (40, 1), (1, 120)]
    tables += [tuple(int(v) for v in rng.integers(0, 60, 2)) for _ in range(60)]
    for n10, n01 in tables:
        p = mcnemar_exact_p(n10, n01)
        sm = contingency.mcnemar(np.array([[7, n10], [n01, 4]]), exact=True).pvalue
        assert p == pytest.approx(sm, rel=1e-9, abs=1e-15), (n10, n01)
        if n10 + n01 > 0:
            sp = scipy_stats.binomtest(min(n10, n01), n10 + n01, 0.5).pvalue
            assert p == pytest.approx(sp, rel=1e-9, abs=1e-15), (n10, n01)
        else:
            assert p == 1.0


def test_binomial_two_sided_p_small_values() -> None:
    assert binomial_two_sided_p(0, 30) == pytest.approx(scipy_stats.binomtest(0, 30).pvalue, rel=1e-10)
    assert binomial_two_sided_p(3, 400) == pytest.approx(scipy_stats.binomtest(3, 400).pvalue, rel=1e-9)
    with pytest.raises(ValueError):
        binomial_two_sided_p(5, 3)


def test_paired_compare_binary_is_mcnemar() -> None:
    rng = np.random.default_rng(1)
    for n in (8, 50, 400, 3000):
        a, b = _binary_pair(rng, n, 0.6, 0.65)
        r = paired_compare(a, b)
        n10 = int(((a == 1) & (b == 0)).sum())
        n01 = int(((a == 0) & (b == 1)).sum())
        assert r.test == "mcnemar_exact"
        assert r.discordant == (n10, n01)
        assert r.n == n
        assert r.mean_a == pytest.approx(a.mean()) and r.mean_b == pytest.approx(b.mean())
        assert r.diff == pytest.approx(b.mean() - a.mean(), abs=1e-15)
        table = np.array([[((a == 1) & (b == 1)).sum(), n10], [n01, ((a == 0) & (b == 0)).sum()]])
        assert r.p_value == pytest.approx(contingency.mcnemar(table, exact=True).pvalue, rel=1e-9, abs=1e-15)
        assert r.mde == pytest.approx(minimal_detectable_effect_binary(n, (n10 + n01) / n))
        assert -1.0 <= r.ci_low <= r.diff <= r.ci_high <= 1.0


def test_bool_scores_are_binary() -> None:
    a = np.array([True, False, True, True])
    b = np.array([True, True, True, False])
    assert paired_compare(a, b).test == "mcnemar_exact"
    assert paired_compare([0.0, 1.0, 0.5], [1.0, 1.0, 0.5]).test == "paired_bootstrap"


# -- Newcombe interval for the paired difference ------------------------------------------------------


def test_newcombe_interval_reference_value() -> None:
    # Fagerland, Lydersen & Laake (2017), ch. 8 (R package contingencytables, test-ch8.R): table
    # [[59, 6], [16, 80]] (rows: first test +/-), Newcombe square-and-add: -0.0621 (-0.1186 to -0.0046)
    # for first minus second; our diff is second minus first (B - A) with A = rows.
    lo, hi = newcombe_paired_interval(59, 6, 16, 80)
    assert lo == pytest.approx(0.0046, abs=5e-5)
    assert hi == pytest.approx(0.1186, abs=5e-5)
    lo2, hi2 = newcombe_paired_interval(59, 16, 6, 80)
    assert (lo2, hi2) == pytest.approx((-hi, -lo), abs=1e-15)


def test_newcombe_interval_bounds() -> None:
    rng = np.random.default_rng(2)
    for _ in range(300):
        n11, n10, n01, n00 = (int(v) for v in rng.integers(0, 12, 4))
        if n11 + n10 + n01 + n00 == 0:
            continue
        lo, hi = newcombe_paired_interval(n11, n10, n01, n00)
        diff = (n01 - n10) / (n11 + n10 + n01 + n00)
        assert -1.0 <= lo <= diff <= hi <= 1.0
    lo, hi = newcombe_paired_interval(0, 5, 0, 0)  # every item flipped to A
    assert lo == -1.0 and -1.0 < hi < 0.0
    lo, hi = newcombe_paired_interval(0, 0, 30, 0)  # every item flipped to B
    assert hi == 1.0 and 0.0 < lo < 1.0


def test_newcombe_interval_coverage() -> None:
    rng = np.random.default_rng(3)
    sims = 4000
    for n, p11, p10, p01 in [(60, 0.5, 0.08, 0.14), (200, 0.75, 0.05, 0.08), (40, 0.05, 0.02, 0.1)]:
        probs = [p11, p10, p01, 1.0 - p11 - p10 - p01]
        truth = p01 - p10
        tables = rng.multinomial(n, probs, size=sims)
        covered = 0
        for t in tables:
            lo, hi = newcombe_paired_interval(*(int(v) for v in t))
            covered += lo <= truth <= hi
        assert 0.93 <= covered / sims <= 0.985, (n, probs, covered / sims)  # slightly conservative


# -- paired t -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 10, 57, 1000])
def test_paired_t_matches_scipy(n: int) -> None:
    rng = np.random.default_rng(n)
    for confidence in (0.9, 0.95, 0.99):
        a = rng.normal(0.5, 0.2, n)
        b = a + rng.normal(0.05, 0.1, n)
        r = paired_compare(a, b, test="paired_t", confidence=confidence)
        ref = scipy_stats.ttest_rel(b, a)
        ci = ref.confidence_interval(confidence)
        assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)
        assert r.ci_low == pytest.approx(ci.low, rel=1e-9, abs=1e-15)
        assert r.ci_high == pytest.approx(ci.high, rel=1e-9, abs=1e-15)
        assert r.diff == pytest.approx(float(np.mean(b - a)), rel=1e-12)
        sd = float(np.std(b - a, ddof=1))
        assert r.mde == pytest.approx(minimal_detectable_effect_continuous(n, sd))
        assert r.mde == pytest.approx((1.959963984540054 + 0.8416212335729143) * sd / math.sqrt(n))


def test_paired_t_constant_difference() -> None:
    r = paired_compare([0.1, 0.2, 0.3], [0.6, 0.7, 0.8], test="paired_t")
    assert r.p_value < 1e-10 and r.ci_low == pytest.approx(0.5) and r.ci_high == pytest.approx(0.5)
    same = paired_compare([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], test="paired_t")
    assert (same.diff, same.ci_low, same.ci_high, same.p_value) == (0.0, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="at least 2"):
        paired_compare([0.3], [0.4], test="paired_t")


# -- sign-flip permutation test -----------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 9, 14])
def test_permutation_exact_matches_scipy(n: int) -> None:
    rng = np.random.default_rng(10 + n)
    for data in ("normal", "integers"):
        a = rng.normal(0, 1, n) if data == "normal" else rng.integers(0, 5, n).astype(float)
        b = a + (rng.normal(0.4, 1, n) if data == "normal" else rng.integers(-2, 4, n))
        ref = scipy_stats.permutation_test(
            (a, b), _mean_diff, permutation_type="samples", n_resamples=10**6, vectorized=True
        )
        r = paired_compare(a, b, test="permutation")
        assert r.p_value == pytest.approx(ref.pvalue, rel=1e-12), data


def test_permutation_random_close_to_scipy() -> None:
    rng = np.random.default_rng(20)
    for shift in (0.0, 0.25, 0.5):
        a = rng.normal(0, 1, 60)
        b = a + rng.normal(shift, 1, 60)
        ref = scipy_stats.permutation_test(
            (a, b),
            _mean_diff,
            permutation_type="samples",
            n_resamples=20_000,
            vectorized=True,
            random_state=1,
        )
        r = paired_compare(a, b, test="permutation", iters=20_000)
        assert abs(r.p_value - ref.pvalue) < 0.015, (shift, r.p_value, ref.pvalue)
        # exact-ish reference for moderate p: the paired t-test is close for normal differences
        if ref.pvalue > 0.01:
            assert abs(r.p_value - scipy_stats.ttest_rel(b, a).pvalue) < 0.03


def test_permutation_discrete_atoms_close_to_scipy() -> None:
    # scores in {0, 0.5, 1}: many non-zero differences of few magnitudes (the Binomial-atoms path)
    rng = np.random.default_rng(21)
    a = rng.choice([0.0, 0.5, 1.0], 200)
    b = np.where(rng.random(200) < 0.3, rng.choice([0.0, 0.5, 1.0], 200), a)
    ref = scipy_stats.permutation_test(
        (a, b), _mean_diff, permutation_type="samples", n_resamples=10_000, vectorized=True, random_state=2
    )
    r = paired_compare(a, b, test="permutation", iters=10_000)
    assert 0.02 < ref.pvalue < 0.98
    assert abs(r.p_value - ref.pvalue) < 0.02, (r.p_value, ref.pvalue)


def test_permutation_on_binary_scores_is_exact_mcnemar() -> None:
    rng = np.random.default_rng(22)
    for n in (10, 100, 2000):
        a, b = _binary_pair(rng, n, 0.5, 0.56)
        perm = paired_compare(a, b, test="permutation")
        mc = paired_compare(a, b, test="mcnemar_exact")
        assert perm.p_value == pytest.approx(mc.p_value, rel=1e-12)
        assert perm.discordant == mc.discordant


def test_sign_flip_random_uses_plus_one_correction() -> None:
    d = np.arange(1.0, 41.0)  # all positive: the observed sum is the maximum, so no random flip beats it
    p = sign_flip_p(d, 999, np.random.default_rng(0))
    assert p == pytest.approx(1.0 / 1000.0)


def test_exact_permutation_is_valid_under_null() -> None:
    # exact test: P(p <= alpha) <= alpha under H0 (symmetric differences)
    rng = np.random.default_rng(23)
    d = rng.standard_t(3, size=(600, 12))
    ps = np.array([sign_flip_p(row, 1, rng) for row in d])
    assert (ps <= 0.05).mean() <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 600)
    assert (ps <= 0.2).mean() == pytest.approx(0.2, abs=0.06)


# -- paired bootstrap ---------------------------------------------------------------------------------


def test_bootstrap_atoms_and_index_paths_agree_in_distribution() -> None:
    rng = np.random.default_rng(30)
    d = rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], size=2000, p=[0.1, 0.1, 0.5, 0.15, 0.15])
    atoms = bootstrap_mean_replicates(d, 20_000, np.random.default_rng(1))  # 5 atoms: multinomial path
    noise = d + rng.normal(0, 1e-9, d.shape)  # 2000 distinct values: index path
    index = bootstrap_mean_replicates(noise, 20_000, np.random.default_rng(1))
    se = float(np.std(d, ddof=1) / math.sqrt(len(d)))
    assert atoms.mean() == pytest.approx(d.mean(), abs=0.05 * se)
    assert index.mean() == pytest.approx(d.mean(), abs=0.05 * se)
    assert np.std(atoms) == pytest.approx(se, rel=0.03)
    assert np.std(index) == pytest.approx(se, rel=0.03)


def test_bootstrap_ci_coverage() -> None:
    rng = np.random.default_rng(31)
    sims = 400
    for kind in ("normal", "discrete"):
        covered = 0
        for _ in range(sims):
            if kind == "normal":
                a = rng.normal(0.5, 0.3, 80)
                b = a + rng.normal(0.1, 0.2, 80)
                truth = 0.1
            else:  # differences in {-0.5, 0, 0.5}, mean 0.5 * (0.3 - 0.2) = 0.05
                a = np.full(300, 0.5)
                b = a + rng.choice([-0.5, 0.0, 0.5], 300, p=[0.2, 0.5, 0.3])
                truth = 0.05
            r = paired_compare(a, b, iters=1000, seed=int(rng.integers(1 << 30)))
            covered += r.ci_low <= truth <= r.ci_high
        assert 0.91 <= covered / sims <= 0.985, (kind, covered / sims)


def test_bootstrap_ci_close_to_t_interval() -> None:
    rng = np.random.default_rng(32)
    a = rng.normal(0.5, 0.3, 3000)
    b = a + rng.normal(0.02, 0.25, 3000)
    boot = paired_compare(a, b, test="paired_bootstrap")
    t = paired_compare(a, b, test="paired_t")
    half = (t.ci_high - t.ci_low) / 2
    assert boot.ci_low == pytest.approx(t.ci_low, abs=0.06 * half)
    assert boot.ci_high == pytest.approx(t.ci_high, abs=0.06 * half)
    assert boot.p_value == pytest.approx(t.p_value, abs=0.01)


# -- properties ---------------------------------------------------------------------------------------


def _data(kind: str, seed: int, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if kind == "binary":
        a, b = _binary_pair(rng, n, 0.6, 0.66)
        return a.astype(float), b.astype(float)
    if kind == "discrete":
        return rng.choice([0.0, 0.5, 1.0], n), rng.choice([0.0, 0.5, 1.0], n)
    a = rng.random(n)
    return a, np.clip(a + rng.normal(0.03, 0.2, n), 0, 1)


@pytest.mark.parametrize("kind", ["binary", "discrete", "continuous"])
@pytest.mark.parametrize("test", TESTS)
def test_properties(kind: str, test: str) -> None:
    if test == "mcnemar_exact" and kind != "binary":
        with pytest.raises(ValueError, match="0/1"):
            paired_compare(*_data(kind, 0), test=test)
        return
    for seed in range(3):
        a, b = _data(kind, seed)
        r = paired_compare(a, b, test=test, iters=2000)
        assert isinstance(r, PairedResult) and r.test == test
        assert 0.0 <= r.p_value <= 1.0
        assert r.ci_low <= r.diff <= r.ci_high
        assert r.mde > 0
        assert r.diff == pytest.approx(b.mean() - a.mean(), abs=1e-12)
        assert (r.discordant is not None) == (kind == "binary")
        # swapping the runs flips the difference and its CI, and keeps p
        s = paired_compare(b, a, test=test, iters=2000)
        assert s.diff == pytest.approx(-r.diff, abs=1e-15)
        assert s.p_value == pytest.approx(r.p_value, rel=1e-12)
        assert (s.ci_low, s.ci_high) == pytest.approx((-r.ci_high, -r.ci_low), abs=1e-12)
        assert (s.mean_a, s.mean_b) == (r.mean_b, r.mean_a)
        if r.discordant is not None:
            assert s.discordant == r.discordant[::-1]
        # identical runs: no difference at all
        same = paired_compare(a, a, test=test, iters=2000)
        assert same.diff == 0.0 and same.p_value == 1.0
        assert same.ci_low <= 0.0 <= same.ci_high


def test_deterministic_given_seed() -> None:
    a, b = _data("continuous", 5)
    r1 = paired_compare(a, b, iters=500, seed=7)
    r2 = paired_compare(list(a), list(b), iters=500, seed=7)
    r3 = paired_compare(a, b, iters=500, seed=8)
    assert r1 == r2
    assert (r1.ci_low, r1.p_value) != (r3.ci_low, r3.p_value)


def test_clear_difference_is_significant() -> None:
    rng = np.random.default_rng(40)
    a, b = _binary_pair(rng, 2000, 0.5, 0.6)
    for test in TESTS:
        r = paired_compare(a, b, test=test)
        assert r.p_value < 1e-3 and r.ci_low > 0, test


def test_result_to_dict() -> None:
    d = paired_compare([1, 0, 1, 1], [1, 1, 1, 0]).to_dict()
    assert d["discordant"] == [1, 1] and d["test"] == "mcnemar_exact" and d["p_value"] == 1.0


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "match"),
    [
        ([1, 0], [1, 0, 1], {}, "same items"),
        ([], [], {}, "0 items"),
        ([0.1, float("nan")], [0.2, 0.3], {}, "NaN"),
        ([0.1, 0.2], [0.2, float("inf")], {}, "infinite"),
        ([[0.1, 0.2]], [[0.2, 0.3]], {}, "one-dimensional"),
        ([0.5, 1.0], [1.0, 1.0], {"test": "mcnemar_exact"}, "0/1"),
        ([0, 1], [1, 1], {"test": "wilcoxon"}, "unknown paired test"),
        ([0, 1], [1, 1], {"confidence": 1.0}, "confidence"),
        ([0, 1], [1, 1], {"alpha": 0.0}, "alpha"),
        ([0, 1], [1, 1], {"power": 1.5}, "power"),
        ([0.1, 0.2], [1, 1], {"iters": 0}, "iters"),
    ],
)
def test_invalid_input(a: list, b: list, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        paired_compare(a, b, **kwargs)


def test_single_item() -> None:
    r = paired_compare([0.2], [0.7])
    assert r.diff == pytest.approx(0.5) and r.p_value == 1.0 and math.isnan(r.mde)
    m = paired_compare([0], [1])
    assert m.p_value == 1.0 and m.mde == math.inf


# -- multiple comparisons -----------------------------------------------------------------------------


def _p_values(rng: np.random.Generator, m: int) -> list[float]:
    ps = rng.random(m) ** 3  # many small ones
    ps[rng.random(m) < 0.2] = ps[0]  # ties
    if m > 3:
        ps[1], ps[2] = 0.0, 1.0
    return [float(p) for p in ps]


@pytest.mark.parametrize("m", [1, 2, 5, 20, 200])
def test_holm_and_bh_match_statsmodels(m: int) -> None:
    rng = np.random.default_rng(m)
    for _ in range(3):
        ps = _p_values(rng, m)
        ref_holm = multitest.multipletests(ps, method="holm")[1]
        ref_bh = multitest.multipletests(ps, method="fdr_bh")[1]
        assert holm(ps) == pytest.approx(list(ref_holm), rel=1e-12, abs=1e-15)
        assert benjamini_hochberg(ps) == pytest.approx(list(ref_bh), rel=1e-12, abs=1e-15)
        assert adjust(ps, "holm") == holm(ps) and adjust(ps, "bh") == benjamini_hochberg(ps)
        assert adjust(ps, "none") == ps
        for adjusted in (holm(ps), benjamini_hochberg(ps)):
            assert all(p <= q <= 1.0 for p, q in zip(ps, adjusted, strict=True))
            order = np.argsort(ps, kind="stable")
            ranked = [adjusted[i] for i in order]
            assert ranked == sorted(ranked)  # monotone in the raw p-values


def test_adjust_edge_cases() -> None:
    assert holm([]) == [] and benjamini_hochberg([]) == [] and adjust([], "none") == []
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert benjamini_hochberg([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.04, 0.04])
    with pytest.raises(ValueError, match="unknown p-value adjustment"):
        adjust([0.1], "bonferonni")
    for bad in ([float("nan")], [1.2], [-0.1]):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            holm(bad)
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            benjamini_hochberg(bad)
