"""Repeated sampling (``--repeats k``): reduce each doc's k scored repeats, and the stability statistics.

The reducers (``--repeat_reducer``), per task metric:

- ``mean``: the task's aggregation over every scored (doc, repeat) score, with the doc as the cluster of the
  standard error (CR1 cluster-robust for a mean, whole docs resampled for a bootstrapped aggregation; a task
  ``cluster_key`` groups docs and so their repeats too, and is used instead). With all k repeats scored this
  is the mean over docs of the per-doc mean (expected accuracy), and its stderr equals the iid stderr of the
  per-doc means.
- ``majority``: each doc's score is the score of its majority-voted extracted answer (ties: the answer seen
  first, in repeat order; see :func:`lmms_eval.stats.repeats.majority_index`).
- ``pass_at_k``: the best of the doc's scores (1 when any repeat is right, for 0/1 metrics);
  ``pass_at_J`` (J < k): the expected best of J repeats drawn from the doc's k, the unbiased pass@J
  estimator of Chen et al. 2021 for 0/1 metrics.
- ``all_k``: the worst of the doc's scores (1 only when every repeat is right, for 0/1 metrics).

The last three give one value per doc; the task's aggregation then runs over docs as in a run without
repeats. A repeat whose request failed is left out; a doc reduces over the repeats it has.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from lmms_eval.core.errors import ConfigError
from lmms_eval.engine.config import pass_at_j
from lmms_eval.engine.plan import Sample
from lmms_eval.results.schema import MetricResult, RepeatStats, TaskResult
from lmms_eval.tasks.spec import CODE_AGGREGATIONS, MetricSpec
from lmms_eval.tasks.task import Task

# CODE_AGGREGATIONS (tasks/spec.py) read per-sample codes, not quality scores: a best or worst code means
# nothing, so only ``mean`` (all codes) and ``majority`` (the voted answer's code) apply to them


def check_reducer(task: Task, reducer: str) -> None:
    """Fail before any model call when a reducer cannot apply to one of the task's metrics."""
    if reducer in ("mean", "majority"):
        return
    for metric in task.spec.metrics:
        if metric.aggregation in CODE_AGGREGATIONS:
            raise ConfigError(
                f"Task '{task.name}': metric '{metric.display}' aggregates per-sample codes "
                f"({metric.aggregation}), which have no best or worst; --repeat_reducer {reducer} cannot "
                "apply (use mean or majority)"
            )


def by_doc(scored: Sequence[Sample]) -> list[list[Sample]]:
    """Scored samples grouped by doc (first-seen doc order), each group in repeat order."""
    groups: dict[str, list[Sample]] = {}
    for s in scored:
        groups.setdefault(s.doc.id, []).append(s)
    return [sorted(g, key=lambda s: s.repeat) for g in groups.values()]


def _reduce_scores(metric: MetricSpec, values: list[float], reducer: str) -> float:
    from lmms_eval.stats.repeats import best, expected_best_of, worst

    hib = metric.higher_is_better
    if reducer == "pass_at_k":
        return best(values, hib)
    if reducer == "all_k":
        return worst(values, hib)
    j = pass_at_j(reducer)
    if j is None:
        raise ValueError(f"unknown repeat reducer {reducer!r}")
    return expected_best_of(values, j, hib)


def reduce_samples(task: Task, scored: Sequence[Sample], reducer: str) -> list[Sample]:
    """One Sample per doc whose ``scores`` are the reduced ones (reducers other than ``mean``). For
    ``majority`` it is the first repeat giving the voted answer; otherwise a copy of the doc's first
    repeat with the reduced scores and no extracted answer."""
    from lmms_eval.stats.repeats import majority_index

    out = []
    for group in by_doc(scored):
        if reducer == "majority":
            out.append(group[majority_index([s.extracted for s in group])])
            continue
        scores = {
            m.display: _reduce_scores(m, [s.scores[m.display] for s in group], reducer)
            for m in task.spec.metrics
        }
        out.append(dataclasses.replace(group[0], scores=scores, extracted=None))
    return out


def _cluster_values(task: Task, docs: Sequence[Sample]) -> list[str] | None:
    key = task.spec.cluster_key
    if key is None:
        return None
    from lmms_eval.engine.score import _field_values

    return _field_values(docs, key, task)


