"""``lmms-eval compare RUN_A RUN_B [RUN_C ...]``: paired comparison of runs on the docs they share.

The first run is the baseline; every later run is compared with it. Exit 0 on success, 2 on bad input
(not a run, no samples in common, unknown --test/--correction).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TESTS = ("auto", "mcnemar_exact", "paired_bootstrap", "permutation", "paired_t")


def add_compare_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "runs",
        nargs="+",
        metavar="RUN",
        help="run folders (or their results.json); the first is the baseline",
    )
    p.add_argument(
        "--test",
        choices=TESTS,
        default="auto",
        help="auto (default): exact McNemar for 0/1 scores, a paired resampling test otherwise",
    )
    p.add_argument(
        "--correction",
        choices=("holm", "bh", "none"),
        default="holm",
        help="multiple-comparison adjustment across the table (default holm)",
    )
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument(
        "--confidence", type=float, default=0.95, help="confidence of the intervals (default 0.95)"
    )
    p.add_argument(
        "--power", type=float, default=0.8, help="power for the minimal detectable effect (default 0.8)"
    )
    p.add_argument("--iters", type=int, default=10_000, help="resamples for bootstrap/permutation tests")
    p.add_argument("--seed", type=int, default=0, help="seed of the resampling tests")
    p.add_argument(
        "--tasks", help="comma-separated tasks or groups to compare (default: all in the baseline)"
    )
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table", help="output format")
    p.add_argument("--output", help="write the output to this file instead of stdout")


def run_compare(args: argparse.Namespace) -> int:
    from lmms_eval.compare.runs import load_run, unique_labels
    from lmms_eval.compare.table import compare_runs, render
    from lmms_eval.core.errors import ConfigError

    if len(args.runs) < 2:
        raise ConfigError(
            "compare needs at least two runs: RUN_A RUN_B [RUN_C ...] (the first is the baseline)"
        )
    runs = [load_run(p) for p in args.runs]
    unique_labels(runs)
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()] if args.tasks else None
    report = compare_runs(
        runs,
        test=args.test,
        correction=args.correction,
        alpha=args.alpha,
        confidence=args.confidence,
        power=args.power,
        iters=args.iters,
        seed=args.seed,
        tasks=tasks,
    )
    text = render(report, args.format)
    if args.format != "table":
        for w in report.warnings:
            print(f"warning: {w}", file=sys.stderr)
    if args.output:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        print(f"Wrote {out}", file=sys.stderr)
    else:
        print(text)
    return 0
