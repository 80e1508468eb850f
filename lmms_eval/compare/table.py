"""The comparison table: one row per (compared run, task, metric), and its terminal/markdown/JSON forms.

How a row is computed (see docs/compare_and_gate.md):

- metrics aggregated by ``mean`` (accuracy, ANLS, ...): the per-doc scores of the docs both runs scored
  go to :func:`lmms_eval.stats.paired.paired_compare` (``--test auto``: exact McNemar for 0/1 scores, a
  paired resampling test otherwise; or the test asked for). Means, difference, CI and minimal detectable
  effect (MDE) are multiplied by the metric's ``scale``, so they are in the units of results.json.
- groups combined ``size_weighted`` from mean-aggregated subtasks: the same, over the pooled docs (that
  weighted mean *is* the pooled mean). ``macro`` groups are not paired (compare their subtasks).
- any other aggregation (``yes_f1``, ``median``, ...): the aggregation itself is recomputed on paired
  resamples. CI: percentile paired bootstrap of ``agg(B) - agg(A)``; p-value: paired permutation test
  (each doc's two scores swapped at random); MDE: ``(z_{1-alpha/2} + z_{power}) * sd(bootstrap diffs)``.
  Only when the aggregation needs nothing but the scores and, recomputed on all of a run's samples, gives
  the value results.json reports; otherwise (``macro_mean`` needs each doc's category, which samples
  files do not record) the row is marked not pairable, with the reason.
- p-values of all paired rows (all compared runs) are adjusted together (``holm``, ``bh`` or ``none``); a
  row is significant when its adjusted p-value is below ``alpha``, and then ``better`` or ``worse`` by the
  metric's ``higher_is_better``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from lmms_eval.compare.runs import (
    Paired,
    Run,
    coverage_notes,
    pair_scores,
    repeat_reducer,
    require_common_samples,
    run_differences,
)
from lmms_eval.core.errors import ConfigError, UnknownNameError
from lmms_eval.results.schema import MetricResult, TaskResult

TESTS = ("auto", "mcnemar_exact", "paired_bootstrap", "permutation", "paired_t")
CORRECTIONS = ("holm", "bh", "none")
AGGREGATE_TEST = "aggregate_bootstrap_permutation"

Verdict = Literal["better", "worse", "no_difference", "not_pairable"]


class RunInfo(BaseModel):
    letter: str
    label: str
    path: str
    model: str
    run_id: str
    tasks: list[str]


class CompareRow(BaseModel):
    """One metric of one task (or group), run ``candidate`` against the baseline."""

    baseline: str  # run letter
    candidate: str
    task: str
    kind: Literal["task", "group"]
    metric: str
    higher_is_better: bool
    scale: float
    aggregation: str
    value_a: float | None  # as reported in each results.json (all of that run's samples)
    value_b: float | None
    pairable: bool
    n: int = 0  # docs scored in both runs
    n_a: int = 0
    n_b: int = 0
    mean_a: float | None = None  # on the paired docs, metric units
    mean_b: float | None = None
    diff: float | None = None  # mean_b - mean_a
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    significant: bool = False
    verdict: Verdict = "not_pairable"
    mde: float | None = None
    test: str | None = None
    discordant: tuple[int, int] | None = None  # 0/1 scores: (A right & B wrong, A wrong & B right)
    notes: list[str] = Field(default_factory=list)


class CompareReport(BaseModel):
    baseline: RunInfo
    runs: list[RunInfo]  # all runs, baseline first
    test: str
    correction: str
    alpha: float
    confidence: float
    power: float
    iters: int
    seed: int
    rows: list[CompareRow]
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


# -- statistics --------------------------------------------------------------------------------------


def _scaled(x: float | None, scale: float) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return x * scale


def _aggregation_fn(name: str) -> Callable[..., Any] | None:
    from lmms_eval.scoring import AGGREGATIONS

    try:
        fn: Callable[..., Any] = AGGREGATIONS.get(name)
    except Exception:
        return None
    return fn


def _aggregate_compare(
    fn: Callable[..., Any],
    a: list[float],
    b: list[float],
    *,
    confidence: float,
    alpha: float,
    power: float,
    iters: int,
    seed: int,
) -> Any:
    """Paired bootstrap CI and paired permutation p-value of ``fn(b) - fn(a)`` for a non-mean aggregation."""
    import numpy as np

    from lmms_eval.stats.bootstrap import Evaluator
    from lmms_eval.stats.distributions import normal_quantile
    from lmms_eval.stats.paired import PairedResult

    ev = Evaluator(fn)
    xa = np.asarray(a, dtype=np.float64)
    xb = np.asarray(b, dtype=np.float64)
    n = len(xa)
    mean_a = float(ev(xa[None, :], None)[0])
    mean_b = float(ev(xb[None, :], None)[0])
    obs = mean_b - mean_a
    rng = np.random.default_rng(seed)
    chunk = max(1, 2_000_000 // max(n, 1))
    boots: list[np.ndarray] = []
    exceed = 0
    done = 0
    while done < iters:
        m = min(chunk, iters - done)
        idx = rng.integers(0, n, size=(m, n))
        boots.append(ev(xb[idx], None) - ev(xa[idx], None))
        swap = rng.random((m, n)) < 0.5
        pa = np.where(swap, xb, xa)
        pb = np.where(swap, xa, xb)
        perm = ev(pb, None) - ev(pa, None)
        exceed += int(np.sum(np.abs(perm) >= abs(obs) - 1e-12 * max(1.0, abs(obs))))
        done += m
    boot = np.concatenate(boots)
    q_lo, q_hi = np.quantile(boot, [(1 - confidence) / 2, (1 + confidence) / 2])
    sd = float(np.std(boot, ddof=1)) if len(boot) > 1 else float("nan")
    mde = (normal_quantile(1 - alpha / 2) + normal_quantile(power)) * sd
    return PairedResult(
        test=AGGREGATE_TEST,
        n=n,
        mean_a=mean_a,
        mean_b=mean_b,
        diff=obs,
        ci_low=float(q_lo),
        ci_high=float(q_hi),
        p_value=(1 + exceed) / (1 + iters),
        mde=mde,
        discordant=None,
        confidence=confidence,
    )


def _reproduces(fn: Callable[..., Any], run: Run, task: str, metric: MetricResult, key: str) -> bool:
    """Does ``fn`` on all of the run's per-doc scores give the value results.json reports?"""
    from lmms_eval.compare.runs import _doc_scores

    samples = run.samples(task)
    if samples is None or metric.value is None:
        return False
    scores, _ = _doc_scores(samples, key, repeat_reducer(run, task), metric.higher_is_better)
    if not scores:
        return False
    import numpy as np

    try:
        value = float(fn(np.asarray(list(scores.values()), dtype=np.float64)[None, :])[0]) * metric.scale
    except Exception:
        return False
    return math.isclose(value, metric.value, rel_tol=1e-6, abs_tol=1e-9)


