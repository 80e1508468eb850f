"""Sample size, power and minimal detectable effect for paired comparisons, checked against
statsmodels, scipy, the closed formulas and simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

scipy_stats = pytest.importorskip("scipy.stats")
sm_power = pytest.importorskip("statsmodels.stats.power")

from lmms_eval.stats.power import (  # noqa: E402
    _connor_n,
    independence_discordance,
    minimal_detectable_effect_binary,
    minimal_detectable_effect_continuous,
    nct_cdf,
    paired_binary_power,
    paired_binary_sample_size,
    paired_continuous_power,
    paired_continuous_sample_size,
)

Z_975, Z_80 = scipy_stats.norm.ppf(0.975), scipy_stats.norm.ppf(0.8)


def _connor_reference(delta: float, psi: float, alpha: float, power: float) -> float:
    za, zb = scipy_stats.norm.ppf(1 - alpha / 2), scipy_stats.norm.ppf(power)
    return (za * math.sqrt(psi) + zb * math.sqrt(psi - delta**2)) ** 2 / delta**2


# -- binary / McNemar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p0", "effect", "psi", "alpha", "power"),
    [
        (0.6, 0.05, 0.2, 0.05, 0.8),
        (0.7, 0.03, 0.1, 0.05, 0.9),
        (0.5, -0.1, 0.3, 0.01, 0.8),
        (0.9, 0.02, 0.05, 0.05, 0.8),
        (0.3, 0.2, 0.2, 0.05, 0.5),
        (0.5, 0.1, None, 0.05, 0.8),
        (0.85, -0.04, None, 0.1, 0.95),
    ],
)
def test_binary_sample_size_matches_connor(
    p0: float, effect: float, psi: float | None, alpha: float, power: float
) -> None:
    n = paired_binary_sample_size(p0, effect, discordance=psi, alpha=alpha, power=power)
    disc = psi if psi is not None else p0 * (1 - p0 - effect) + (p0 + effect) * (1 - p0)
    assert n == math.ceil(_connor_reference(effect, disc, alpha, power))
    # the smallest n whose (Connor) power reaches the target
    assert paired_binary_power(n, p0, effect, discordance=psi, alpha=alpha) >= power - 1e-12
    if n > 1:
        assert paired_binary_power(n - 1, p0, effect, discordance=psi, alpha=alpha) < power


def test_binary_default_discordance_is_independence() -> None:
    assert independence_discordance(0.7, 0.75) == pytest.approx(0.7 * 0.25 + 0.75 * 0.3)
    assert paired_binary_sample_size(0.7, 0.05) == paired_binary_sample_size(
        0.7, 0.05, discordance=independence_discordance(0.7, 0.75)
    )
    # lower discordance (correlated models) needs fewer items; more power or a smaller alpha needs more
    assert paired_binary_sample_size(0.7, 0.05, discordance=0.1) < paired_binary_sample_size(0.7, 0.05)
    assert paired_binary_sample_size(0.7, 0.05, power=0.9) > paired_binary_sample_size(0.7, 0.05)
    assert paired_binary_sample_size(0.7, 0.05, alpha=0.01) > paired_binary_sample_size(0.7, 0.05)
    assert paired_binary_sample_size(0.7, 0.05) == paired_binary_sample_size(0.75, -0.05)


def test_binary_power_matches_formula() -> None:
    for n, delta, psi in [(100, 0.05, 0.2), (1000, 0.02, 0.1), (30, -0.2, 0.4)]:
        expected = scipy_stats.norm.cdf(
            (math.sqrt(n) * abs(delta) - Z_975 * math.sqrt(psi)) / math.sqrt(psi - delta**2)
        )
        assert paired_binary_power(n, 0.5, delta, discordance=psi) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("p0", "effect", "psi"), [(0.6, 0.05, 0.2), (0.5, 0.1, None), (0.8, -0.04, 0.12)])
def test_binary_sample_size_simulated_power(p0: float, effect: float, psi: float | None) -> None:
    """Simulate paired 0/1 data at the computed n: McNemar's test reaches the target power."""
    n = paired_binary_sample_size(p0, effect, discordance=psi)
    disc = psi if psi is not None else independence_discordance(p0, p0 + effect)
    p01, p10 = (disc + effect) / 2, (disc - effect) / 2  # B-only right, A-only right
    rng = np.random.default_rng(0)
    sims = 20_000
    tables = rng.multinomial(n, [p10, p01, 1 - disc], size=sims)
    m = tables[:, 0] + tables[:, 1]
    # the asymptotic McNemar test (Connor's formula is derived for it)
    chi = np.divide((tables[:, 1] - tables[:, 0]) ** 2, m, out=np.zeros(sims), where=m > 0)
    asymptotic = float((chi > Z_975**2).mean())
    assert asymptotic == pytest.approx(0.8, abs=0.02)
    # the exact test is conservative: a little under the target
    exact_p = np.minimum(1.0, 2 * scipy_stats.binom.cdf(np.minimum(tables[:, 0], tables[:, 1]), m, 0.5))
    exact = float((exact_p <= 0.05).mean())
    assert 0.8 - 0.04 <= exact <= 0.8 + 0.01


