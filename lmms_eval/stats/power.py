"""Sample size, power and minimal detectable effect for comparing two models on the same items.

Notation: ``z_a = z_{1 - alpha/2}`` (two-sided test), ``z_b = z_{power}``, both standard normal quantiles.

**Binary scores (accuracy), McNemar's test** -- Connor (1987), "Sample size for testing differences in
proportions for the paired-sample design", *Biometrics* 43:207-211. Model A scores ``p_baseline``, model B
``p_baseline + effect``; ``psi`` (*discordance*) is the probability that the two models disagree on an
item (one right, the other wrong), ``delta = effect`` the difference in accuracy, ``|delta| <= psi``:

- sample size: ``n = ceil( (z_a * sqrt(psi) + z_b * sqrt(psi - delta**2))**2 / delta**2 )``;
- power at ``n``: ``Phi( (sqrt(n) * |delta| - z_a * sqrt(psi)) / sqrt(psi - delta**2) )`` (the far tail
  is ignored, as in Connor's derivation);
- when ``discordance`` is not given, it is the value implied by *independent* errors,
  ``psi = p1 (1 - p2) + p2 (1 - p1)`` with ``p1 = p_baseline``, ``p2 = p_baseline + effect``. Two models
  scored on the same items usually fail on the same hard items (positive correlation), so the real
  discordance is usually lower and this default errs towards *more* items (conservative). Pass the
  discordance observed between two earlier runs for a sharper answer;
- minimal detectable effect at ``n`` for discordance ``psi``: the ``delta`` at which the power above
  reaches ``power``. Solving Connor's equation for ``delta`` gives, with
  ``g = (sqrt(n) z_a + z_b sqrt(n - z_a**2 + z_b**2)) / (n + z_b**2)``, ``delta = g * sqrt(psi)``. An
  effect can never exceed the discordance (``|delta| <= psi``), so when ``g * sqrt(psi) > psi`` the
  discordance is raised to the effect itself (``psi = delta``: all disagreements favour one model), which
  gives ``delta = g**2``. Hence ``mde = g * sqrt(psi)`` if ``g <= sqrt(psi)`` else ``g**2``: it is never 0,
  even when no disagreement was observed. ``inf`` when ``n <= z_a**2`` (no effect is detectable).

**Continuous scores, paired t-test** -- the power of the two-sided one-sample t-test on the ``n`` paired
differences with standardized effect ``effect / sd_diff``, computed exactly from the noncentral t
distribution (``power = P(|T'| > t_{1-alpha/2, n-1})``, ``T' ~ t'(n - 1, effect * sqrt(n) / sd_diff)``,
the same quantity as ``statsmodels.stats.power.TTestPower``); the noncentral t CDF is the series of
Lenth (1989), *Applied Statistics* algorithm AS 243, on the incomplete beta function. The sample size is
the smallest ``n >= 2`` whose power reaches ``power``. The minimal detectable effect (normal
approximation, as in :func:`lmms_eval.stats.paired.paired_compare`) is ``(z_a + z_b) * sd_diff / sqrt(n)``.

The module itself is pure Python (no numpy, no scipy).
"""

from __future__ import annotations

import math
import operator
from statistics import NormalDist

from lmms_eval.stats.distributions import betainc, normal_quantile, t_quantile

_NORMAL = NormalDist()
_MAX_N = 10**12  # sample sizes beyond this are reported as errors (an effect far too small to detect)


