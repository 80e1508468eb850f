"""The evaluator: plan -> prefetch media -> batch -> call model -> journal -> extract -> score -> aggregate.

``evaluate(config)`` returns the Results (also written to disk). Nothing here prints: progress and stage
messages go to a Reporter, which the CLI renders (tqdm bar, log lines).
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import ConfigError, RunFailedError
from lmms_eval.core.types import Message, Response
from lmms_eval.engine.config import RunConfig
from lmms_eval.engine.distributed import DistContext
from lmms_eval.engine.execute import execute, order_for_batching
from lmms_eval.engine.journal import Journal
from lmms_eval.engine.plan import Sample, plan_task
from lmms_eval.engine.repeats import aggregate_repeats, by_doc, check_reducer, combine_repeat_stats
from lmms_eval.engine.score import aggregate_task, check_names, combine_group, score_sample
from lmms_eval.models import MODELS
from lmms_eval.models.base import Model, redact, redact_command
from lmms_eval.results.schema import (
    DatasetInfo,
    ErrorSummary,
    MetricResult,
    RepeatStats,
    Results,
    RunSettings,
    TaskResult,
    Timings,
    Usage,
)
from lmms_eval.results.writer import write_results
from lmms_eval.tasks.data_root import resolve_data_root
from lmms_eval.tasks.index import TaskIndex
from lmms_eval.tasks.spec import GroupSpec, TaskSpec
from lmms_eval.tasks.task import Task
from lmms_eval.tasks.yaml_loader import parse_spec


class Reporter:
    """Receives stage messages and progress; the default one is silent."""

    def stage(self, message: str) -> None:
        pass

    @contextmanager
    def progress(
        self, total: int, description: str, status: Callable[[], dict[str, str] | None] | None = None
    ) -> Iterator[Callable[[int], None]]:
        """A ``tick(n)`` callback for ``n`` more finished requests; ``status`` gives live backend counters
        (in flight, retries, errors, tokens/s) to show beside the bar."""
        yield lambda n: None


@dataclass
class RunOutcome:
    results: Results
    run_dir: Path
    samples: dict[str, list[Sample]] = field(default_factory=dict)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:80] or "model"


def build_model(config: RunConfig) -> Model:
    cls = MODELS.get(config.model)
    model: Model = cls.from_args(dict(config.model_args))
    return model


def load_tasks(
    config: RunConfig, data_root: Path
) -> tuple[list[Task], dict[str, tuple[GroupSpec, list[str]]]]:
    """The tasks to run (groups and tags expanded) and each requested group with its member tasks."""
    index = TaskIndex.build(config.include_path, data_root)
    names = index.expand(config.tasks)
    groups: dict[str, tuple[GroupSpec, list[str]]] = {}
    for name in config.tasks:
        entry = index.by_name.get(name)
        if entry is not None and entry.kind == "group":
            spec = parse_spec(Path(entry.path))
            assert isinstance(spec, GroupSpec)
            groups[name] = (spec, index.expand(spec.tasks))
    tasks = []
    for name in names:
        entry = index.get(name)
        spec = parse_spec(Path(entry.path))
        if not isinstance(spec, TaskSpec):
            raise ConfigError(f"'{name}' ({entry.path}) is not a task")
        tasks.append(Task(spec, Path(entry.path), data_root))
    return tasks, groups


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


def evaluate(
    config: RunConfig, reporter: Reporter | None = None, command: list[str] | None = None
) -> RunOutcome | None:
    """Run an evaluation. Under torchrun / accelerate launch every rank calls this; rank 0 returns the
    outcome, the other ranks return None after handing their responses to rank 0."""
    dist = DistContext.from_env()
    try:
        return _evaluate(config, reporter if dist.is_main and reporter else Reporter(), command, dist)
    finally:
        dist.close()


def _evaluate(
    config: RunConfig, reporter: Reporter, command: list[str] | None, dist: DistContext
) -> RunOutcome | None:
    """The pipeline of ../DESIGN.md, one named stage per step."""
    clock = _Clock()
    setup = _load(config)
    planned = _plan(config, setup, reporter)
    clock.lap("plan")
    answered = _answer(config, setup, planned, reporter, dist)
    clock.lap("model")
    if answered is None:  # a data-parallel rank other than 0: its answers went to rank 0
        return None
    run_dir = Path(config.output_path).expanduser() / _slug(config.model) / clock.run_id
    scored = _score(config, setup, planned, answered, run_dir)
    clock.lap("scoring")
    failure = _failure(config, scored.task_results, planned.n_samples)
    results = _results(config, setup, planned, answered, scored, clock, failure, command)
    write_results(run_dir, results)
    outcome = RunOutcome(results=results, run_dir=run_dir, samples=planned.samples)
    if failure:
        raise RunFailedError(failure, outcome)
    return outcome


# --- the stages' records -----------------------------------------------------------------------------------


class _Clock:
    """Wall-clock start and the duration of each stage."""

    def __init__(self) -> None:
        self.started = datetime.now(timezone.utc)
        self.run_id = self.started.strftime("%Y%m%d_%H%M%S")
        self.t0 = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self.last
        self.last = now

    def timings(self) -> Timings:
        return Timings(
            started_at=self.started.isoformat(),
            finished_at=datetime.now(timezone.utc).isoformat(),
            total_s=time.perf_counter() - self.t0,
            plan_s=self.laps["plan"],
            model_s=self.laps["model"],
            scoring_s=self.laps["scoring"],
        )


@dataclass
class _Setup:
    data_root: Path
    model: Model
    tasks: list[Task]
    groups: dict[str, tuple[GroupSpec, list[str]]]

    @property
    def family(self) -> str | None:
        return self.model.family


@dataclass
class _Planned:
    samples: dict[str, list[Sample]]
    gen_kwargs: dict[str, Any]
    k: int

    @property
    def all_samples(self) -> list[Sample]:
        return [s for group in self.samples.values() for s in group]

    @property
    def n_samples(self) -> int:
        return sum(len(group) for group in self.samples.values())


@dataclass
class _Answered:
    """Every sample's stored response and attempt count, and what this run sent."""

    stored: dict[str, tuple[Response, int]]
    journal_path: Path
    batch_size: int
    n_cached: int
    sent: int
    failed: int