def test_binary_mde_inverts_connor() -> None:
    for n in (10, 50, 200, 1000, 10_000):
        for psi in (0.0, 0.01, 0.05, 0.2, 0.5, 1.0):
            for alpha, power in ((0.05, 0.8), (0.01, 0.9)):
                mde = minimal_detectable_effect_binary(n, psi, alpha=alpha, power=power)
                assert 0.0 < mde <= 1.0
                eff_psi = max(psi, mde)
                za, zb = scipy_stats.norm.ppf(1 - alpha / 2), scipy_stats.norm.ppf(power)
                assert _connor_n(mde, eff_psi, za, zb) == pytest.approx(n, rel=1e-9), (n, psi)
                # the same through the public power function (accuracies (1 -+ mde) / 2 allow any psi)
                if mde < 1.0:
                    got = paired_binary_power(n, (1 - mde) / 2, mde, discordance=eff_psi, alpha=alpha)
                    assert got == pytest.approx(power, abs=1e-9)


def test_binary_mde_behaviour() -> None:
    # large n: ~ (z_a + z_b) sqrt(psi / n)
    assert minimal_detectable_effect_binary(100_000, 0.2) == pytest.approx(
        (Z_975 + Z_80) * math.sqrt(0.2 / 100_000), rel=0.01
    )
    mdes = [minimal_detectable_effect_binary(n, 0.2) for n in (20, 50, 100, 1000)]
    assert mdes == sorted(mdes, reverse=True)
    # no observed disagreement still gives a positive MDE (the discordance rises with the effect)
    assert minimal_detectable_effect_binary(500, 0.0) > 0
    assert minimal_detectable_effect_binary(3, 0.5) == math.inf
    assert minimal_detectable_effect_binary(4, 0.5) < 1.0
    # the sample size at the MDE is (up to rounding) n
    mde = minimal_detectable_effect_binary(800, 0.15)
    assert paired_binary_sample_size(0.6, mde, discordance=0.15) == 800


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"p_baseline": 0.6, "effect": 0.0}, "non-zero"),
        ({"p_baseline": 0.6, "effect": 0.05, "discordance": 0.01}, r">= \|effect\|"),
        ({"p_baseline": 0.6, "effect": 0.05, "discordance": 1.2}, r"<= 1"),
        ({"p_baseline": 0.95, "effect": 0.03, "discordance": 0.15}, "impossible"),
        ({"p_baseline": 1.0, "effect": 0.05}, "p_baseline"),
        ({"p_baseline": 0.0, "effect": 0.05}, "p_baseline"),
        ({"p_baseline": 0.98, "effect": 0.05}, r"not an accuracy"),
        ({"p_baseline": 0.6, "effect": float("nan")}, "finite"),
        ({"p_baseline": 0.6, "effect": 0.05, "alpha": 0.0}, "alpha"),
        ({"p_baseline": 0.6, "effect": 0.05, "power": 1.0}, "power"),
    ],
)
def test_binary_sample_size_validation(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        paired_binary_sample_size(**kwargs)


def test_binary_power_and_mde_validation() -> None:
    with pytest.raises(ValueError, match="n must be"):
        paired_binary_power(0, 0.5, 0.1)
    with pytest.raises(ValueError, match="n must be"):
        paired_binary_power(True, 0.5, 0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="discordance"):
        minimal_detectable_effect_binary(100, 1.5)
    with pytest.raises(ValueError, match="n must be"):
        minimal_detectable_effect_binary(2.5, 0.1)  # type: ignore[arg-type]
    assert paired_binary_power(np.int64(100), 0.5, 0.1) > 0  # numpy integers are fine


# -- continuous / paired t ----------------------------------------------------------------------------


def test_nct_cdf_matches_scipy() -> None:
    for df in (1, 2, 5, 19, 99, 1000):
        for nc in (-4.0, -1.0, 0.0, 0.7, 2.8, 6.0, 12.0):
            for t in (-5.0, -1.0, 0.0, 0.5, 2.0, 4.0, 15.0):
                ref = float(scipy_stats.nct.cdf(t, df, nc))
                if math.isnan(ref):  # scipy gives up in some far tails
                    continue
                assert nct_cdf(t, df, nc) == pytest.approx(ref, abs=1e-10), (t, df, nc)


def test_continuous_power_matches_statsmodels() -> None:
    ref = sm_power.TTestPower()
    for n in (2, 3, 10, 50, 400, 5000):
        for es in (0.05, 0.2, 0.5, 1.5):
            for alpha in (0.01, 0.05, 0.2):
                got = paired_continuous_power(n, es * 2.0, 2.0, alpha=alpha)
                expected = ref.power(es, n, alpha)
                if math.isnan(expected):  # scipy's nct gives up when the power is 1 to machine precision
                    assert got == pytest.approx(1.0, abs=1e-12)
                    continue
                assert got == pytest.approx(expected, abs=1e-9), (n, es, alpha)
                assert paired_continuous_power(n, -es, 1.0, alpha=alpha) == pytest.approx(got, abs=1e-12)


@pytest.mark.parametrize("alpha", [0.05, 0.01])
@pytest.mark.parametrize("power", [0.5, 0.8, 0.9])
def test_continuous_sample_size_matches_statsmodels(alpha: float, power: float) -> None:
    ref = sm_power.TTestPower()
    for es in (0.1, 0.25, 0.5, 1.0):
        n = paired_continuous_sample_size(es * 0.3, 0.3, alpha=alpha, power=power)
        solved = float(ref.solve_power(effect_size=es, alpha=alpha, power=power))
        assert n == math.ceil(solved - 1e-6), (es, solved)
        assert paired_continuous_power(n, es, 1.0, alpha=alpha) >= power
        if n > 2:
            assert paired_continuous_power(n - 1, es, 1.0, alpha=alpha) < power


def test_continuous_sample_size_simulated_power() -> None:
    effect, sd = 0.04, 0.15
    n = paired_continuous_sample_size(effect, sd)
    rng = np.random.default_rng(1)
    d = rng.normal(effect, sd, size=(8000, n))
    p = scipy_stats.ttest_1samp(d, 0.0, axis=1).pvalue
    assert float((p <= 0.05).mean()) == pytest.approx(0.8, abs=0.02)


def test_continuous_mde() -> None:
    assert minimal_detectable_effect_continuous(100, 0.3) == pytest.approx((Z_975 + Z_80) * 0.03, rel=1e-12)
    assert minimal_detectable_effect_continuous(100, 0.0) == 0.0
    # the normal-approximation MDE is close to the t-test's detectable effect at moderate n
    mde = minimal_detectable_effect_continuous(200, 1.0)
    assert paired_continuous_power(200, mde, 1.0) == pytest.approx(0.8, abs=0.01)


@pytest.mark.parametrize(
    ("effect", "sd", "kwargs", "match"),
    [
        (0.0, 1.0, {}, "non-zero"),
        (0.1, 0.0, {}, "sd_diff"),
        (0.1, -1.0, {}, "sd_diff"),
        (0.1, float("inf"), {}, "sd_diff"),
        (0.1, 1.0, {"alpha": 1.0}, "alpha"),
        (0.1, 1.0, {"power": 0.0}, "power"),
        (1e-9, 1.0, {}, "more than"),
    ],
)
def test_continuous_validation(effect: float, sd: float, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        paired_continuous_sample_size(effect, sd, **kwargs)


def test_continuous_power_validation() -> None:
    with pytest.raises(ValueError, match="n must be"):
        paired_continuous_power(1, 0.1, 1.0)
    with pytest.raises(ValueError, match="sd_diff"):
        minimal_detectable_effect_continuous(10, -0.1)