def _number(name: str, value: object) -> float:
    """``value`` as a finite float, or a ValueError naming ``name``."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return x


def _check_open_unit(name: str, value: float) -> None:
    if not 0.0 < _number(name, value) < 1.0:
        raise ValueError(f"{name} must be a probability in (0, 1), got {value!r}")


def _check_effect(effect: float) -> None:
    _number("effect", effect)
    if effect == 0:
        raise ValueError("effect must be non-zero: a zero difference cannot be detected at any sample size")


def _check_n(n: int, minimum: int = 1) -> int:
    try:
        m = operator.index(n)
    except TypeError:
        m = None
    if m is None or isinstance(n, bool) or m < minimum:
        raise ValueError(f"n must be an integer >= {minimum}, got {n!r}")
    return m


def _z_alpha(alpha: float) -> float:
    _check_open_unit("alpha", alpha)
    return normal_quantile(1.0 - alpha / 2.0)


def _z_power(power: float) -> float:
    _check_open_unit("power", power)
    return normal_quantile(power)


# -- binary (McNemar) ---------------------------------------------------------------------------------


def independence_discordance(p1: float, p2: float) -> float:
    """``p1 (1 - p2) + p2 (1 - p1)``: the chance two models with accuracies p1, p2 disagree on an item
    when their errors are independent."""
    return p1 * (1.0 - p2) + p2 * (1.0 - p1)


def _binary_discordance(p_baseline: float, effect: float, discordance: float | None) -> float:
    _check_open_unit("p_baseline", p_baseline)
    _check_effect(effect)
    p2 = p_baseline + effect
    if not 0.0 <= p2 <= 1.0:
        raise ValueError(
            f"p_baseline + effect = {p2:g} is not an accuracy in [0, 1] (p_baseline={p_baseline:g}, "
            f"effect={effect:g})"
        )
    if discordance is None:
        return independence_discordance(p_baseline, p2)
    discordance = _number("discordance", discordance)
    if not abs(effect) <= discordance <= 1.0:
        raise ValueError(
            f"discordance must be >= |effect| ({abs(effect):g}) and <= 1, got {discordance:g}: the accuracy "
            "difference comes from the items where the two models disagree, so it cannot exceed their share"
        )
    # P(A right, B wrong) <= P(A right) and P(A wrong, B right) <= P(A wrong), hence these bounds
    upper = min(p_baseline + p2, 2.0 - p_baseline - p2)
    if discordance > upper + 1e-12:
        raise ValueError(
            f"discordance {discordance:g} is impossible for accuracies {p_baseline:g} and {p2:g}: the models "
            f"can disagree on at most {upper:g} of the items"
        )
    return float(discordance)


def _connor_n(delta: float, psi: float, z_a: float, z_b: float) -> float:
    """Connor (1987): ``(z_a sqrt(psi) + z_b sqrt(psi - delta^2))^2 / delta^2`` (real-valued)."""
    return (z_a * math.sqrt(psi) + z_b * math.sqrt(max(psi - delta * delta, 0.0))) ** 2 / (delta * delta)


def _connor_power(n: int, delta: float, psi: float, z_a: float) -> float:
    """Connor (1987): ``Phi((sqrt(n) |delta| - z_a sqrt(psi)) / sqrt(psi - delta^2))``."""
    num = math.sqrt(n) * abs(delta) - z_a * math.sqrt(psi)
    var = psi - delta * delta
    if var <= 0.0:  # |delta| = psi = 1: every item discordant in the same direction, no sampling variance
        return 1.0 if num > 0 else (0.5 if num == 0 else 0.0)
    return _NORMAL.cdf(num / math.sqrt(var))


def paired_binary_sample_size(
    p_baseline: float,
    effect: float,
    *,
    discordance: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Items needed for McNemar's test to detect an accuracy change ``effect`` (B minus A, e.g. +0.03)
    from ``p_baseline`` with probability ``power`` at two-sided level ``alpha`` (Connor 1987; see the
    module docstring). ``discordance``: expected fraction of items on which the two models disagree;
    ``None`` -> the value under independent errors, ``p1 (1 - p2) + p2 (1 - p1)`` (conservative)."""
    psi = _binary_discordance(p_baseline, effect, discordance)
    z_a, z_b = _z_alpha(alpha), _z_power(power)
    n = _connor_n(effect, psi, z_a, z_b)
    if n > _MAX_N:
        raise ValueError(f"effect {effect:g} needs more than {_MAX_N:g} items to detect")
    return max(1, math.ceil(n - 1e-9))


def paired_binary_power(
    n: int,
    p_baseline: float,
    effect: float,
    *,
    discordance: float | None = None,
    alpha: float = 0.05,
) -> float:
    """Approximate power of McNemar's test with ``n`` paired items to detect an accuracy change ``effect``
    from ``p_baseline`` (Connor 1987; ``discordance`` as in :func:`paired_binary_sample_size`)."""
    n = _check_n(n)
    psi = _binary_discordance(p_baseline, effect, discordance)
    return _connor_power(n, effect, psi, _z_alpha(alpha))


