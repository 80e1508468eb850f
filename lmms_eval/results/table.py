"""The plain-text table printed at the end of a run."""

from __future__ import annotations

from lmms_eval.results.schema import MetricResult, Results, TaskResult


def _fmt(x: float | None, digits: int = 4) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _rows(result: TaskResult) -> list[list[str]]:
    rows = []
    rep = result.repeats
    name = result.name
    if result.subset is not None:  # a suite's subset: never to be read as the full benchmark's number
        name = f"{name} [{result.subset.suite}: {result.subset.n_selected}/{result.subset.n_full} docs]"
    for key, m in result.metrics.items():
        label = f"{key} [{rep.reducer}, k={rep.k}]" if rep else key
        rows.append(_row(name, result.kind, label, m, result.n_errors))
    if rep is not None:  # --repeats: the stability statistics (expected = the mean reducer's value)
        if rep.reducer != "mean":
            for key, m in rep.expected.items():
                rows.append(_row(name, result.kind, f"{key} [expected, k={rep.k}]", m, result.n_errors))
        if rep.consistency is not None:
            rows.append(_row(name, result.kind, f"consistency [k={rep.k}]", rep.consistency, result.n_errors))
    return rows


def _row(name: str, kind: str, key: str, m: MetricResult, n_errors: int) -> list[str]:
    ci = "-" if m.ci_low is None else f"[{_fmt(m.ci_low)}, {_fmt(m.ci_high)}]"
    arrow = "↑" if m.higher_is_better else "↓"
    label = f"{name} (group)" if kind == "group" else name
    return [label, f"{key} {arrow}", _fmt(m.value), _fmt(m.stderr), ci, str(m.n), str(n_errors)]


def render_table(results: Results) -> str:
    header = ["Task", "Metric", "Value", "Stderr", "95% CI", "n", "Errors"]
    rows = [r for res in results.results.values() for r in _rows(res)]
    rows += [r for res in results.groups.values() for r in _rows(res)]
    widths = [
        max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i])
        for i in range(len(header))
    ]
    line = "|" + "|".join("-" * (w + 2) for w in widths) + "|"

    def fmt(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"

    return "\n".join([fmt(header), line, *(fmt(r) for r in rows)])
