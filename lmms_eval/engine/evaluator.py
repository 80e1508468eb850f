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
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    data_root = resolve_data_root(config.data_root)
    model = build_model(config)
    family = model.family
    tasks, groups = load_tasks(config, data_root)
    for task in tasks:
        check_names(task, family)
        if task.spec.output_type == "choice_loglikelihood" and not model.capabilities.loglikelihood:
            raise ConfigError(
                f"Task '{task.name}' scores choices by log-likelihood; model '{config.model}' cannot"
            )

    reporter.stage(f"Planning {len(tasks)} task(s) for model '{config.model}' (data root: {data_root})")
    identity = model.identity()
    gen_kwargs = dict(config.gen_kwargs)
    gen_kwargs.setdefault("seed", config.seed)
    k = config.repeats
    if k > 1:
        _check_repeats(config, tasks, family, gen_kwargs, reporter)
    samples: dict[str, list[Sample]] = {}
    for task in tasks:
        samples[task.name] = plan_task(
            task,
            model_identity=identity,
            family=family,
            limit=config.limit,
            num_fewshot=config.num_fewshot,
            gen_kwargs=gen_kwargs,
            workers=config.prefetch_workers,
            adjust_media=model.adjust_media,
            repeats=k,
        )
    plan_s = time.perf_counter() - t0

    output = Path(config.output_path).expanduser()
    journal_path = Path(config.use_cache).expanduser() if config.use_cache else output / "journal.sqlite"
    if journal_path.is_dir() or (config.use_cache and not journal_path.suffix):
        journal_path = journal_path / "journal.sqlite"
    main_journal = journal_path
    if dist.enabled and not dist.is_main:  # each data-parallel rank writes its own file, all are read
        journal_path = journal_path.with_name(f"{journal_path.stem}.rank{dist.rank}{journal_path.suffix}")
    all_samples = [s for group in samples.values() for s in group]
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
        t1 = time.perf_counter()
        with reporter.progress(len(pending), f"{config.model}", model.live_status) as tick:
            stats = execute(
                model, pending, journal, batch_size=batch_size, workers=config.prefetch_workers, on_done=tick
            )
        model.close()
        model_s = time.perf_counter() - t1
        # this run's responses are in memory (all ranks' gathered on rank 0); earlier ones come from the journals
        gathered = dist.gather_to_main((stats.responses, stats.sent, stats.failed))
        if gathered is None:
            return None
        fresh = {k: r for part in gathered for k, r in part[0].items()}
        stats.sent, stats.failed = sum(p[1] for p in gathered), sum(p[2] for p in gathered)
        stored = journal.fetch(s.request.key for s in all_samples if s.request.key not in fresh)
        counts = journal.attempts(fresh)
        stored.update({k: (r, counts.get(k, 1)) for k, r in fresh.items()})

    t2 = time.perf_counter()
    run_id = started.strftime("%Y%m%d_%H%M%S")
    run_dir = output / _slug(config.model) / run_id
    task_results: dict[str, TaskResult] = {}
    error_reasons: Counter[str] = Counter()
    error_example: dict[str, tuple[str, str]] = {}
    usage = Usage(
        requests_total=len(set(s.request.key for s in all_samples)),
        requests_cached=len(done),
        requests_sent=stats.sent,
        requests_failed=stats.failed,
    )
    for task in tasks:
        task_samples = samples[task.name]
        scored: list[Sample] = []
        n_errors = 0
        records: list[dict[str, Any]] = []
        for s in task_samples:
            found = stored.get(s.request.key)
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
                n_errors += 1
                reason = _reason_class(response.error or "")
                error_reasons[reason] += 1
                error_example.setdefault(reason, (task.name, s.doc.id))
            if config.log_samples:  # the fields of SampleRecord (docs/results_schema.md), written directly
                records.append(
                    {
                        "task": task.name,
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
                )
        n_docs = len({s.doc.id for s in task_samples}) if k > 1 else len(task_samples)
        repeat_stats: RepeatStats | None = None
        if config.predict_only:
            metrics: dict[str, MetricResult] = {}
            breakdown: dict[str, Any] = {}
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
        task_results[task.name] = TaskResult(
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
        if config.log_samples:
            from lmms_eval.results.writer import write_samples

            write_samples(run_dir, task.name, records)
    group_results = {
        name: combine_group(name, spec, [task_results[t] for t in members])
        for name, (spec, members) in groups.items()
    }
    if k > 1:
        for name, (spec, members) in groups.items():
            group_results[name].repeats = combine_repeat_stats(
                spec.aggregate, [task_results[t] for t in members]
            )
    scoring_s = time.perf_counter() - t2

    total = len(all_samples)
    total_errors = sum(r.n_errors for r in task_results.values())
    budget = config.error_budget(total)
    failure = None
    if total_errors > budget:
        failure = (
            f"{total_errors} of {total} samples failed (allowed: {budget}, --max_errors {config.max_errors}). "
            "Results were written; run the same command again to retry only the failed requests."
        )
    elif not config.predict_only and any(r.n_scored == 0 for r in task_results.values()):
        empty = [n for n, r in task_results.items() if r.n_scored == 0]
        failure = f"No sample could be scored for: {', '.join(empty)}"

    from lmms_eval.results.environment import collect_environment
    from lmms_eval.results.writer import write_results

    finished = datetime.now(timezone.utc)
    results = Results(
        run_id=run_id,
        status="failed" if failure else "success",
        failure_reason=failure,
        results=task_results,
        groups=group_results,
        config=RunSettings(
            model=config.model,
            model_args=redact(dict(config.model_args)),
            model_identity=model.identity_hash(),
            model_family=family,
            tasks=config.tasks,
            batch_size=batch_size,
            limit=config.limit,
            gen_kwargs=config.gen_kwargs,
            seed=config.seed,
            repeats=k,
            repeat_reducer=config.repeat_reducer,
            num_fewshot=config.num_fewshot,
            bootstrap_iters=config.bootstrap_iters,
            max_errors=config.max_errors,
            predict_only=config.predict_only,
            data_root=str(data_root),
            journal=str(journal_path),
            command=redact_command(command or sys.argv),
        ),
        environment=collect_environment(),
        timings=Timings(
            started_at=started.isoformat(),
            finished_at=finished.isoformat(),
            total_s=time.perf_counter() - t0,
            plan_s=plan_s,
            model_s=model_s,
            scoring_s=scoring_s,
        ),
        usage=usage,
        errors=[
            ErrorSummary(
                reason=r, count=c, example_task=error_example[r][0], example_doc_id=error_example[r][1]
            )
            for r, c in error_reasons.most_common(20)
        ],
    )
    write_results(run_dir, results)
    outcome = RunOutcome(results=results, run_dir=run_dir, samples=samples)
    if failure:
        raise RunFailedError(failure, outcome)
    return outcome


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
