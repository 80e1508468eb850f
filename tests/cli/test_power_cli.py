"""``lmms-eval power``: sample size, power and minimal detectable effect (Connor 1987 for McNemar, the
noncentral t for paired t), checked against scipy/statsmodels."""

from __future__ import annotations

import json
import math

import pytest
from conftest import run_cli
from scipy.stats import norm

from lmms_eval.cli.main import main


def power_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, float]:
    assert main(["power", *args, "--format", "json"]) == 0
    out: dict[str, float] = json.loads(capsys.readouterr().out)
    return out


def connor_n(effect: float, psi: float, alpha: float = 0.05, power: float = 0.8) -> int:
    za, zb = norm.ppf(1 - alpha / 2), norm.ppf(power)
    return math.ceil((za * math.sqrt(psi) + zb * math.sqrt(psi - effect**2)) ** 2 / effect**2)


def test_binary_sample_size(capsys: pytest.CaptureFixture[str]) -> None:
    r = power_json(capsys, "--baseline", "0.70", "--effect", "0.03", "--discordance", "0.2")
    assert r["n"] == connor_n(0.03, 0.2)
    # without --discordance: independent errors, p1 (1 - p2) + p2 (1 - p1)
    r = power_json(capsys, "--baseline", "0.70", "--effect", "0.03", "--alpha", "0.01", "--power", "0.9")
    psi = 0.7 * 0.27 + 0.73 * 0.3
    assert r["discordance_assumed"] == pytest.approx(psi) and r["n"] == connor_n(0.03, psi, 0.01, 0.9)


def test_binary_power_and_mde_at_n(capsys: pytest.CaptureFixture[str]) -> None:
    r = power_json(capsys, "--baseline", "0.70", "--effect", "0.03", "--discordance", "0.2", "--n", "1000")
    za = norm.ppf(0.975)
    expected = norm.cdf((math.sqrt(1000) * 0.03 - za * math.sqrt(0.2)) / math.sqrt(0.2 - 0.03**2))
    assert r["achieved_power"] == pytest.approx(expected, rel=1e-9)
    # the MDE is where the power reaches 80%
    assert r["mde"] > 0.03
    again = power_json(
        capsys, "--baseline", "0.70", "--effect", f"{r['mde']:.12f}", "--discordance", "0.2", "--n", "1000"
    )
    assert again["achieved_power"] == pytest.approx(0.8, abs=1e-6)
    # without a discordance, the larger of the up/down MDEs at independent errors
    r = power_json(capsys, "--baseline", "0.70", "--n", "500")
    assert 0 < r["mde"] < 0.3


def test_continuous(capsys: pytest.CaptureFixture[str]) -> None:
    from statsmodels.stats.power import TTestPower

    r = power_json(capsys, "--sd-diff", "0.3", "--effect", "0.05")
    assert r["n"] == math.ceil(TTestPower().solve_power(0.05 / 0.3, alpha=0.05, power=0.8))
    r = power_json(capsys, "--sd-diff", "0.3", "--effect", "0.05", "--n", "200")
    assert r["achieved_power"] == pytest.approx(TTestPower().power(0.05 / 0.3, 200, 0.05), rel=1e-6)
    assert r["mde"] == pytest.approx((norm.ppf(0.975) + norm.ppf(0.8)) * 0.3 / math.sqrt(200))


def test_text_output_and_bad_input() -> None:
    r = run_cli("power", "--baseline", "0.70", "--effect", "0.03", "--discordance", "0.2")
    assert r.returncode == 0 and f"items needed for 80% power: {connor_n(0.03, 0.2)}" in r.stdout
    r = run_cli("power", "--baseline", "70", "--effect", "3")
    assert r.returncode == 2 and "did you mean 0.7?" in r.stderr
    r = run_cli("power", "--baseline", "0.7", "--effect", "0.05", "--discordance", "0.01")
    assert r.returncode == 2 and "discordance" in r.stderr
    r = run_cli("power", "--effect", "0.03")
    assert r.returncode == 2 and "--baseline" in r.stderr
    r = run_cli("power", "--baseline", "0.7")
    assert r.returncode == 2 and "--effect" in r.stderr