# -- rows --------------------------------------------------------------------------------------------


def _base_row(
    letter_a: str, letter_b: str, tr: TaskResult, key: str, ma: MetricResult, mb: MetricResult
) -> CompareRow:
    return CompareRow(
        baseline=letter_a,
        candidate=letter_b,
        task=tr.name,
        kind=tr.kind,
        metric=key,
        higher_is_better=ma.higher_is_better,
        scale=ma.scale,
        aggregation=ma.aggregation,
        value_a=ma.value,
        value_b=mb.value,
        pairable=False,
    )


def _members(run: Run, tr: TaskResult) -> list[TaskResult]:
    if tr.kind != "group":
        return [tr]
    return [m for m in (run.results.results.get(t) for t in tr.subtasks) if m is not None]


def _unpairable(row: CompareRow, why: str) -> CompareRow:
    row.notes.append(f"not pairable: {why}")
    return row


def _row(
    a: Run,
    b: Run,
    letters: tuple[str, str],
    name: str,
    key: str,
    *,
    test: str,
    confidence: float,
    alpha: float,
    power: float,
    iters: int,
    seed: int,
) -> CompareRow:
    ta, tb = a.task_result(name), b.task_result(name)
    assert ta is not None and tb is not None
    ma, mb = ta.metrics[key], tb.metrics[key]
    row = _base_row(*letters, ta, key, ma, mb)
    if (ma.scale, ma.higher_is_better, ma.aggregation) != (mb.scale, mb.higher_is_better, mb.aggregation):
        return _unpairable(
            row,
            "the metric is defined differently in the two runs (scale, direction or aggregation: "
            f"{ma.scale}/{ma.higher_is_better}/{ma.aggregation} vs {mb.scale}/{mb.higher_is_better}/{mb.aggregation})",
        )
    aggregate_fn: Callable[..., Any] | None = None
    if ta.kind == "group":
        if ta.aggregate != "size_weighted":
            return _unpairable(
                row, f"group combined by '{ta.aggregate}' (not a pooled mean); compare its subtasks instead"
            )
        for sub in ta.subtasks:
            st = a.results.results.get(sub)
            sm = st.metrics.get(key) if st else None
            if sm is None or sm.aggregation != "mean":
                return _unpairable(row, f"subtask {sub}'s {key} is not a mean of per-sample scores")
    elif ma.aggregation != "mean":
        aggregate_fn = _aggregation_fn(ma.aggregation)
        if aggregate_fn is None:
            return _unpairable(row, f"aggregation '{ma.aggregation}' is not available here")
        if not (_reproduces(aggregate_fn, a, name, ma, key) and _reproduces(aggregate_fn, b, name, mb, key)):
            return _unpairable(
                row,
                f"aggregation '{ma.aggregation}' cannot be recomputed from the samples files alone "
                "(it needs per-doc labels or arguments they do not record)",
            )
    red_a, red_b = repeat_reducer(a, name), repeat_reducer(b, name)
    k_a = max((tr.repeats.k for tr in _members(a, ta) if tr.repeats), default=1)
    k_b = max((tr.repeats.k for tr in _members(b, tb) if tr.repeats), default=1)
    if max(k_a, k_b) > 1 and red_a != red_b:
        return _unpairable(row, f"the runs reduce repeated samples differently ({red_a} vs {red_b})")
    if max(k_a, k_b) > 1 and "mean" in (red_a, red_b) and ma.aggregation != "mean":
        return _unpairable(
            row,
            f"repeated samples with the mean reducer: '{ma.aggregation}' pools every (doc, repeat) score, "
            "which has no per-doc paired value",
        )
    if ma.method.startswith("clustered") and max(k_a, k_b) == 1:
        row.notes.append(
            "the task clusters its samples; the paired test treats docs as independent (p may be too small)"
        )
    paired: Paired | None = pair_scores(a, b, name, key, ma.higher_is_better)
    if paired is None:
        return _unpairable(row, "a samples file is missing (run made with --no_log_samples?)")
    row.n, row.n_a, row.n_b = len(paired.a), paired.n_a, paired.n_b
    if row.n < 2:
        return _unpairable(row, f"{row.n} doc(s) scored in both runs; at least 2 are needed")
    if row.n < max(paired.n_a, paired.n_b):
        row.notes.append(
            f"paired on the {row.n} docs both runs scored ({paired.n_a} in A, {paired.n_b} in B)"
        )
    if paired.reduced:
        how = " / ".join(sorted(paired.reduced))
        row.notes.append(f"docs with repeated samples enter with one score each, reduced by {how}")
    settings: dict[str, Any] = {
        "confidence": confidence, "alpha": alpha, "power": power, "iters": iters, "seed": seed
    }  # fmt: skip
    if aggregate_fn is not None:
        if test not in ("auto", "paired_bootstrap", "permutation"):
            row.notes.append(f"--test {test} does not apply to aggregation '{ma.aggregation}'")
        res = _aggregate_compare(aggregate_fn, paired.a, paired.b, **settings)
    else:
        from lmms_eval.stats.paired import paired_compare

        try:
            res = paired_compare(paired.a, paired.b, test=test, **settings)
        except ValueError as exc:
            raise ConfigError(f"{name}.{key}: --test {test}: {exc}") from exc
    s = row.scale
    lo, hi = _scaled(res.ci_low, s), _scaled(res.ci_high, s)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    row.pairable = True
    row.test = res.test
    row.mean_a, row.mean_b, row.diff = _scaled(res.mean_a, s), _scaled(res.mean_b, s), _scaled(res.diff, s)
    row.ci_low, row.ci_high = lo, hi
    row.p_value = res.p_value if math.isfinite(res.p_value) else None
    mde = _scaled(res.mde, s)
    row.mde = abs(mde) if mde is not None else None
    row.discordant = (int(res.discordant[0]), int(res.discordant[1])) if res.discordant is not None else None
    return row


