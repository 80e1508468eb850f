"""Compare two evaluation runs scored on the same items (paired data), and correct for multiple comparisons.

:func:`paired_compare` takes the per-item scores ``a`` (run A) and ``b`` (run B), aligned by item, and
works on the paired differences ``d = b - a``; ``diff = mean(b) - mean(a) = mean(d)`` (positive: B scores
higher). Tests (``test=``):

- ``"mcnemar_exact"`` (``"auto"`` when every score of both runs is 0 or 1): with ``n10`` items that A got
  right and B wrong and ``n01`` the reverse (``discordant = (n10, n01)``), ``diff = (n01 - n10) / n`` and
  the p-value is the exact two-sided binomial test of ``min(n10, n01)`` successes in ``n10 + n01`` trials
  at probability 1/2 (``= min(1, 2 P(X <= min(n10, n01)))``; 1 when ``n10 + n01 = 0``), as
  ``scipy.stats.binomtest(...).pvalue`` and ``statsmodels ... mcnemar(table, exact=True)``. The CI is
  Newcombe's (1998) hybrid score interval for a difference of paired proportions ("method 10"; Newcombe,
  *Stat. Med.* 17:2635-2650): Wilson score intervals ``(l_A, u_A)``, ``(l_B, u_B)`` for the two accuracies
  combined as ``L = diff - sqrt((p_B - l_B)^2 - 2 phi (p_B - l_B)(u_A - p_A) + (u_A - p_A)^2)``,
  ``U = diff + sqrt((u_B - p_B)^2 - 2 phi (u_B - p_B)(p_A - l_A) + (p_A - l_A)^2)``, with ``phi`` the
  continuity-corrected phi coefficient of the 2x2 table (``ad - bc`` replaced by ``max(ad - bc - n/2, 0)``
  when positive; ``phi = 0`` when a margin is empty). It always lies within [-1, 1], contains ``diff``, and
  keeps close to nominal coverage for small n and proportions near 0 or 1, where the Wald interval fails.
- ``"paired_bootstrap"`` (``"auto"`` otherwise): CI = the percentile bootstrap interval of ``mean(d)``
  (``iters`` resamples of the n pairs, quantiles by linear interpolation); p-value = the sign-flip
  permutation test below. The p-value is *not* taken from the bootstrap distribution: a bootstrap p-value
  (e.g. twice the share of replicates on the far side of 0) is only asymptotically valid, is
  anti-conservative for small n, and is 0 whenever no replicate crosses 0, whereas the sign-flip test is
  exact in finite samples under H0 "A and B are exchangeable within each pair" (the differences are
  symmetric about 0). With few distinct differences (as for 0/1 or 0/0.5/1 scores) a bootstrap resample is
  one multinomial draw of atom counts, which costs nothing.
- ``"permutation"``: the sign-flip (paired) permutation test of ``|sum(d)|``: the null distribution flips
  the sign of each non-zero difference independently (zeros cannot change). Exact enumeration of all
  ``2**m`` flips when the ``m`` non-zero differences number at most 20, or when they all have the same
  magnitude (then the null is binomial: the exact sign test, which for 0/1 scores *is* the exact McNemar
  test); otherwise ``iters`` random flips with ``p = (1 + #{|S*| >= |S|}) / (iters + 1)`` (Phipson & Smyth
  2010), which never reports 0. Two-sided; ``|S*| >= |S|`` is tested with a relative tolerance of 1e-10
  for rounding. The CI is the percentile bootstrap interval, as for ``"paired_bootstrap"``.
- ``"paired_t"``: the paired t-test, ``t = mean(d) / (sd(d) / sqrt(n))`` on ``n - 1`` degrees of
  freedom, and the t-interval ``mean(d) +/- t_{n-1} sd(d) / sqrt(n)`` (as ``scipy.stats.ttest_rel`` and
  its ``confidence_interval``). Needs n >= 2. When every difference is equal (``sd(d) = 0``) the CI is
  ``(diff, diff)`` and p is 1 if ``diff == 0`` else 0.

``mde`` (minimal detectable effect, the |diff| that would be detected with probability ``power`` at
two-sided level ``alpha`` with these n items): for ``"mcnemar_exact"``, Connor's (1987) McNemar power
formula at the observed discordance ``(n10 + n01) / n`` (see
:func:`lmms_eval.stats.power.minimal_detectable_effect_binary`); for every other test
``(z_{1-alpha/2} + z_{power}) * sd(d) / sqrt(n)`` (``sd`` with ddof=1; NaN when n = 1).

Results depend only on the inputs and ``seed`` (one ``numpy.random.SeedSequence(seed)``, split into
independent streams for the bootstrap and the permutation test). Swapping ``a`` and ``b`` negates ``diff``
and mirrors the CI (exactly for the analytic tests, up to rounding for the bootstrap: atoms are ordered by
first occurrence so the same draws are made) and keeps the p-value.

:func:`holm`, :func:`benjamini_hochberg` and :func:`adjust` correct a family of p-values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from lmms_eval.stats.distributions import betainc, t_cdf, t_quantile
from lmms_eval.stats.estimators import ArrayLike, wilson_interval
from lmms_eval.stats.power import minimal_detectable_effect_binary, minimal_detectable_effect_continuous

TESTS = ("auto", "mcnemar_exact", "paired_bootstrap", "permutation", "paired_t")
ADJUST_METHODS = ("holm", "bh", "none")
EXACT_MAX_NONZERO = 20  # exact sign-flip enumeration up to 2**20 sign vectors
CHUNK_ENTRIES = 1 << 22  # random draws per chunk
ATOMS_MAX_FRACTION = 16  # resample atom counts when (distinct values) * 16 <= n
TIE_RTOL = 1e-10  # |S*| >= |S| - TIE_RTOL * sum|d|: sums equal up to rounding count as ties


@dataclass(frozen=True)
class PairedResult:
    """The comparison of run B against run A on the same ``n`` items (see the module docstring).

    ``diff = mean_b - mean_a`` with its ``confidence`` CI ``(ci_low, ci_high)``; ``p_value``: two-sided, H0
    no difference; ``mde``: minimal detectable |diff| at this n; ``discordant``: for 0/1 scores,
    ``(A right & B wrong, A wrong & B right)``, else None.
    """

    test: str
    n: int
    mean_a: float
    mean_b: float
    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    mde: float
    discordant: tuple[int, int] | None = None
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if self.discordant is not None:
            out["discordant"] = list(self.discordant)
        return out


# -- helpers ------------------------------------------------------------------------------------------


def _scores(x: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one score per item), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        bad = int((~np.isfinite(arr)).sum())
        raise ValueError(
            f"{bad} of {len(arr)} scores in {name} are NaN or infinite; every score must be finite"
        )
    return arr


def _is_binary(x: np.ndarray) -> bool:
    return bool(np.all((x == 0.0) | (x == 1.0)))


def _check_unit(name: str, value: float) -> None:
    try:
        ok = not isinstance(value, bool) and 0.0 < float(value) < 1.0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{name} must be in (0, 1), got {value!r}")


def _chunks(total: int, rows: int) -> list[int]:
    return [min(rows, total - start) for start in range(0, total, rows)]


def binomial_two_sided_p(k: int, m: int) -> float:
    """Exact two-sided p-value of ``k`` successes in ``m`` Binomial(m, 1/2) trials:
    ``min(1, 2 P(X <= min(k, m - k)))``, via ``P(X <= j) = I_{1/2}(m - j, j + 1)``; 1 when m = 0."""
    if m < 0 or not 0 <= k <= m:
        raise ValueError(f"need 0 <= k <= m, got k={k}, m={m}")
    j = min(k, m - k)
    if 2 * j >= m:
        return 1.0
    return min(1.0, 2.0 * betainc(m - j, j + 1.0, 0.5))


def mcnemar_exact_p(n10: int, n01: int) -> float:
    """Exact McNemar p-value from the two discordant counts (binomial test at 1/2)."""
    return binomial_two_sided_p(n10, n10 + n01)


def newcombe_paired_interval(
    n11: int, n10: int, n01: int, n00: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Newcombe's (1998, method 10) hybrid score CI for ``p_B - p_A = (n01 - n10) / n`` from the paired
    2x2 table: ``n11`` both right, ``n10`` A right & B wrong, ``n01`` A wrong & B right, ``n00`` both wrong.
    """
    n = n11 + n10 + n01 + n00
    if n <= 0:
        raise ValueError("the paired table is empty")
    p_a, p_b = (n11 + n10) / n, (n11 + n01) / n
    diff = (n01 - n10) / n
    l_a, u_a = wilson_interval(p_a, n, confidence)
    l_b, u_b = wilson_interval(p_b, n, confidence)
    margins = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
    phi = 0.0
    if margins > 0:
        cross = n11 * n00 - n10 * n01
        if cross > n / 2.0:
            phi = (cross - n / 2.0) / math.sqrt(margins)
        elif cross < 0:
            phi = cross / math.sqrt(margins)
    db, ua = p_b - l_b, u_a - p_a
    ub, da = u_b - p_b, p_a - l_a
    low = diff - math.sqrt(max(0.0, db * db - 2.0 * phi * db * ua + ua * ua))
    high = diff + math.sqrt(max(0.0, ub * ub - 2.0 * phi * ub * da + da * da))
    return max(-1.0, low), min(1.0, high)