def minimal_detectable_effect_binary(
    n: int, discordance: float, *, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Smallest accuracy difference ``|delta|`` that McNemar's test detects with probability ``power`` at
    level ``alpha`` with ``n`` items and discordance ``discordance`` (fraction of items where the models
    disagree; it is raised to ``|delta|`` when lower, since no effect can exceed it). Inverts Connor's
    (1987) formula; see the module docstring. ``inf`` when even a unanimous flip of every item would not
    reach significance (``n <= z_{1-alpha/2}^2``, i.e. n <= 3 at alpha = 0.05)."""
    n = _check_n(n)
    if not 0.0 <= _number("discordance", discordance) <= 1.0:
        raise ValueError(f"discordance must be in [0, 1], got {discordance!r}")
    z_a, z_b = _z_alpha(alpha), _z_power(power)
    if n <= z_a * z_a:
        return math.inf
    g = (math.sqrt(n) * z_a + z_b * math.sqrt(n - z_a * z_a + z_b * z_b)) / (n + z_b * z_b)
    root = math.sqrt(discordance)
    mde = g * root if g <= root else g * g
    return mde if mde <= 1.0 else math.inf


# -- continuous (paired t) ----------------------------------------------------------------------------


def _nct_cdf_nonneg(t: float, df: float, nc: float) -> float:
    """``P(T' <= t)`` for noncentral t, ``t >= 0`` (Lenth 1989, AS 243):
    ``Phi(-nc) + 1/2 sum_j [p_j I_x(j + 1/2, df/2) + q_j I_x(j + 1, df/2)]``, ``x = t^2 / (t^2 + df)``,
    ``p_j = e^{-lam} lam^j / j!``, ``q_j = nc e^{-lam} lam^j / (sqrt(2) Gamma(j + 3/2))``, ``lam = nc^2/2``."""
    base = _NORMAL.cdf(-nc)
    if t <= 0.0:
        return base
    x = t * t / (t * t + df)
    lam = nc * nc / 2.0
    half_df = df / 2.0
    spread = 12.0 * math.sqrt(lam) + 40.0
    lo, hi = max(0, int(lam - spread)), int(lam + spread) + 1
    log_lam = math.log(lam) if lam > 0 else -math.inf
    total = 0.0
    for j in range(lo, hi + 1):
        log_w = -lam + (j * log_lam if j else 0.0)
        p_j = math.exp(log_w - math.lgamma(j + 1.0))
        q_j = nc / math.sqrt(2.0) * math.exp(log_w - math.lgamma(j + 1.5))
        if p_j == 0.0 and q_j == 0.0:
            continue
        total += p_j * betainc(j + 0.5, half_df, x) + q_j * betainc(j + 1.0, half_df, x)
    return min(1.0, max(0.0, base + 0.5 * total))


def nct_cdf(t: float, df: float, nc: float) -> float:
    """CDF of the noncentral t distribution with ``df`` degrees of freedom and noncentrality ``nc``."""
    if df <= 0:
        raise ValueError(f"df must be positive, got {df}")
    if t >= 0:
        return _nct_cdf_nonneg(t, df, nc)
    return 1.0 - _nct_cdf_nonneg(-t, df, -nc)


def paired_continuous_power(n: int, effect: float, sd_diff: float, *, alpha: float = 0.05) -> float:
    """Power of the two-sided paired t-test with ``n`` pairs to detect a mean difference ``effect`` when
    the differences have standard deviation ``sd_diff`` (exact, noncentral t; equals
    ``statsmodels.stats.power.TTestPower().power(effect / sd_diff, n, alpha)``)."""
    n = _check_n(n, 2)
    _check_effect(effect)
    _check_sd(sd_diff)
    _check_open_unit("alpha", alpha)
    df = n - 1.0
    crit = t_quantile(1.0 - alpha / 2.0, df)
    nc = abs(effect) / sd_diff * math.sqrt(n)
    upper = 1.0 - nct_cdf(crit, df, nc)
    lower = 1.0 - _nct_cdf_nonneg(crit, df, -nc)  # P(T' <= -crit) = 1 - P(T'(-nc) <= crit)
    return min(1.0, max(0.0, upper + lower))


def _check_sd(sd_diff: float) -> None:
    if not _number("sd_diff", sd_diff) > 0:
        raise ValueError(f"sd_diff must be a positive finite number, got {sd_diff!r}")


def paired_continuous_sample_size(
    effect: float, sd_diff: float, *, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Pairs needed for the two-sided paired t-test to detect a mean difference ``effect`` with
    probability ``power`` at level ``alpha``, when the per-item differences have standard deviation
    ``sd_diff``: the smallest ``n >= 2`` with :func:`paired_continuous_power` ``>= power`` (the ceiling of
    ``statsmodels.stats.power.TTestPower().solve_power``)."""
    _check_effect(effect)
    _check_sd(sd_diff)
    z_a, z_b = _z_alpha(alpha), _z_power(power)
    approx = ((z_a + z_b) * sd_diff / effect) ** 2  # normal approximation; the t-test needs slightly more
    if approx > _MAX_N:
        raise ValueError(
            f"effect {effect:g} (sd_diff {sd_diff:g}) needs more than {_MAX_N:g} pairs to detect"
        )
    n = max(2, math.floor(approx))

    def enough(m: int) -> bool:
        return paired_continuous_power(m, effect, sd_diff, alpha=alpha) >= power

    if enough(n):
        while n > 2 and enough(n - 1):
            n -= 1
        return n
    step = 1
    while not enough(n + step):  # gallop up, then bisect
        step *= 2
    lo, hi = n + step // 2, n + step  # enough(hi), not enough(lo) (lo = n when step == 1)
    if step == 1:
        return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if enough(mid):
            hi = mid
        else:
            lo = mid
    return hi


def minimal_detectable_effect_continuous(
    n: int, sd_diff: float, *, alpha: float = 0.05, power: float = 0.8
) -> float:
    """``(z_{1-alpha/2} + z_{power}) * sd_diff / sqrt(n)``: the normal-approximation minimal detectable
    mean difference with ``n`` pairs whose differences have standard deviation ``sd_diff`` (>= 0)."""
    n = _check_n(n)
    if not _number("sd_diff", sd_diff) >= 0:
        raise ValueError(f"sd_diff must be a non-negative finite number, got {sd_diff!r}")
    return (_z_alpha(alpha) + _z_power(power)) * sd_diff / math.sqrt(n)
