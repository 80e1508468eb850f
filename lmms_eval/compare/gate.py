"""Quality gates on a finished run: thresholds (``--require "task.metric>=value"``) and no significant
regression against a baseline run. Values are in the metric's units as results.json reports them (a
``scale: 100`` accuracy is in percent)."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from lmms_eval.compare.runs import Run
from lmms_eval.compare.table import (
    CompareReport,
    CompareRow,
    compare_runs,
    fmt_num,
    fmt_p,
    markdown_table,
)
from lmms_eval.core.errors import ConfigError, closest
from lmms_eval.results.schema import MetricResult


def _eq(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": _eq,
    ">": operator.gt,
    "<": operator.lt,
}

_REQ = re.compile(r"^\s*(?P<name>[^<>=!\s][^<>=!]*?)\s*(?P<op>>=|<=|==|>|<)\s*(?P<value>\S+)\s*$")


@dataclass(frozen=True)
class Requirement:
    text: str
    name: str  # "task.metric" as written
    op: str
    threshold: float


def parse_requirement(text: str) -> Requirement:
    """``"mmmu_val.acc>=0.60"`` -> Requirement; operators ``>= > <= < ==``."""
    m = _REQ.match(text)
    if not m:
        raise ConfigError(
            f"invalid requirement '{text}': expected TASK.METRIC OP VALUE with OP one of "
            f'{" ".join(OPERATORS)}, e.g. "mmmu_val.acc>=0.60"'
        )
    name, op, raw = m.group("name").strip(), m.group("op"), m.group("value")
    try:
        threshold = float(raw.rstrip("%"))
    except ValueError:
        raise ConfigError(f"invalid requirement '{text}': '{raw}' is not a number") from None
    if not math.isfinite(threshold):
        raise ConfigError(f"invalid requirement '{text}': the threshold must be a finite number")
    if "." not in name:
        raise ConfigError(
            f"invalid requirement '{text}': name the metric as TASK.METRIC (e.g. {name}.accuracy)"
        )
    return Requirement(text=text.strip(), name=name, op=op, threshold=threshold)


def resolve_metric(run: Run, name: str) -> tuple[str, str, MetricResult]:
    """``task.metric`` -> (task, metric key, its MetricResult) from ``results`` or ``groups``; an error
    naming the closest available names when there is no such task or metric."""
    available = {
        f"{t}.{k}": (t, k)
        for section in (run.results.results, run.results.groups)
        for t, tr in section.items()
        for k in tr.metrics
    }
    if name in available:
        t, k = available[name]
        tr = run.task_result(t)
        assert tr is not None
        return t, k, tr.metrics[k]
    # task names may contain dots: try every split, longest task name first
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        task, key = ".".join(parts[:i]), ".".join(parts[i:])
        tr = run.task_result(task)
        if tr is not None:
            hint = closest(key, tr.metrics)
            return_hint = f" Did you mean: {', '.join(f'{task}.{h}' for h in hint)}?" if hint else ""
            raise ConfigError(
                f"task '{task}' in {run.label} has no metric '{key}'.{return_hint} "
                f"Its metrics: {', '.join(tr.metrics) or 'none (was the run --predict_only?)'}"
            )
    hint = closest(name, available)
    return_hint = f" Did you mean: {', '.join(hint)}?" if hint else ""
    raise ConfigError(
        f"no task '{parts[0]}' in {run.label} ({run.results_file}).{return_hint} "
        f"Available: {', '.join(sorted(available)) or 'none'}"
    )


class RequirementResult(BaseModel):
    requirement: str
    task: str
    metric: str
    op: str
    threshold: float
    value: float | None
    scale: float
    passed: bool
    detail: str | None = None


class GateReport(BaseModel):
    run: str
    run_path: str
    passed: bool
    requirements: list[RequirementResult] = Field(default_factory=list)
    baseline: str | None = None
    no_regression: bool = False
    alpha: float = 0.05
    comparison: CompareReport | None = None
    failures: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def check_requirement(run: Run, req: Requirement) -> tuple[RequirementResult, list[str]]:
    task, key, m = resolve_metric(run, req.name)
    warnings = []
    if abs(m.scale) == 100 and 0 < abs(req.threshold) <= 1 and m.value is not None and abs(m.value) > 1:
        warnings.append(
            f"{req.text}: {task}.{key} is in percent (scale 100, value {m.value:.2f}); "
            f"did you mean {req.threshold * 100:g}?"
        )
    if m.value is None:
        return (
            RequirementResult(
                requirement=req.text,
                task=task,
                metric=key,
                op=req.op,
                threshold=req.threshold,
                value=None,
                scale=m.scale,
                passed=False,
                detail="no value (nothing was scored)",
            ),
            warnings,
        )
    ok = OPERATORS[req.op](m.value, req.threshold)
    return (
        RequirementResult(
            requirement=req.text,
            task=task,
            metric=key,
            op=req.op,
            threshold=req.threshold,
            value=m.value,
            scale=m.scale,
            passed=ok,
        ),
        warnings,
    )


def evaluate_gate(
    run: Run,
    requires: list[str],
    *,
    baseline: Run | None = None,
    no_regression: bool = False,
    alpha: float = 0.05,
    correction: str = "holm",
    test: str = "auto",
    iters: int = 10_000,
    seed: int = 0,
) -> GateReport:
    """Check every requirement and, with ``no_regression``, that no metric got significantly worse than in
    ``baseline``. Raises ConfigError for bad input (unparsable requirement, unknown task or metric, no
    common samples with the baseline)."""
    if not requires and baseline is None:
        raise ConfigError(
            "nothing to check: give --require TASK.METRIC>=VALUE and/or --baseline RUN --no-regression"
        )
    if no_regression and baseline is None:
        raise ConfigError("--no-regression needs --baseline RUN (the run to compare against)")
    if not 0.0 < alpha < 1.0:
        raise ConfigError(f"--alpha must be between 0 and 1, got {alpha}")
    parsed = [parse_requirement(r) for r in requires]
    report = GateReport(
        run=run.label,
        run_path=str(run.path),
        passed=True,
        baseline=baseline.label if baseline else None,
        no_regression=no_regression,
        alpha=alpha,
    )
    if run.results.status != "success":
        report.failures.append(f"the run itself failed: {run.results.failure_reason or 'status failed'}")
    for req in parsed:
        res, warnings = check_requirement(run, req)
        report.requirements.append(res)
        report.warnings += warnings
        if not res.passed:
            shown = "none" if res.value is None else fmt_num(res.value, res.scale)
            report.failures.append(f"{req.text}: {res.task}.{res.metric} = {shown}")
    if baseline is not None:
        cmp = compare_runs(
            [baseline, run], test=test, correction=correction, alpha=alpha, iters=iters, seed=seed
        )
        report.comparison = cmp
        report.warnings += cmp.warnings
        if no_regression:
            for row in cmp.rows:
                if row.verdict == "worse":
                    report.failures.append(
                        f"regression: {row.task}.{row.metric} {fmt_num(row.mean_a, row.scale)} -> "
                        f"{fmt_num(row.mean_b, row.scale)} ({fmt_num(row.diff, row.scale, True)}, "
                        f"adjusted p = {fmt_p(row.p_adjusted)} < {alpha:g})"
                    )
            if not any(r.pairable for r in cmp.rows):
                report.warnings.append(
                    "no metric could be paired with the baseline: no regression was checked"
                )
    report.passed = not report.failures
    return report


CORRECTION_NAMES = {"holm": "Holm-adjusted", "bh": "Benjamini-Hochberg-adjusted", "none": "unadjusted"}

_RESULT = {"better": "✅ better", "worse": "❌ worse", "no_difference": "✅ no significant change"}


def _regression_rows(rows: list[CompareRow], no_regression: bool) -> list[list[str]]:
    out = []
    for r in rows:
        s = r.scale
        ci = "-" if r.ci_low is None else f"[{fmt_num(r.ci_low, s, True)}, {fmt_num(r.ci_high, s, True)}]"
        if r.verdict == "not_pairable":
            result = "⚪ not checked"
        elif r.verdict == "worse" and not no_regression:
            result = "⚠️ worse"
        else:
            result = _RESULT[r.verdict]
        out.append(
            [
                f"{r.task} (group)" if r.kind == "group" else r.task,
                f"{r.metric} {'↑' if r.higher_is_better else '↓'}",
                fmt_num(r.mean_a if r.pairable else r.value_a, s),
                fmt_num(r.mean_b if r.pairable else r.value_b, s),
                fmt_num(r.diff, s, True),
                ci,
                fmt_p(r.p_adjusted),
                str(r.n) if r.pairable else "-",
                result,
            ]
        )
    return out


def render_gate_markdown(report: GateReport) -> str:
    icon, word = ("✅", "passed") if report.passed else ("❌", "failed")
    out = [f"## {icon} lmms-eval gate {word}", "", f"Run: `{report.run}` (`{report.run_path}`)"]
    if report.requirements:
        rows = [
            [
                f"`{r.task}.{r.metric} {r.op} {r.threshold:g}`",
                "-" if r.value is None else fmt_num(r.value, r.scale),
                ("✅ pass" if r.passed else "❌ fail") + (f" ({r.detail})" if r.detail else ""),
            ]
            for r in report.requirements
        ]
        out += ["", "### Requirements", "", markdown_table(["Requirement", "Value", "Result"], rows)]
    if report.comparison is not None:
        cmp = report.comparison
        mode = "no significant regression required" if report.no_regression else "for information"
        out += [
            "",
            f"### Against baseline `{report.baseline}` ({mode})",
            "",
            f"Significance: {CORRECTION_NAMES[cmp.correction]} p < {cmp.alpha:g}; means over the docs both runs scored.",
            "",
            markdown_table(
                [
                    "Task",
                    "Metric",
                    "Baseline",
                    "Run",
                    "Diff",
                    f"{cmp.confidence:.0%} CI",
                    "p (adj.)",
                    "n",
                    "Result",
                ],
                _regression_rows(cmp.rows, report.no_regression),
            ),
        ]
        notes = [f"{r.task}.{r.metric}: {n}" for r in cmp.rows for n in r.notes] + cmp.notes
        if notes:
            out += ["", *(f"- {n}" for n in notes)]
    if report.failures:
        out += ["", "### Failures", "", *(f"- {f}" for f in report.failures)]
    if report.warnings:
        out += ["", "### Warnings", "", *(f"- ⚠️ {w}" for w in report.warnings)]
    return "\n".join(out) + "\n"
