"""Quantiles and CDFs implemented without scipy, checked against scipy."""

from __future__ import annotations

import pytest

scipy_stats = pytest.importorskip("scipy.stats")
scipy_special = pytest.importorskip("scipy.special")

from lmms_eval.stats.distributions import betainc, normal_quantile, t_cdf, t_quantile  # noqa: E402

DFS = [1, 2, 3, 4, 5, 9, 29, 30, 31, 100, 999, 1000, 1001, 5000, 1e5, 1e7, 1e12]
PS = [0.6, 0.75, 0.9, 0.95, 0.975, 0.995, 0.9995, 0.025, 0.005, 1e-6]


@pytest.mark.parametrize("df", DFS)
def test_t_quantile_matches_scipy(df: float) -> None:
    for p in PS:
        assert t_quantile(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), rel=1e-10, abs=1e-12), (p, df)
    assert t_quantile(0.5, df) == 0.0


@pytest.mark.parametrize("df", [1, 2, 7, 30, 200])
def test_t_cdf_matches_scipy(df: float) -> None:
    for t in (-40.0, -3.0, -0.5, 0.0, 0.1, 1.0, 2.5, 12.0):
        assert t_cdf(t, df) == pytest.approx(scipy_stats.t.cdf(t, df), rel=1e-11, abs=1e-14)


def test_betainc_matches_scipy() -> None:
    for a, b in [(0.5, 0.5), (1.0, 3.0), (2.5, 0.5), (50.0, 0.5), (1e4, 7.0)]:
        for x in (0.0, 1e-5, 0.1, 0.5, 0.9, 0.9999, 1.0):
            assert betainc(a, b, x) == pytest.approx(scipy_special.betainc(a, b, x), rel=1e-10, abs=1e-14)


def test_normal_quantile_matches_scipy() -> None:
    for p in (1e-9, 0.025, 0.05, 0.5, 0.8, 0.975, 0.995):
        assert normal_quantile(p) == pytest.approx(scipy_stats.norm.ppf(p), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5])
def test_quantiles_reject_bad_probabilities(bad: float) -> None:
    with pytest.raises(ValueError):
        normal_quantile(bad)
    with pytest.raises(ValueError):
        t_quantile(bad, 10)


def test_t_quantile_rejects_bad_df() -> None:
    with pytest.raises(ValueError):
        t_quantile(0.9, 0)