def repeat_stats(
    task: Task,
    scored: Sequence[Sample],
    *,
    k: int,
    reducer: str,
    seeds: list[int],
    n_docs: int,
    n_samples: int,
) -> RepeatStats:
    """Consistency, expected score and within-doc variance of a task's scored repeats."""
    from lmms_eval.engine.score import metric_result
    from lmms_eval.stats import estimate
    from lmms_eval.stats.repeats import consistent, within_variance

    groups = by_doc(scored)
    firsts = [g[0] for g in groups]
    stats = RepeatStats(
        k=k,
        reducer=reducer,
        seeds=seeds,
        n_samples=n_samples,
        n_scored=len(scored),
        n_docs_complete=sum(1 for g in groups if len(g) == k),
    )
    multi = [g for g in groups if len(g) >= 2]
    if multi:
        values = [1.0 if consistent([s.extracted for s in g]) else 0.0 for g in multi]
        est = estimate(values, "mean", clusters=_cluster_values(task, [g[0] for g in multi]))
        stats.consistency = metric_result(
            est,
            n_errors=n_docs - len(multi),
            aggregation="mean",
            higher_is_better=True,
            scale=1.0,
            rescale=False,
        )
    if not groups:
        return stats
    clusters = _cluster_values(task, firsts)
    for metric in task.spec.metrics:
        if metric.aggregation != "mean":
            continue
        per_doc = [[s.scores[metric.display] for s in g] for g in groups]
        means = [sum(v) / len(v) for v in per_doc]
        est = estimate(means, "mean", clusters=clusters)
        stats.expected[metric.display] = metric_result(
            est,
            n_errors=n_docs - len(groups),
            aggregation="mean",
            higher_is_better=metric.higher_is_better,
            scale=metric.scale,
            rescale=True,
        )
        variances = [v for v in (within_variance(x) for x in per_doc) if v is not None]
        stats.within_doc_variance[metric.display] = (
            sum(variances) / len(variances) * metric.scale**2 if variances else None
        )
    return stats


def aggregate_repeats(
    task: Task,
    scored: Sequence[Sample],
    *,
    n_errors: int,
    n_docs: int,
    n_samples: int,
    k: int,
    reducer: str,
    seeds: list[int],
    bootstrap_iters: int,
    seed: int,
) -> tuple[dict[str, MetricResult], dict[str, dict[str, dict[str, MetricResult]]], RepeatStats]:
    """A task's metrics and breakdown under ``reducer``, and its RepeatStats. ``n_errors``: failed
    (doc, repeat) requests; ``n_docs``: docs planned; ``n_samples``: (doc, repeat) requests planned."""
    from lmms_eval.engine.score import aggregate_task

    if reducer == "mean":
        metrics, breakdown = aggregate_task(
            task, scored, n_errors, bootstrap_iters, seed, cluster_by_doc=True
        )
    else:
        units = reduce_samples(task, scored, reducer)
        metrics, breakdown = aggregate_task(task, units, n_docs - len(units), bootstrap_iters, seed)
    stats = repeat_stats(task, scored, k=k, reducer=reducer, seeds=seeds, n_docs=n_docs, n_samples=n_samples)
    return metrics, breakdown, stats


def combine_repeat_stats(rule: str, members: Sequence[TaskResult]) -> RepeatStats | None:
    """A group's RepeatStats from its members' (None unless every member ran with the same repeats):
    consistency and expected scores combined like the group's metrics; counts summed."""
    from lmms_eval.engine.score import combine_metric_results

    stats = [m.repeats for m in members]
    if not stats or any(s is None for s in stats):
        return None
    present = [s for s in stats if s is not None]
    if len({(s.k, s.reducer) for s in present}) > 1:
        return None
    seeds = present[0].seeds if all(s.seeds == present[0].seeds for s in present) else []
    out = RepeatStats(
        k=present[0].k,
        reducer=present[0].reducer,
        seeds=seeds,
        n_samples=sum(s.n_samples for s in present),
        n_scored=sum(s.n_scored for s in present),
        n_docs_complete=sum(s.n_docs_complete for s in present),
    )

    def merged(results: list[MetricResult]) -> MetricResult | None:
        return combine_metric_results(results, rule)

    consistency = [s.consistency for s in present]
    if all(c is not None for c in consistency):
        out.consistency = merged([c for c in consistency if c is not None])
    shared = set.intersection(*(set(s.expected) for s in present))
    for key in sorted(shared):
        result = merged([s.expected[key] for s in present])
        if result is not None:
            out.expected[key] = result
    return out