def _run_info(letter: str, run: Run) -> RunInfo:
    return RunInfo(
        letter=letter,
        label=run.label,
        path=str(run.path),
        model=run.results.config.model,
        run_id=run.results.run_id,
        tasks=run.names(),
    )


def letters_for(n: int) -> list[str]:
    return [chr(ord("A") + i) if i < 26 else f"R{i + 1}" for i in range(n)]


def compare_runs(
    runs: list[Run],
    *,
    test: str = "auto",
    correction: str = "holm",
    alpha: float = 0.05,
    confidence: float = 0.95,
    power: float = 0.8,
    iters: int = 10_000,
    seed: int = 0,
    tasks: list[str] | None = None,
) -> CompareReport:
    """Compare each run after the first with the first (the baseline)."""
    if len(runs) < 2:
        raise ConfigError("compare needs at least two runs (the first is the baseline)")
    if test not in TESTS:
        raise ConfigError(f"unknown --test '{test}'; choose one of {', '.join(TESTS)}")
    if correction not in CORRECTIONS:
        raise ConfigError(f"unknown --correction '{correction}'; choose one of {', '.join(CORRECTIONS)}")
    for flag, value in (("--alpha", alpha), ("--confidence", confidence), ("--power", power)):
        if not 0.0 < value < 1.0:
            raise ConfigError(f"{flag} must be between 0 and 1, got {value}")
    if iters < 100:
        raise ConfigError(f"--iters must be at least 100, got {iters}")
    letters = letters_for(len(runs))
    base = runs[0]
    if tasks:
        known = {t for r in runs for t in r.names()}
        for t in tasks:
            if t not in known:
                raise UnknownNameError("task", t, known)
    rows: list[CompareRow] = []
    warnings: list[str] = []
    notes: list[str] = []
    for i, other in enumerate(runs[1:], start=1):
        require_common_samples(base, other)
        warnings += run_differences(base, other)
        notes += coverage_notes(base, other)
        for name in base.names():
            if tasks and name not in tasks:
                continue
            ta, tb = base.task_result(name), other.task_result(name)
            if ta is None or tb is None:
                continue
            for key in ta.metrics:
                if key not in tb.metrics:
                    notes.append(f"{name}.{key}: only in {base.label}")
                    continue
                rows.append(
                    _row(
                        base,
                        other,
                        (letters[0], letters[i]),
                        name,
                        key,
                        test=test,
                        confidence=confidence,
                        alpha=alpha,
                        power=power,
                        iters=iters,
                        seed=seed,
                    )
                )
            for key in tb.metrics:
                if key not in ta.metrics:
                    notes.append(f"{name}.{key}: only in {other.label}")
    _adjust(rows, correction, alpha)
    return CompareReport(
        baseline=_run_info(letters[0], base),
        runs=[_run_info(letter, r) for letter, r in zip(letters, runs)],
        test=test,
        correction=correction,
        alpha=alpha,
        confidence=confidence,
        power=power,
        iters=iters,
        seed=seed,
        rows=rows,
        warnings=warnings,
        notes=notes,
    )


