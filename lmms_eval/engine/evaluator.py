"""The evaluator: plan -> prefetch media -> batch -> call model -> journal -> extract -> score -> aggregate.

``evaluate(config)`` returns the Results (also written to disk). Nothing here prints: progress and stage
messages go to a Reporter, which the CLI renders (tqdm bar, log lines).
"""

from __future__ import annotations

import gc
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import ConfigError, RunFailedError
from lmms_eval.engine.answer import Answered, answer_pending
from lmms_eval.engine.config import RunConfig
from lmms_eval.engine.distributed import DistContext
from lmms_eval.engine.plan import Sample, plan_task
from lmms_eval.engine.repeats import check_reducer
from lmms_eval.engine.score import check_names
from lmms_eval.engine.stages import Planned, Reporter, Setup
from lmms_eval.engine.task_results import Scored, score_run
from lmms_eval.models import MODELS
from lmms_eval.models.base import Model, redact, redact_command
from lmms_eval.results.schema import (
    Results,
    RunSettings,
    TaskResult,
    Timings,
)
from lmms_eval.results.writer import write_results
from lmms_eval.tasks.data_root import resolve_data_root
from lmms_eval.tasks.index import TaskIndex
from lmms_eval.tasks.spec import GroupSpec, TaskSpec
from lmms_eval.tasks.task import Task
from lmms_eval.tasks.yaml_loader import parse_spec


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
    """The tasks to run (suites, groups and tags expanded; a suite's subset set on its tasks) and each
    requested group with its member tasks."""
    from lmms_eval.engine.subset import subset_for
    from lmms_eval.tasks.suite import reported_names, task_subsets

    index = TaskIndex.build(config.include_path, data_root)
    names = index.expand(config.tasks)
    subsets = task_subsets(index, config.tasks)
    groups: dict[str, tuple[GroupSpec, list[str]]] = {}
    for name in reported_names(index, config.tasks):
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
        task = Task(spec, Path(entry.path), data_root)
        if name in subsets:
            suite, subset = subsets[name]
            task.subset = subset_for(suite, name, subset, spec.breakdown, spec.cluster_key)
        tasks.append(task)
    return tasks, groups


def evaluate(
    config: RunConfig, reporter: Reporter | None = None, command: list[str] | None = None
) -> RunOutcome | None:
    """Run an evaluation. Under torchrun / accelerate launch every rank calls this; rank 0 returns the
    outcome, the other ranks return None after handing their responses to rank 0."""
    dist = DistContext.from_env()
    try:
        with _rare_garbage_collection():
            return _evaluate(config, reporter if dist.is_main and reporter else Reporter(), command, dist)
    finally:
        dist.close()


@contextmanager
def _rare_garbage_collection(young: int = 50_000) -> Iterator[None]:
    """A run allocates hundreds of thousands of small objects (docs, requests, responses, scores) that live
    until it ends. With Python's default thresholds the cyclic collector rescans them every 700 allocations:
    30% of the overhead benchmark's time (benchmarks/README.md). Objects that exist at the start are frozen
    (never scanned) and young ones are collected every ``young`` allocations; both are restored after."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young, threshold[1], threshold[2])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _evaluate(
    config: RunConfig, reporter: Reporter, command: list[str] | None, dist: DistContext
) -> RunOutcome | None:
    """Load -> plan -> answer (prefetch, batch, model, journal) -> score and aggregate -> verdict -> results."""
    clock = _Clock()
    setup = _load(config)
    planned = _plan(config, setup, reporter)
    clock.lap("plan")
    answered = answer_pending(config, setup, planned, reporter, dist)
    clock.lap("model")
    if answered is None:  # a data-parallel rank other than 0: its answers went to rank 0
        return None
    run_dir = Path(config.output_path).expanduser() / _slug(config.model) / clock.run_id
    scored = score_run(config, setup, planned, answered, run_dir)
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


# --- stage 1: load the model and the tasks -----------------------------------------------------------------


def _load(config: RunConfig) -> Setup:
    data_root = resolve_data_root(config.data_root)
    model = build_model(config)
    tasks, groups = load_tasks(config, data_root)
    for task in tasks:
        check_names(task, model.family)
        if task.spec.output_type == "choice_loglikelihood" and not model.capabilities.loglikelihood:
            raise ConfigError(
                f"Task '{task.name}' scores choices by log-likelihood; model '{config.model}' cannot"
            )
    return Setup(data_root=data_root, model=model, tasks=tasks, groups=groups)


# --- stage 2: plan every request ---------------------------------------------------------------------------


def _plan(config: RunConfig, setup: Setup, reporter: Reporter) -> Planned:
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
    return Planned(samples=samples, gen_kwargs=gen_kwargs, k=k)


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
    setup: Setup,
    planned: Planned,
    answered: Answered,
    scored: Scored,
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
