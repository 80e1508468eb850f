"""``lmms-eval gate RUN --require "task.metric>=V" [--baseline RUN_B --no-regression]``: a CI quality gate.

Exit 0: every check passed; 1: a check failed; 2: bad input (not a run, unparsable requirement, unknown
task or metric, no samples in common with the baseline). Prints a markdown summary and appends it to the
file named by ``$GITHUB_STEP_SUMMARY`` when that variable is set (GitHub Actions job summary).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_gate_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("run", metavar="RUN", help="the run folder (or its results.json) to check")
    p.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="TASK.METRIC<OP>VALUE",
        help='a threshold, e.g. "mmmu_val.acc>=0.60" (OP: >= > <= < ==), in the units of results.json; repeatable',
    )
    p.add_argument("--baseline", metavar="RUN_B", help="a baseline run to compare with")
    p.add_argument(
        "--no-regression",
        dest="no_regression",
        action="store_true",
        help="fail when a metric is significantly worse than in --baseline",
    )
    p.add_argument(
        "--alpha", type=float, default=0.05, help="significance level of --no-regression (default 0.05)"
    )
    p.add_argument(
        "--correction",
        choices=("holm", "bh", "none"),
        default="holm",
        help="multiple-comparison adjustment over the baseline comparison (default holm)",
    )
    p.add_argument(
        "--test",
        choices=("auto", "mcnemar_exact", "paired_bootstrap", "permutation", "paired_t"),
        default="auto",
        help="paired test for the baseline comparison (default auto)",
    )
    p.add_argument("--iters", type=int, default=10_000, help="resamples for bootstrap/permutation tests")
    p.add_argument("--seed", type=int, default=0, help="seed of the resampling tests")
    p.add_argument("--json", dest="json_path", metavar="FILE", help="also write the gate report as JSON")


def _append_summary(text: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")


def run_gate(args: argparse.Namespace) -> int:
    from lmms_eval.core.errors import LmmsEvalError

    try:
        from lmms_eval.compare.gate import evaluate_gate, render_gate_markdown
        from lmms_eval.compare.runs import load_run, unique_labels

        run = load_run(args.run)
        baseline = load_run(args.baseline) if args.baseline else None
        if baseline is not None:
            unique_labels([baseline, run])
        report = evaluate_gate(
            run,
            args.require,
            baseline=baseline,
            no_regression=args.no_regression,
            alpha=args.alpha,
            correction=args.correction,
            test=args.test,
            iters=args.iters,
            seed=args.seed,
        )
    except LmmsEvalError as exc:
        _append_summary(f"## ⚠️ lmms-eval gate: invalid input\n\n```\n{exc}\n```\n")
        raise
    text = render_gate_markdown(report)
    print(text, end="")
    _append_summary(text)
    if args.json_path:
        out = Path(args.json_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    if not report.passed:
        print(f"gate failed: {len(report.failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0