def _adjust(rows: list[CompareRow], correction: str, alpha: float) -> None:
    tested = [r for r in rows if r.pairable and r.p_value is not None]
    if tested:
        from lmms_eval.stats.paired import adjust

        for r, p in zip(tested, adjust([float(r.p_value or 0.0) for r in tested], correction)):
            r.p_adjusted = float(p)
    for r in rows:
        if not r.pairable:
            r.verdict = "not_pairable"
            continue
        r.significant = r.p_adjusted is not None and r.p_adjusted < alpha
        if r.significant and r.diff:
            r.verdict = "better" if (r.diff > 0) == r.higher_is_better else "worse"
        else:
            r.verdict = "no_difference"


# -- rendering ---------------------------------------------------------------------------------------


def _digits(scale: float) -> int:
    return 2 if abs(scale) >= 10 else 4


def fmt_num(x: float | None, scale: float = 1.0, sign: bool = False) -> str:
    if x is None:
        return "-"
    return f"{x:+.{_digits(scale)}f}" if sign else f"{x:.{_digits(scale)}f}"


def fmt_p(p: float | None) -> str:
    if p is None:
        return "-"
    return f"{p:.1e}" if p < 1e-4 else f"{p:.4f}"


TEST_NAMES = {
    "mcnemar_exact": "McNemar exact",
    "paired_bootstrap": "paired bootstrap",
    "permutation": "permutation",
    "paired_t": "paired t",
    AGGREGATE_TEST: "agg. bootstrap+perm.",
}

RESULT_TEXT = {"better": "better", "worse": "WORSE", "no_difference": "n.s.", "not_pairable": "not pairable"}