@dataclass
class _Scored:
    task_results: dict[str, TaskResult]
    group_results: dict[str, TaskResult]
    usage: Usage
    errors: list[ErrorSummary]


# --- stage 1: load the model and the tasks -----------------------------------------------------------------


def _load(config: RunConfig) -> _Setup:
    data_root = resolve_data_root(config.data_root)
    model = build_model(config)
    tasks, groups = load_tasks(config, data_root)
    for task in tasks:
        check_names(task, model.family)
        if task.spec.output_type == "choice_loglikelihood" and not model.capabilities.loglikelihood:
            raise ConfigError(
                f"Task '{task.name}' scores choices by log-likelihood; model '{config.model}' cannot"
            )
    return _Setup(data_root=data_root, model=model, tasks=tasks, groups=groups)


# --- stage 2: plan every request ---------------------------------------------------------------------------


def _plan(config: RunConfig, setup: _Setup, reporter: Reporter) -> _Planned:
    reporter.stage(
        f"Planning {len(setup.tasks)} task(s) for model '{config.model}' (data root: {setup.data_root})"
    )
    gen_kwargs = dict(config.gen_kwargs)
    gen_kwargs.setdefault("seed", config.seed)
    k = config.repeats
    if k > 1:
        _check_repeats(config, setup.tasks, setup.family, gen_kwargs, reporter)
    identity = setup.model.identity()
    samples = {
        task.name: plan_task(
            task,
            model_identity=identity,
            family=setup.family,
            limit=config.limit,
            num_fewshot=config.num_fewshot,
            gen_kwargs=gen_kwargs,
            workers=config.prefetch_workers,
            adjust_media=setup.model.adjust_media,
            repeats=k,
        )
        for task in setup.tasks
    }
    return _Planned(samples=samples, gen_kwargs=gen_kwargs, k=k)


# --- stage 3: answer what the journal does not hold yet ----------------------------------------------------


def _journal_paths(config: RunConfig, dist: DistContext) -> tuple[Path, Path]:
    """(this rank's journal, the main journal): data-parallel ranks other than 0 write their own file."""
    output = Path(config.output_path).expanduser()
    main = Path(config.use_cache).expanduser() if config.use_cache else output / "journal.sqlite"
    if main.is_dir() or (config.use_cache and not main.suffix):
        main = main / "journal.sqlite"
    if dist.enabled and not dist.is_main:
        return main.with_name(f"{main.stem}.rank{dist.rank}{main.suffix}"), main
    return main, main


