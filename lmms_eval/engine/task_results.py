"""Stage 4 of the evaluator: extract and score every answered sample, aggregate each task and group, and
write the samples files."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lmms_eval.core.types import Message, Response
from lmms_eval.engine.answer import Answered
from lmms_eval.engine.circular import aggregate_circular
from lmms_eval.engine.circular import circular_stats as stats_of_rotations
from lmms_eval.engine.config import RunConfig
from lmms_eval.engine.plan import Sample
from lmms_eval.engine.repeats import aggregate_repeats, by_doc, combine_repeat_stats
from lmms_eval.engine.score import aggregate_task, combine_group, score_sample
from lmms_eval.engine.stages import Planned, Setup
from lmms_eval.engine.subset import subset_info
from lmms_eval.results.schema import (
    CircularStats,
    DatasetInfo,
    ErrorSummary,
    MetricResult,
    RepeatStats,
    TaskResult,
    Usage,
)
from lmms_eval.tasks.spec import GroupSpec
from lmms_eval.tasks.task import Task


@dataclass
class Scored:
    task_results: dict[str, TaskResult]
    group_results: dict[str, TaskResult]
    usage: Usage
    errors: list[ErrorSummary]


def score_run(config: RunConfig, setup: Setup, planned: Planned, answered: Answered, run_dir: Path) -> Scored:
    """Score every answered sample, aggregate each task (and group), write the samples files."""
    usage = Usage(
        requests_total=len({s.request.key for s in planned.all_samples}),
        requests_cached=answered.n_cached,
        requests_sent=answered.sent,
        requests_failed=answered.failed,
    )
    errors = ErrorTally()
    task_results: dict[str, TaskResult] = {}
    for task in setup.tasks:
        task_samples = planned.samples[task.name]
        scored, records = score_samples(
            config, setup.family, planned.k, task_samples, answered, usage, errors
        )
        task_results[task.name] = task_result(config, setup.family, planned, task, task_samples, scored)
        if config.log_samples:
            from lmms_eval.results.writer import write_samples

            write_samples(run_dir, task.name, records)
        if task.spec.submission:
            write_submission(run_dir, task, task_samples, answered)
    return Scored(
        task_results=task_results,
        group_results=group_results(setup.groups, task_results, planned.k),
        usage=usage,
        errors=errors.summaries(),
    )


class ErrorTally:
    """Error reasons grouped by cause (paths and numbers stripped), with one example sample each."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.example: dict[str, tuple[str, str]] = {}

    def add(self, error: str, task: str, doc_id: str) -> None:
        reason = reason_class(error)
        self.counts[reason] += 1
        self.example.setdefault(reason, (task, doc_id))

    def summaries(self) -> list[ErrorSummary]:
        return [
            ErrorSummary(
                reason=r, count=c, example_task=self.example[r][0], example_doc_id=self.example[r][1]
            )
            for r, c in self.counts.most_common(20)
        ]


def score_samples(
    config: RunConfig,
    family: str | None,
    k: int,
    task_samples: list[Sample],
    answered: Answered,
    usage: Usage,
    errors: ErrorTally,
) -> tuple[list[Sample], list[dict[str, Any]]]:
    """The scored samples of one task (errors are counted, never scored) and their samples-file records."""
    scored: list[Sample] = []
    records: list[dict[str, Any]] = []
    for s in task_samples:
        found = answered.stored.get(s.request.key)
        response, attempts = found if found else (Response.failure("no response recorded"), 0)
        s.attempts = attempts
        if response.ok:
            if not (config.predict_only or s.task.spec.predict_only):
                score_sample(s, response, family)
            scored.append(s)
            usage.input_tokens += response.usage.input_tokens or 0
            usage.output_tokens += response.usage.output_tokens or 0
            usage.reasoning_tokens += response.usage.reasoning_tokens or 0
        else:
            errors.add(response.error or "", s.task.name, s.doc.id)
        if config.log_samples:
            records.append(sample_record(s, response, attempts, k))
    return scored, records


def sample_record(s: Sample, response: Response, attempts: int, k: int) -> dict[str, Any]:
    """The fields of SampleRecord (docs/results_schema.md), written directly."""
    return {
        "task": s.task.name,
        "doc_id": s.doc.id,
        "cache_key": s.request.key,
        "prompt": prompt_record(s.request.messages),
        "target": s.target,
        "response": response.text,
        "error": response.error,
        "extracted": s.extracted,
        "scores": s.scores,
        "latency_s": response.latency_s,
        "attempts": attempts,
        **({"repeat": s.repeat} if k > 1 else {}),
        **({"rotation": s.rotation} if s.task.spec.circular is not None else {}),
        **({"media": [m.model_dump() for m in response.media]} if response.media else {}),
    }