def _cells(report: CompareReport, row: CompareRow, multi: bool) -> list[str]:
    arrow = "↑" if row.higher_is_better else "↓"
    label = f"{row.task} (group)" if row.kind == "group" else row.task
    s = row.scale
    ci = "-" if row.ci_low is None else f"[{fmt_num(row.ci_low, s, True)}, {fmt_num(row.ci_high, s, True)}]"
    disc = f"{row.discordant[0]}/{row.discordant[1]}" if row.discordant else "-"
    cells = [label, f"{row.metric} {arrow}"]
    if multi:
        cells.append(row.candidate)
    a = row.mean_a if row.pairable else row.value_a
    b = row.mean_b if row.pairable else row.value_b
    cells += [
        fmt_num(a, s),
        fmt_num(b, s),
        fmt_num(row.diff, s, True),
        ci,
        fmt_p(row.p_value),
        fmt_p(row.p_adjusted),
        fmt_num(row.mde, s),
        str(row.n) if row.pairable else "-",
        disc,
        TEST_NAMES.get(row.test or "", row.test or "-"),
        RESULT_TEXT[row.verdict],
    ]
    return cells


def _header(report: CompareReport, multi: bool) -> list[str]:
    conf = f"{report.confidence:.0%}"
    adj = {"holm": "p (Holm)", "bh": "p (BH)", "none": "p (unadj.)"}[report.correction]
    base = report.baseline.letter
    h = ["Task", "Metric"]
    if multi:
        h += ["Run", base, "Value", f"Diff (vs {base})"]
    else:
        cand = report.runs[1].letter
        h += [base, cand, f"Diff ({cand}-{base})"]
    h += [
        f"{conf} CI",
        "p",
        adj,
        "MDE",
        "n",
        "Disc. A>B/B>A" if not multi else "Disc.",
        "Test",
        "Result",
    ]
    return h


def _row_notes(report: CompareReport) -> list[str]:
    multi = len(report.runs) > 2
    out = []
    for r in report.rows:
        who = f" ({r.candidate} vs {r.baseline})" if multi else ""
        out += [f"{r.task}.{r.metric}{who}: {note}" for note in r.notes]
    return out


def _legend(report: CompareReport) -> list[str]:
    lines = []
    for info in report.runs:
        role = " (baseline)" if info.letter == report.baseline.letter else ""
        lines.append(f"{info.letter}{role} = {info.label}  [{info.path}]")
    return lines


def _footer(report: CompareReport) -> str:
    text = (
        f"Significant: adjusted p < {report.alpha:g} ({report.correction} over {sum(r.pairable for r in report.rows)} "
        f"paired rows). MDE: smallest |diff| detectable with {report.power:.0%} power at this n. "
        "Means are over docs scored in both runs."
    )
    if any(r.discordant for r in report.rows):
        base = report.baseline.letter
        text += f" Disc.: docs {base} got right and the other run wrong / the reverse."
    return text


def render_terminal(report: CompareReport) -> str:
    multi = len(report.runs) > 2
    header = _header(report, multi)
    rows = [_cells(report, r, multi) for r in report.rows]
    widths = [
        max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i])
        for i in range(len(header))
    ]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [*_legend(report), "", fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows), ""]
    out.append(_footer(report))
    notes = _row_notes(report) + report.notes
    if notes:
        out += ["", "Notes:", *(f"  - {n}" for n in notes)]
    if report.warnings:
        out += ["", "Warnings:", *(f"  ! {w}" for w in report.warnings)]
    return "\n".join(out)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(_md_escape(h) for h in header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def render_markdown(report: CompareReport, title: str | None = "lmms-eval compare") -> str:
    multi = len(report.runs) > 2
    out = []
    if title:
        out += [f"### {title}", ""]
    out += [f"- {_md_escape(line)}" for line in _legend(report)]
    out += ["", markdown_table(_header(report, multi), [_cells(report, r, multi) for r in report.rows]), ""]
    out.append(_footer(report))
    notes = _row_notes(report) + report.notes
    if notes:
        out += ["", "**Notes**", "", *(f"- {_md_escape(n)}" for n in notes)]
    if report.warnings:
        out += ["", "**Warnings**", "", *(f"- ⚠️ {_md_escape(w)}" for w in report.warnings)]
    return "\n".join(out)


def render_json(report: CompareReport) -> str:
    return report.model_dump_json(indent=2)


def render(report: CompareReport, fmt: str) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report)
    return render_terminal(report)