def _answer(
    config: RunConfig, setup: _Setup, planned: _Planned, reporter: Reporter, dist: DistContext
) -> _Answered | None:
    """Send the pending requests (prefetch -> batch -> model -> journal) and collect every sample's
    response: this run's from memory (all ranks' gathered on rank 0), earlier ones from the journals.
    None on ranks other than 0."""
    model, all_samples = setup.model, planned.all_samples
    journal_path, main_journal = _journal_paths(config, dist)
    with Journal(journal_path) as journal:
        # every rank's journal now exists with its tables, and no rank has answered anything yet: all ranks
        # read the same state and so compute the same pending list
        dist.barrier()
        journal.add_readers(sorted(main_journal.parent.glob(f"{main_journal.stem}*{main_journal.suffix}")))
        for s in all_samples:
            if s.plan_error:
                journal.record(
                    s.request.key, s.task.name, s.doc.id, model.name, Response.failure(s.plan_error)
                )
        keys = [s.request.key for s in all_samples if not s.plan_error]
        done = journal.done_keys(keys)
        pending_map = {
            s.request.key: s.request for s in all_samples if not s.plan_error and s.request.key not in done
        }
        dist.barrier()
        pending = dist.shard(order_for_batching(list(pending_map.values())))
        batch_size = _batch_size(config, model, len(pending))
        share = f" ({len(pending)} on this rank of {dist.world_size})" if dist.enabled else ""
        how = "streamed" if model.capabilities.streaming else f"batch size {batch_size}"
        reporter.stage(
            f"{len(set(keys))} unique requests: {len(done)} already in the journal "
            f"({journal_path}), {len(pending_map)} to send{share} ({how})"
        )
        with reporter.progress(len(pending), f"{config.model}", model.live_status) as tick:
            stats = execute(
                model, pending, journal, batch_size=batch_size, workers=config.prefetch_workers, on_done=tick
            )
        model.close()
        gathered = dist.gather_to_main((stats.responses, stats.sent, stats.failed))
        if gathered is None:
            return None
        fresh = {key: r for part in gathered for key, r in part[0].items()}
        stored = journal.fetch(s.request.key for s in all_samples if s.request.key not in fresh)
        counts = journal.attempts(fresh)
    stored.update({key: (r, counts.get(key, 1)) for key, r in fresh.items()})
    return _Answered(
        stored=stored,
        journal_path=journal_path,
        batch_size=batch_size,
        n_cached=len(done),
        sent=sum(p[1] for p in gathered),
        failed=sum(p[2] for p in gathered),
    )


# --- stage 4: extract, score and aggregate -----------------------------------------------------------------


def _score(
    config: RunConfig, setup: _Setup, planned: _Planned, answered: _Answered, run_dir: Path
) -> _Scored:
    """Score every answered sample, aggregate each task (and group), write the samples files."""
    usage = Usage(
        requests_total=len({s.request.key for s in planned.all_samples}),
        requests_cached=answered.n_cached,
        requests_sent=answered.sent,
        requests_failed=answered.failed,
    )
    errors = _ErrorTally()
    task_results: dict[str, TaskResult] = {}
    for task in setup.tasks:
        task_samples = planned.samples[task.name]
        scored, records = _score_samples(
            config, setup.family, planned.k, task_samples, answered, usage, errors
        )
        task_results[task.name] = _task_result(config, setup.family, planned, task, task_samples, scored)
        if config.log_samples:
            from lmms_eval.results.writer import write_samples

            write_samples(run_dir, task.name, records)
    return _Scored(
        task_results=task_results,
        group_results=_group_results(setup.groups, task_results, planned.k),
        usage=usage,
        errors=errors.summaries(),
    )


class _ErrorTally:
    """Error reasons grouped by cause (paths and numbers stripped), with one example sample each."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.example: dict[str, tuple[str, str]] = {}

    def add(self, error: str, task: str, doc_id: str) -> None:
        reason = _reason_class(error)
        self.counts[reason] += 1
        self.example.setdefault(reason, (task, doc_id))

    def summaries(self) -> list[ErrorSummary]:
        return [
            ErrorSummary(
                reason=r, count=c, example_task=self.example[r][0], example_doc_id=self.example[r][1]
            )
            for r, c in self.counts.most_common(20)
        ]


def _score_samples(
    config: RunConfig,
    family: str | None,
    k: int,
    task_samples: list[Sample],
    answered: _Answered,
    usage: Usage,
    errors: _ErrorTally,
) -> tuple[list[Sample], list[dict[str, Any]]]:
    """The scored samples of one task (errors are counted, never scored) and their samples-file records."""
    scored: list[Sample] = []
    records: list[dict[str, Any]] = []
    for s in task_samples:
        found = answered.stored.get(s.request.key)
        response, attempts = found if found else (Response.failure("no response recorded"), 0)
        s.attempts = attempts
        if response.ok:
            if not config.predict_only:
                score_sample(s, response, family)
            scored.append(s)
            usage.input_tokens += response.usage.input_tokens or 0
            usage.output_tokens += response.usage.output_tokens or 0
            usage.reasoning_tokens += response.usage.reasoning_tokens or 0
        else:
            errors.add(response.error or "", s.task.name, s.doc.id)
        if config.log_samples:
            records.append(_sample_record(s, response, attempts, k))
    return scored, records


def _sample_record(s: Sample, response: Response, attempts: int, k: int) -> dict[str, Any]:
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
    }


def _task_result(
    config: RunConfig,
    family: str | None,
    planned: _Planned,
    task: Task,
    task_samples: list[Sample],
    scored: list[Sample],
) -> TaskResult:
    """Aggregate one task's scores (by repeat reducer with --repeats) into its metrics."""
    k, gen_kwargs = planned.k, planned.gen_kwargs
    n_errors = len(task_samples) - len(scored)
    n_docs = len({s.doc.id for s in task_samples}) if k > 1 else len(task_samples)
    repeat_stats: RepeatStats | None = None
    metrics: dict[str, MetricResult] = {}
    breakdown: dict[str, Any] = {}
    if config.predict_only:
        if k > 1:
            repeat_stats = RepeatStats(
                k=k,
                reducer=config.repeat_reducer,
                seeds=_repeat_seeds(task, family, gen_kwargs, k),
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
            seeds=_repeat_seeds(task, family, gen_kwargs, k),
            bootstrap_iters=config.bootstrap_iters,
            seed=config.seed,
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
            source=task.spec.dataset.describe(), fingerprint=task.fingerprint, revision=task.revision
        ),
        generation=task.generation(family, gen_kwargs).model_dump(),
        repeats=repeat_stats,
    )