def task_result(
    config: RunConfig,
    family: str | None,
    planned: Planned,
    task: Task,
    task_samples: list[Sample],
    scored: list[Sample],
) -> TaskResult:
    """Aggregate one task's scores (by repeat reducer with --repeats; circular and rotation-0 metrics for a
    circular task) into its metrics."""
    k, gen_kwargs = planned.k, planned.gen_kwargs
    circular = task.spec.circular is not None
    n_errors = len(task_samples) - len(scored)
    n_docs = len({s.doc.id for s in task_samples}) if k > 1 or circular else len(task_samples)
    repeat_stats: RepeatStats | None = None
    circular_stats: CircularStats | None = None
    metrics: dict[str, MetricResult] = {}
    breakdown: dict[str, Any] = {}
    if circular:
        circular_stats = stats_of_rotations(task_samples, scored)
    if config.predict_only or task.spec.predict_only:
        if k > 1:
            repeat_stats = RepeatStats(
                k=k,
                reducer=config.repeat_reducer,
                seeds=repeat_seeds(task, family, gen_kwargs, k),
                n_samples=len(task_samples),
                n_scored=len(scored),
                n_docs_complete=sum(1 for g in by_doc(scored) if len(g) == k),
            )
    elif k > 1:
        metrics, breakdown, repeat_stats = aggregate_repeats(
            task,
            scored,
            n_errors=n_errors,
            n_docs=n_docs,
            n_samples=len(task_samples),
            k=k,
            reducer=config.repeat_reducer,
            seeds=repeat_seeds(task, family, gen_kwargs, k),
            bootstrap_iters=config.bootstrap_iters,
            seed=config.seed,
        )
    elif circular:
        metrics, breakdown, circular_stats = aggregate_circular(
            task, task_samples, scored, bootstrap_iters=config.bootstrap_iters, seed=config.seed
        )
    else:
        metrics, breakdown = aggregate_task(task, scored, n_errors, config.bootstrap_iters, config.seed)
    return TaskResult(
        name=task.name,
        version=task.version,
        n_docs=n_docs,
        n_scored=len(scored),
        n_errors=n_errors,
        metrics=metrics,
        breakdown=breakdown,
        dataset=DatasetInfo(
            source=task.spec.dataset.describe(),
            fingerprint=task.fingerprint,
            revision=task.revision,
            origin=task.origin,
            docs_fingerprint=docs_fingerprint(task_samples),
        ),
        generation=task.generation(family, gen_kwargs).model_dump(),
        repeats=repeat_stats,
        circular=circular_stats,
        subset=subset_info(task.subset, len(task.docs())) if task.subset is not None else None,
    )


def docs_fingerprint(task_samples: list[Sample]) -> str:
    """sha256 over the docs evaluated, in order (each once, whatever the repeats or rotations): the doc id,
    the prompt's text and media sha256s, and the target. Two runs with the same value asked the same
    questions of the same media and scored them against the same answers."""
    digest = hashlib.sha256()
    seen: set[str] = set()
    for s in task_samples:
        if s.doc.id in seen:
            continue
        seen.add(s.doc.id)
        media = ",".join(p.ref.sha256 or p.ref.describe() for p in s.request.media_parts())
        digest.update(f"{s.doc.id}\x00{s.request.prompt_text()}\x00{media}\x00{s.target!r}\x01".encode())
    return digest.hexdigest()


def write_submission(run_dir: Path, task: Task, task_samples: list[Sample], answered: Answered) -> Path:
    """``submission_<task>.tsv``: the rows the task's ``submission`` function makes of its answered samples
    (each with its response text), for a benchmark scored by its own server. Failed requests are left out."""
    import csv

    from lmms_eval.core.registry import import_dotted

    assert task.spec.submission is not None
    build = import_dotted(task.spec.submission, f"submission of task '{task.name}'")
    answers = []
    for s in task_samples:
        found = answered.stored.get(s.request.key)
        if found is not None and found[0].ok:
            answers.append((s, found[0].text or ""))
    rows: list[dict[str, Any]] = build(answers)
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / f"submission_{task.name}.tsv"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter="\t", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def group_results(
    groups: dict[str, tuple[GroupSpec, list[str]]], task_results: dict[str, TaskResult], k: int
) -> dict[str, TaskResult]:
    out = {
        name: combine_group(name, spec, [task_results[t] for t in members])
        for name, (spec, members) in groups.items()
    }
    if k > 1:
        for name, (spec, members) in groups.items():
            out[name].repeats = combine_repeat_stats(spec.aggregate, [task_results[t] for t in members])
    return out


def prompt_record(messages: list[Message]) -> list[dict[str, Any]]:
    """Messages for samples files: media as {type, sha256, path/url}, never bytes."""
    out = []
    for m in messages:
        parts: list[dict[str, Any]] = []
        for p in m.content:
            if p.type == "text":
                parts.append({"type": "text", "text": p.text})
            else:
                ref = p.ref
                parts.append({"type": p.type, "sha256": ref.sha256, "path": ref.path, "url": ref.url})
        out.append({"role": m.role, "content": parts})
    return out


def repeat_seeds(task: Task, family: str | None, gen_kwargs: dict[str, Any], k: int) -> list[int]:
    base = task.generation(family, gen_kwargs).seed
    return [(base or 0) + r for r in range(k)]


def reason_class(error: str) -> str:
    """Group error messages: strip paths and numbers so one cause counts once."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|/\S+", "…", error)
    return re.sub(r"\d+", "N", text)[:200]
