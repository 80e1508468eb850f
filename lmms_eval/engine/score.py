"""Extract answers, score samples, and aggregate each metric with its stderr and CI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from lmms_eval.core.errors import ConfigError, LmmsEvalError
from lmms_eval.core.types import Response
from lmms_eval.engine.plan import Sample
from lmms_eval.results.schema import MetricResult, TaskResult
from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS
from lmms_eval.tasks.spec import ExtractorSpec, GroupSpec, MetricSpec
from lmms_eval.tasks.task import Task


def check_names(task: Task, family: str | None) -> None:
    """Fail before any model call if the task names an unknown extractor, metric or aggregation, or passes
    arguments they do not take."""
    for ex in task.extractors(family):
        _check_args(_get(EXTRACTORS, ex.name, task, "extractor"), ex.args, task, f"extractor '{ex.name}'", 2)
    for metric in task.spec.metrics:
        fn = _get(METRICS, metric.name, task, "metric")
        _check_args(fn, metric.args, task, f"metric '{metric.name}'", 3)
        _get(AGGREGATIONS, metric.aggregation, task, "aggregation")


def _check_args(fn: Any, args: dict[str, Any], task: Task, what: str, positional: int) -> None:
    import inspect

    try:
        inspect.signature(fn).bind(*([None] * positional), **args)
    except TypeError as exc:
        raise ConfigError(
            f"Task '{task.name}' ({task.yaml_path}): {what} does not accept args {args}: {exc}"
        ) from None
    except ValueError:
        return  # builtins without a signature: checked when called


def _get(registry: Any, name: str, task: Task, kind: str) -> Any:
    if ":" in name:
        from lmms_eval.core.registry import import_dotted

        return import_dotted(name, f"{kind} of task '{task.name}'")
    try:
        return registry.get(name)
    except LmmsEvalError as exc:
        raise ConfigError(f"Task '{task.name}' ({task.yaml_path}): {exc}") from None


def extract(text: str, sample: Sample, chain: Sequence[ExtractorSpec]) -> str | None:
    value: str | None = text
    for spec in chain:
        fn = _get(EXTRACTORS, spec.name, sample.task, "extractor")
        value = fn(value, sample.doc.data, **spec.args)
        if value is None:
            return None
    return value


def score_sample(sample: Sample, response: Response, family: str | None) -> None:
    """Fill ``sample.extracted`` and ``sample.scores`` from a successful response."""
    assert response.text is not None
    task = sample.task
    chain = task.extractors(family)
    sample.extracted = extract(response.text, sample, chain)
    for metric in task.spec.metrics:
        fn = _get(METRICS, metric.name, task, "metric")
        prediction = sample.extracted
        if metric.choice_rule not in (None, "best"):
            prediction = extract(normalized_choice(sample, response, metric.choice_rule), sample, chain)
        try:
            value = float(fn(prediction, sample.target, sample.doc.data, **metric.args))
        except Exception as exc:
            raise LmmsEvalError(
                f"Task '{task.name}', doc '{sample.doc.id}': metric '{metric.name}' failed on "
                f"prediction {sample.extracted!r} / target {sample.target!r}: {type(exc).__name__}: {exc}"
            ) from exc
        sample.scores[metric.display] = value


def normalized_choice(sample: Sample, response: Response, rule: str) -> str:
    """The option a ``choice_rule`` picks: the highest log-likelihood per character (``per_char``) or per
    UTF-8 byte (``per_byte``) of the option text, the first on ties (lm-evaluation-harness's ``acc_norm`` and
    ``acc_bytes``, ``np.argmax(lls / length)``)."""
    choices, logprobs = sample.request.choices, response.logprobs
    if logprobs is None or len(logprobs) != len(choices):
        raise LmmsEvalError(
            f"Task '{sample.task.name}', doc '{sample.doc.id}': choice_rule '{rule}' needs one log-likelihood "
            f"per option from the model; it returned {logprobs!r} for {len(choices)} options"
        )
    import numpy as np

    unit = (lambda c: len(c)) if rule == "per_char" else (lambda c: len(c.encode("utf-8")))
    lengths = np.array([float(unit(c)) for c in choices])
    with np.errstate(divide="ignore", invalid="ignore"):  # an empty option: +-inf or NaN, as numpy gives
        best = int(np.argmax(np.array(logprobs, dtype=np.float64) / lengths))
    return choices[best]


def _field_values(samples: Sequence[Sample], field: str, task: Task) -> list[str]:
    try:
        return [str(s.doc.data[field]) for s in samples]
    except KeyError:
        raise ConfigError(
            f"Task '{task.name}': column '{field}' (used for grouping) does not exist. "
            f"Columns: {', '.join(task.columns)}"
        ) from None


def aggregate_metric(
    metric: MetricSpec,
    scored: Sequence[Sample],
    task: Task,
    *,
    n_errors: int,
    bootstrap_iters: int,
    seed: int,
    cluster_by_doc: bool = False,
) -> MetricResult:
    """``cluster_by_doc``: samples of one doc are one cluster (``--repeats``), unless the task's
    ``cluster_key`` groups docs, whose clusters then hold every repeat of their docs."""
    from lmms_eval.stats import estimate

    agg_args = dict(metric.aggregation_args)
    by = agg_args.pop("by", None)
    labels = _field_values(scored, by, task) if by else None
    clusters = _field_values(scored, task.spec.cluster_key, task) if task.spec.cluster_key else None
    if clusters is None and cluster_by_doc:
        clusters = [s.doc.id for s in scored]
    aggregation: Any = metric.aggregation
    if ":" in aggregation:
        aggregation = _get(AGGREGATIONS, aggregation, task, "aggregation")
    scores = [s.scores[metric.display] for s in scored]
    if not scores:
        return MetricResult(
            value=None,
            stderr=None,
            ci_low=None,
            ci_high=None,
            n=0,
            n_errors=n_errors,
            method="none",
            aggregation=metric.aggregation,
            higher_is_better=metric.higher_is_better,
            scale=metric.scale,
        )
    est = estimate(
        scores,
        aggregation,
        agg_args=agg_args,
        labels=labels,
        clusters=clusters,
        bootstrap_iters=bootstrap_iters,
        seed=seed,
    )
    return metric_result(
        est,
        n_errors=n_errors,
        aggregation=metric.aggregation,
        higher_is_better=metric.higher_is_better,
        scale=metric.scale,
        rescale=True,
    )


def metric_result(
    est: Any, *, n_errors: int, aggregation: str, higher_is_better: bool, scale: float, rescale: bool
) -> MetricResult:
    """An Estimate as a MetricResult; ``rescale`` multiplies it by ``scale`` (the aggregate is scaled, not the
    raw per-sample scores, so aggregations such as yes_f1 read the metric's own codes)."""
    k = scale if rescale else 1.0

    def scaled(x: float | None) -> float | None:
        return None if x is None else x * k

    low, high = (est.ci_low, est.ci_high) if k >= 0 else (est.ci_high, est.ci_low)
    return MetricResult(
        value=scaled(est.value),
        stderr=scaled(est.stderr),
        ci_low=scaled(low),
        ci_high=scaled(high),
        n=est.n,
        n_errors=n_errors,
        method=est.method,
        aggregation=aggregation,
        higher_is_better=higher_is_better,
        scale=scale,
    )


def combine_metric_results(results: Sequence[MetricResult], rule: str) -> MetricResult | None:
    """One metric combined over groups of samples by ``rule`` (``size_weighted`` or ``macro``), or None when
    the parts differ in scale or direction (no meaningful combination)."""
    from lmms_eval.stats import CombineRule, Estimate, Method, combine

    if not results or len({(r.scale, r.higher_is_better) for r in results}) > 1:
        return None
    ests = [
        Estimate(
            value=r.value if r.value is not None else float("nan"),
            stderr=r.stderr,
            ci_low=r.ci_low,
            ci_high=r.ci_high,
            n=r.n,
            method=cast(Method, r.method),
        )
        for r in results
    ]
    est = combine(ests, [r.n for r in results], cast(CombineRule, rule))
    return metric_result(
        est,
        n_errors=sum(r.n_errors for r in results),
        aggregation=rule,
        higher_is_better=results[0].higher_is_better,
        scale=results[0].scale,
        rescale=False,
    )


def combine_group(name: str, spec: GroupSpec, members: list[TaskResult]) -> TaskResult:
    """A group's metrics from its member tasks' metrics: those every member reports in the same units."""
    shared = set.intersection(*(set(r.metrics) for r in members)) if members else set()
    metrics = {}
    for key in sorted(shared):
        combined = combine_metric_results([r.metrics[key] for r in members], spec.aggregate)
        if combined is not None:  # None: different units or directions, no meaningful combination
            metrics[key] = combined
    return TaskResult(
        name=name,
        kind="group",
        n_docs=sum(r.n_docs for r in members),
        n_scored=sum(r.n_scored for r in members),
        n_errors=sum(r.n_errors for r in members),
        metrics=metrics,
        subtasks=[r.name for r in members],
        aggregate=spec.aggregate,
    )


def aggregate_task(
    task: Task,
    scored: Sequence[Sample],
    n_errors: int,
    bootstrap_iters: int,
    seed: int,
    cluster_by_doc: bool = False,
) -> tuple[dict[str, MetricResult], dict[str, dict[str, dict[str, MetricResult]]]]:
    metrics = {
        m.display: aggregate_metric(
            m,
            scored,
            task,
            n_errors=n_errors,
            bootstrap_iters=bootstrap_iters,
            seed=seed,
            cluster_by_doc=cluster_by_doc,
        )
        for m in task.spec.metrics
    }
    breakdown: dict[str, dict[str, dict[str, MetricResult]]] = {}
    for field in task.spec.breakdown:
        groups: dict[str, list[Sample]] = {}
        for sample, value in zip(scored, _field_values(scored, field, task)):
            groups.setdefault(value, []).append(sample)
        breakdown[field] = {
            value: {
                m.display: aggregate_metric(
                    m,
                    members,
                    task,
                    n_errors=0,
                    bootstrap_iters=bootstrap_iters,
                    seed=seed,
                    cluster_by_doc=cluster_by_doc,
                )
                for m in task.spec.metrics
            }
            for value, members in sorted(groups.items())
        }
    return metrics, breakdown