def _group_results(
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


# --- stage 5: the verdict and the results record -----------------------------------------------------------


def _failure(config: RunConfig, task_results: dict[str, TaskResult], total: int) -> str | None:
    """Why the run failed (errors over the budget, a task with nothing scored), or None."""
    total_errors = sum(r.n_errors for r in task_results.values())
    budget = config.error_budget(total)
    if total_errors > budget:
        return (
            f"{total_errors} of {total} samples failed (allowed: {budget}, --max_errors {config.max_errors}). "
            "Results were written; run the same command again to retry only the failed requests."
        )
    empty = [n for n, r in task_results.items() if r.n_scored == 0]
    if not config.predict_only and empty:
        return f"No sample could be scored for: {', '.join(empty)}"
    return None


def _results(
    config: RunConfig,
    setup: _Setup,
    planned: _Planned,
    answered: _Answered,
    scored: _Scored,
    clock: _Clock,
    failure: str | None,
    command: list[str] | None,
) -> Results:
    from lmms_eval.results.environment import collect_environment

    return Results(
        run_id=clock.run_id,
        status="failed" if failure else "success",
        failure_reason=failure,
        results=scored.task_results,
        groups=scored.group_results,
        config=RunSettings(
            model=config.model,
            model_args=redact(dict(config.model_args)),
            model_identity=setup.model.identity_hash(),
            model_family=setup.family,
            tasks=config.tasks,
            batch_size=answered.batch_size,
            limit=config.limit,
            gen_kwargs=config.gen_kwargs,
            seed=config.seed,
            repeats=planned.k,
            repeat_reducer=config.repeat_reducer,
            num_fewshot=config.num_fewshot,
            bootstrap_iters=config.bootstrap_iters,
            max_errors=config.max_errors,
            predict_only=config.predict_only,
            data_root=str(setup.data_root),
            journal=str(answered.journal_path),
            command=redact_command(command or sys.argv),
        ),
        environment=collect_environment(),
        timings=clock.timings(),
        usage=scored.usage,
        errors=scored.errors,
    )


def _repeat_seeds(task: Task, family: str | None, gen_kwargs: dict[str, Any], k: int) -> list[int]:
    base = task.generation(family, gen_kwargs).seed
    return [(base or 0) + r for r in range(k)]


def _check_repeats(
    config: RunConfig, tasks: list[Task], family: str | None, gen_kwargs: dict[str, Any], reporter: Reporter
) -> None:
    """Reducers that cannot apply fail now; repeats that cannot differ are warned about."""
    for task in tasks:
        check_reducer(task, config.repeat_reducer)
        if task.spec.output_type == "choice_loglikelihood":
            reporter.stage(
                f"warning: --repeats {config.repeats}: task '{task.name}' scores choices by log-likelihood, "
                "which does not sample: its repeats will all be the same"
            )
        elif task.generation(family, gen_kwargs).temperature == 0:
            reporter.stage(
                f"warning: --repeats {config.repeats} with temperature 0 for task '{task.name}': greedy "
                "decoding gives the same answer for every seed; sample with --gen_kwargs temperature=0.7 "
                "(or any value > 0)"
            )


def _reason_class(error: str) -> str:
    """Group error messages: strip paths and numbers so one cause counts once."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|/\S+", "…", error)
    return re.sub(r"\d+", "N", text)[:200]


def _batch_size(config: RunConfig, model: Model, pending: int) -> int:
    caps = model.capabilities
    if caps.streaming and config.batch_size == "auto":  # batches would idle slots at each boundary
        return max(1, pending)
    size = caps.default_batch_size if config.batch_size == "auto" else int(config.batch_size)
    if caps.max_batch_size:
        size = min(size, caps.max_batch_size)
    return max(1, size)