def bootstrap_mean_replicates(d: np.ndarray, iters: int, rng: np.random.Generator) -> np.ndarray:
    """``iters`` bootstrap replicates of ``mean(d)`` (n pairs drawn with replacement), shape (iters,).

    Few distinct values (``K * 16 <= n``): one multinomial draw of the K atom counts per resample, atoms
    in order of first occurrence (so ``-d`` gets the same draws). Otherwise index draws, in chunks.
    """
    n = len(d)
    values, first, counts = np.unique(d, return_index=True, return_counts=True)
    out: list[np.ndarray] = []
    if len(values) * ATOMS_MAX_FRACTION <= n:
        order = np.argsort(first, kind="stable")
        vals, freqs = values[order], counts[order] / n
        for rows in _chunks(iters, max(1, CHUNK_ENTRIES // len(vals))):
            draws = rng.multinomial(n, freqs, size=rows).astype(np.float64)
            out.append(draws @ vals / n)
    else:
        for rows in _chunks(iters, max(1, CHUNK_ENTRIES // n)):
            out.append(d[rng.integers(0, n, size=(rows, n))].mean(axis=1))
    return np.concatenate(out) if out else np.empty(0)


def _percentile_interval(reps: np.ndarray, confidence: float) -> tuple[float, float]:
    tail = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(reps, [tail, 1.0 - tail])
    return float(lo), float(hi)


def sign_flip_p(d: np.ndarray, iters: int, rng: np.random.Generator) -> float:
    """Two-sided sign-flip permutation p-value of ``|sum(d)|`` (see the module docstring)."""
    nonzero = d[d != 0]
    m = len(nonzero)
    if m == 0:
        return 1.0
    mags = np.abs(nonzero)
    observed = abs(float(nonzero.sum()))
    threshold = observed - TIE_RTOL * float(mags.sum())
    levels, level_counts = np.unique(mags, return_counts=True)
    if len(levels) == 1:  # all magnitudes equal: the null is binomial (exact sign test)
        return binomial_two_sided_p(int((nonzero > 0).sum()), m)
    if m <= EXACT_MAX_NONZERO:
        sums = np.zeros(1)
        for v in mags:
            sums = np.concatenate((sums + v, sums - v))
        return float(np.count_nonzero(np.abs(sums) >= threshold)) / len(sums)
    hits = 0
    total = float(mags.sum())
    if len(levels) * ATOMS_MAX_FRACTION <= m:
        # the number of positive signs among the k_v differences of magnitude v is Binomial(k_v, 1/2)
        for rows in _chunks(iters, max(1, CHUNK_ENTRIES // len(levels))):
            positive = rng.binomial(level_counts, 0.5, size=(rows, len(levels))).astype(np.float64)
            null = (2.0 * positive - level_counts) @ levels
            hits += int(np.count_nonzero(np.abs(null) >= threshold))
    else:
        # the signs come as w-bit codes, one per block of w differences; the sum of the magnitudes with a
        # positive sign in a block is looked up in a (blocks, 2**w) table: w times fewer operations
        width = 8 if m <= 1 << 17 else (4 if m <= 1 << 20 else 1)
        blocks = -(-m // width)
        padded = np.zeros(blocks * width)
        padded[:m] = mags
        subsets = (np.arange(1 << width)[:, None] >> np.arange(width)[None, :]) & 1
        table = (padded.reshape(blocks, width) @ subsets.T.astype(np.float64)).ravel()
        offsets = np.arange(blocks, dtype=np.int64) << width
        for rows in _chunks(iters, max(1, CHUNK_ENTRIES // blocks)):
            codes = rng.integers(0, 1 << width, size=(rows, blocks), dtype=np.uint8)
            null = 2.0 * np.take(table, codes + offsets).sum(axis=1) - total
            hits += int(np.count_nonzero(np.abs(null) >= threshold))
    return (1.0 + hits) / (iters + 1.0)


def _paired_t(d: np.ndarray, confidence: float) -> tuple[float, float, float]:
    n = len(d)
    mean = float(d.mean())
    se = float(np.std(d, ddof=1)) / math.sqrt(n)
    if se == 0.0:
        return mean, mean, 1.0 if mean == 0.0 else 0.0
    t = mean / se
    p = min(1.0, 2.0 * t_cdf(-abs(t), n - 1))
    q = t_quantile((1.0 + confidence) / 2.0, n - 1)
    return mean - q * se, mean + q * se, p


# -- the comparison -----------------------------------------------------------------------------------


def paired_compare(
    a: ArrayLike,
    b: ArrayLike,
    *,
    test: str = "auto",
    confidence: float = 0.95,
    alpha: float = 0.05,
    power: float = 0.8,
    iters: int = 10_000,
    seed: int = 0,
) -> PairedResult:
    """Compare run B against run A on the same items: ``diff = mean(b) - mean(a)``, its CI, a two-sided
    p-value and the minimal detectable effect (see the module docstring for each ``test``).

    ``a``, ``b``: per-item scores aligned by item (same length, finite). ``test``: ``"auto"`` (exact
    McNemar for 0/1 scores, paired bootstrap otherwise), ``"mcnemar_exact"`` (0/1 scores only),
    ``"paired_bootstrap"``, ``"permutation"`` or ``"paired_t"``. ``alpha``/``power``: for ``mde``.
    ``iters``: bootstrap resamples and random sign flips. Raises ``ValueError`` on bad input.
    """
    if test not in TESTS:
        raise ValueError(f"unknown paired test '{test}'; expected one of {', '.join(TESTS)}")
    _check_unit("confidence", confidence)
    _check_unit("alpha", alpha)
    _check_unit("power", power)
    if isinstance(iters, bool) or not isinstance(iters, int | np.integer) or iters < 1:
        raise ValueError(f"iters must be a positive integer, got {iters!r}")
    x, y = _scores(a, "a"), _scores(b, "b")
    if len(x) != len(y):
        raise ValueError(
            f"a and b must hold one score per item for the same items: got {len(x)} and {len(y)} scores"
        )
    n = len(x)
    if n == 0:
        raise ValueError("cannot compare runs on 0 items")
    binary = _is_binary(x) and _is_binary(y)
    if test == "auto":
        test = "mcnemar_exact" if binary else "paired_bootstrap"
    if test == "mcnemar_exact" and not binary:
        raise ValueError(
            "test 'mcnemar_exact' needs 0/1 scores in both runs; use 'paired_bootstrap' or 'paired_t'"
        )
    if test == "paired_t" and n < 2:
        raise ValueError("test 'paired_t' needs at least 2 paired items")

    d = y - x
    mean_a, mean_b = float(x.mean()), float(y.mean())
    discordant: tuple[int, int] | None = None
    if binary:
        discordant = (int(np.count_nonzero(d < 0)), int(np.count_nonzero(d > 0)))
    sd = float(np.std(d, ddof=1)) if n >= 2 else math.nan
    mde = minimal_detectable_effect_continuous(n, sd, alpha=alpha, power=power) if n >= 2 else math.nan

    if test == "mcnemar_exact":
        assert discordant is not None
        n10, n01 = discordant
        n11 = int(np.count_nonzero((x == 1.0) & (y == 1.0)))
        n00 = n - n11 - n10 - n01
        diff = (n01 - n10) / n
        lo, hi = newcombe_paired_interval(n11, n10, n01, n00, confidence)
        p = mcnemar_exact_p(n10, n01)
        mde = minimal_detectable_effect_binary(n, (n10 + n01) / n, alpha=alpha, power=power)
    elif test == "paired_t":
        diff = float(d.mean())
        lo, hi, p = _paired_t(d, confidence)
    else:  # paired_bootstrap, permutation
        diff = float(d.mean())
        boot_seq, perm_seq = np.random.SeedSequence(seed).spawn(2)
        reps = bootstrap_mean_replicates(d, int(iters), np.random.default_rng(boot_seq))
        lo, hi = _percentile_interval(reps, confidence)
        lo, hi = min(lo, diff), max(hi, diff)  # rounding in the replicates must not exclude the estimate
        p = sign_flip_p(d, int(iters), np.random.default_rng(perm_seq))
    return PairedResult(
        test=test,
        n=n,
        mean_a=mean_a,
        mean_b=mean_b,
        diff=diff,
        ci_low=float(lo),
        ci_high=float(hi),
        p_value=float(min(1.0, max(0.0, p))),
        mde=float(mde),
        discordant=discordant,
        confidence=confidence,
    )


# -- multiple comparisons -----------------------------------------------------------------------------


def _p_list(p_values: Sequence[float]) -> list[float]:
    out = [float(p) for p in p_values]
    for p in out:
        if not 0.0 <= p <= 1.0:  # also rejects NaN
            raise ValueError(f"p-values must be in [0, 1], got {p}")
    return out


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm (1979) step-down adjusted p-values, in input order: with ``p_(1) <= ... <= p_(m)``,
    ``adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))`` (= statsmodels ``multipletests(method="holm")``).
    Controls the family-wise error rate under any dependence."""
    ps = _p_list(p_values)
    m = len(ps)
    order = sorted(range(m), key=ps.__getitem__)
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg (1995) adjusted p-values (q-values), in input order: with
    ``p_(1) <= ... <= p_(m)``, ``adj_(i) = min_{j >= i} min(1, m p_(j) / j)`` (= statsmodels
    ``multipletests(method="fdr_bh")``). Controls the false discovery rate for independent or positively
    dependent tests."""
    ps = _p_list(p_values)
    m = len(ps)
    order = sorted(range(m), key=ps.__getitem__)
    out = [0.0] * m
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, m * ps[i] / (rank + 1))
        out[i] = running
    return out


def adjust(p_values: Sequence[float], method: str) -> list[float]:
    """Adjusted p-values by ``method``: ``"holm"`` (family-wise error), ``"bh"`` (false discovery rate,
    Benjamini-Hochberg) or ``"none"`` (unchanged)."""
    if method == "holm":
        return holm(p_values)
    if method == "bh":
        return benjamini_hochberg(p_values)
    if method == "none":
        return _p_list(p_values)
    raise ValueError(f"unknown p-value adjustment '{method}'; expected one of {', '.join(ADJUST_METHODS)}")
