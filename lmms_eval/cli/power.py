"""``lmms-eval power``: how many items a paired comparison needs, or what a given number of items buys.

- 0/1 metrics (accuracy; exact McNemar test): ``--baseline P --effect D [--discordance F]`` -> items
  needed; with ``--n N``: the power to detect ``D`` and the minimal detectable effect (MDE).
- continuous metrics (paired t): ``--sd-diff S --effect D`` -> items needed; with ``--n N``: power and MDE.

Proportions are fractions (0.70, not 70). ``--discordance`` is the expected share of items on which the
two models disagree (one right, the other wrong); without it the stats module's default is used (see
docs/compare_and_gate.md).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from typing import Any


def add_power_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--baseline", type=float, help="baseline score of a 0/1 metric, as a fraction (0.70)")
    p.add_argument("--effect", type=float, help="the difference to detect, in the metric's units (0.03)")
    p.add_argument("--alpha", type=float, default=0.05, help="two-sided significance level (default 0.05)")
    p.add_argument("--power", type=float, default=0.8, help="desired power (default 0.8)")
    p.add_argument(
        "--discordance",
        type=float,
        help="expected fraction of items where exactly one run is right (0/1 metrics; e.g. 0.2)",
    )
    p.add_argument(
        "--n", type=int, help="items available: report power and minimal detectable effect instead"
    )
    p.add_argument(
        "--sd-diff",
        dest="sd_diff",
        type=float,
        help="standard deviation of the per-item difference (continuous metrics: paired t)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def _bisect(ok: Callable[[float], bool], lo: float, hi: float, iters: int = 60) -> float | None:
    """The smallest x in [lo, hi] with ok(x) (ok monotone: False then True), or None if ok(hi) is False."""
    if not ok(hi):
        return None
    for _ in range(iters):
        mid = (lo + hi) / 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _check(args: argparse.Namespace) -> None:
    from lmms_eval.core.errors import ConfigError

    if not 0 < args.alpha < 1:
        raise ConfigError(f"--alpha must be between 0 and 1, got {args.alpha}")
    if not 0 < args.power < 1:
        raise ConfigError(f"--power must be between 0 and 1, got {args.power}")
    if args.n is not None and args.n < 2:
        raise ConfigError(f"--n must be at least 2, got {args.n}")
    if args.discordance is not None and not 0 < args.discordance <= 1:
        raise ConfigError(f"--discordance must be a fraction in (0, 1], got {args.discordance}")
    if args.sd_diff is not None:
        if args.sd_diff <= 0:
            raise ConfigError(f"--sd-diff must be positive, got {args.sd_diff}")
        if args.effect is None and args.n is None:
            raise ConfigError(
                "with --sd-diff give --effect (items needed) or --n (power / detectable effect)"
            )
        return
    if args.baseline is None:
        if args.n is not None and args.discordance is not None and args.effect is None:
            return  # MDE from n and discordance alone
        raise ConfigError(
            "give --baseline P (a 0/1 metric's score as a fraction) with --effect D or --n N, "
            "or --sd-diff S for a continuous metric"
        )
    if not 0 < args.baseline < 1:
        hint = f" (did you mean {args.baseline / 100:g}?)" if 1 < args.baseline < 100 else ""
        raise ConfigError(
            f"--baseline must be a fraction strictly between 0 and 1, got {args.baseline}{hint}"
        )
    if args.effect is None and args.n is None:
        raise ConfigError("give --effect D (items needed) or --n N (power / detectable effect)")
    if args.effect is not None:
        if args.effect == 0:
            raise ConfigError("--effect must not be 0")
        if not 0 <= args.baseline + args.effect <= 1:
            raise ConfigError(
                f"--baseline {args.baseline:g} + --effect {args.effect:g} leaves [0, 1]; effects are fractions too"
            )


def _binary(args: argparse.Namespace) -> dict[str, Any]:
    from lmms_eval.stats.power import (
        minimal_detectable_effect_binary,
        paired_binary_power,
        paired_binary_sample_size,
    )

    out: dict[str, Any] = {
        "kind": "binary",
        "test": "mcnemar_exact",
        "baseline": args.baseline,
        "effect": args.effect,
        "discordance": args.discordance,
        "alpha": args.alpha,
        "power": args.power,
    }
    if args.discordance is None and args.baseline is not None:
        from lmms_eval.stats.power import independence_discordance

        p2 = args.baseline + (args.effect or 0.0)
        out["discordance_assumed"] = independence_discordance(args.baseline, p2)
    if args.n is None:
        out["n"] = paired_binary_sample_size(
            args.baseline, args.effect, discordance=args.discordance, alpha=args.alpha, power=args.power
        )
        return out
    out["n"] = args.n
    if args.effect is not None:
        out["achieved_power"] = paired_binary_power(
            args.n, args.baseline, args.effect, discordance=args.discordance, alpha=args.alpha
        )
    if args.discordance is not None:
        out["mde"] = minimal_detectable_effect_binary(
            args.n, args.discordance, alpha=args.alpha, power=args.power
        )
    else:
        # discordance implied by independent errors (the stats default): the smallest change either way
        # (up or down) reaching the power; the larger of the two is reported
        p = args.baseline

        def reaches(sign: float) -> Callable[[float], bool]:
            return lambda d: paired_binary_power(args.n, p, sign * d, alpha=args.alpha) >= args.power

        ups = [_bisect(reaches(1.0), 1e-9, 1.0 - p), _bisect(reaches(-1.0), 1e-9, p)]
        out["mde"] = None if any(m is None for m in ups) else max(m for m in ups if m is not None)
    return out


def _continuous(args: argparse.Namespace) -> dict[str, Any]:
    from lmms_eval.stats.power import (
        minimal_detectable_effect_continuous,
        paired_continuous_power,
        paired_continuous_sample_size,
    )

    sd = args.sd_diff
    out: dict[str, Any] = {
        "kind": "continuous",
        "test": "paired_t",
        "effect": args.effect,
        "sd_diff": sd,
        "alpha": args.alpha,
        "power": args.power,
    }
    if args.n is None:
        out["n"] = paired_continuous_sample_size(args.effect, sd, alpha=args.alpha, power=args.power)
        return out
    out["n"] = args.n
    if args.effect is not None:
        out["achieved_power"] = paired_continuous_power(args.n, args.effect, sd, alpha=args.alpha)
    out["mde"] = minimal_detectable_effect_continuous(args.n, sd, alpha=args.alpha, power=args.power)
    return out


def _text(r: dict[str, Any]) -> str:
    alpha, power = r["alpha"], r["power"]
    lines = []
    if r["kind"] == "binary":
        lines.append(f"Paired comparison of a 0/1 metric (exact McNemar test), two-sided alpha = {alpha:g}")
        if r["baseline"] is not None:
            desc = f"  baseline {r['baseline']:.3f}"
            if r["effect"] is not None:
                desc += f" -> {r['baseline'] + r['effect']:.3f} (effect {r['effect']:+.3f})"
            lines.append(desc)
        disc = r["discordance"]
        if disc is not None:
            lines.append(f"  discordant items (one run right, the other wrong): {disc:.1%}")
        else:
            assumed = r.get("discordance_assumed")
            shown = f" {assumed:.1%}" if assumed is not None else ""
            lines.append(
                f"  discordant items: not given; assuming independent errors{shown} (conservative: models "
                "usually fail on the same items; pass --discordance from two earlier runs)"
            )
    else:
        lines.append(f"Paired comparison of a continuous metric (paired t test), two-sided alpha = {alpha:g}")
        desc = f"  sd of the per-item difference {r['sd_diff']:g}"
        if r["effect"] is not None:
            desc += f", effect {r['effect']:+g}"
        lines.append(desc)
    if "achieved_power" not in r and "mde" not in r:
        lines.append(f"  items needed for {power:.0%} power: {r['n']} (the same items in both runs)")
        return "\n".join(lines)
    lines.append(f"  with n = {r['n']} items:")
    if "achieved_power" in r:
        ap = r["achieved_power"]
        shown = "-" if ap is None else f"{ap:.1%}"
        lines.append(f"    power to detect an effect of {r['effect']:+g}: {shown}")
    if "mde" in r:
        mde = r["mde"]
        shown = "not reachable at this n" if mde is None else f"±{mde:.4g}"
        lines.append(f"    minimal detectable effect at {power:.0%} power: {shown}")
    return "\n".join(lines)


def run_power(args: argparse.Namespace) -> int:
    from lmms_eval.core.errors import ConfigError

    _check(args)
    try:
        result = _continuous(args) if args.sd_diff is not None else _binary(args)
    except ValueError as exc:
        raise ConfigError(f"power: {exc}") from exc
    for k, v in result.items():
        if isinstance(v, float) and not math.isfinite(v):
            result[k] = None
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(_text(result))
    return 0
