"""The results format, version ``SCHEMA_VERSION``. Documented field by field in docs/results_schema.md.

Schema version notes: optional fields with defaults are added without a version bump, so older files still
validate. Added since version 1 was first written: ``repeats`` (TaskResult), ``repeats``/``repeat_reducer``
(RunSettings), ``repeat`` (samples lines) for ``--repeats``; ``circular`` (TaskResult) and ``rotation``
(samples lines) for circular evaluation; ``origin`` and ``docs_fingerprint`` (DatasetInfo); ``subset``
(TaskResult) for a suite's subset of the docs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lmms_eval.core.types import AudioUse, VideoSampling

RESULTS_SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MetricResult(_Model):
    value: float | None
    stderr: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_errors: int = 0
    method: str = "analytic"
    aggregation: str = "mean"
    higher_is_better: bool = True
    scale: float = 1.0


class DatasetInfo(_Model):
    source: str
    fingerprint: str | None = None
    #: the dataset revision the docs came from (the mirror's recorded one, the Hub pin); null for local files
    revision: str | None = None
    #: where the docs were read from: "mirror" (DATA_ROOT/hf), "hub" (datasets), "local" (files)
    origin: str | None = None
    #: sha256 over the docs evaluated, in order: each doc id, prompt (text, media sha256s) and target
    docs_fingerprint: str | None = None


class RepeatStats(_Model):
    """``--repeats k``: how the k samples per doc were reduced, and how stable they were."""

    k: int
    reducer: str
    #: the generation seeds of repeats 0..k-1
    seeds: list[int] = Field(default_factory=list)
    #: (doc, repeat) requests planned, and those scored
    n_samples: int
    n_scored: int
    #: docs with all k repeats scored
    n_docs_complete: int
    #: share of docs (with >= 2 scored repeats) whose extracted answers are all identical
    consistency: MetricResult | None = None
    #: per metric (mean aggregation): the mean over docs of each doc's mean score
    expected: dict[str, MetricResult] = Field(default_factory=dict)
    #: per metric (mean aggregation): the mean over docs of the variance (ddof 1) of a doc's scores, in the
    #: metric's units squared
    within_doc_variance: dict[str, float | None] = Field(default_factory=dict)


class CircularStats(_Model):
    """Circular evaluation: the (doc, rotation) requests behind ``circular_<metric>`` and ``<metric>``."""

    #: (doc, rotation) requests planned, and those scored
    n_requests: int
    n_scored: int
    #: docs with every rotation scored (the docs ``circular_<metric>`` is computed over)
    n_docs_complete: int
    #: docs asked once, unrotated (fewer than two options, or options naming option letters)
    n_docs_single: int


class SubsetInfo(_Model):
    """A task run on a suite's subset of its docs (``--tasks suite:lite``): its numbers are not the full
    benchmark's. See docs/suites.md."""

    #: the suite whose ``subset`` settings chose the docs
    suite: str
    fraction: float
    seed: int
    #: the column the docs were stratified by (null: none)
    stratify: str | None
    min_per_stratum: int
    #: the task's docs, and those the subset kept (before ``--limit``)
    n_full: int
    n_selected: int


class TaskResult(_Model):
    name: str
    kind: Literal["task", "group"] = "task"
    version: str = "1"
    n_docs: int
    n_scored: int
    n_errors: int
    metrics: dict[str, MetricResult]
    breakdown: dict[str, dict[str, dict[str, MetricResult]]] = Field(default_factory=dict)
    dataset: DatasetInfo | None = None
    generation: dict[str, Any] = Field(default_factory=dict)
    subtasks: list[str] = Field(default_factory=list)
    aggregate: str | None = None
    repeats: RepeatStats | None = None
    #: circular evaluation (``circular:`` in the task): its request counts, else null
    circular: CircularStats | None = None
    #: a suite's subset of the docs (``--tasks suite:lite``), else null: then the task ran on every doc
    subset: SubsetInfo | None = None


class RunSettings(_Model):
    model: str
    model_args: dict[str, Any]
    model_identity: str
    model_family: str | None = None
    tasks: list[str]
    batch_size: int | str
    limit: float | None
    gen_kwargs: dict[str, Any]
    seed: int
    repeats: int = 1
    repeat_reducer: str = "mean"
    num_fewshot: int | None
    bootstrap_iters: int
    max_errors: str
    predict_only: bool
    data_root: str
    journal: str
    command: list[str] = Field(default_factory=list)


class Environment(_Model):
    lmms_eval_version: str
    python: str
    platform: str
    machine: str
    cpu_count: int | None
    packages: dict[str, str]
    git_commit: str | None = None
    gpus: list[str] = Field(default_factory=list)


class Timings(_Model):
    started_at: str
    finished_at: str
    total_s: float
    plan_s: float
    model_s: float
    scoring_s: float


class Usage(_Model):
    requests_total: int
    requests_cached: int
    requests_sent: int
    requests_failed: int
    input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0


class ErrorSummary(_Model):
    reason: str
    count: int
    example_task: str
    example_doc_id: str


class Results(_Model):
    schema_version: int = RESULTS_SCHEMA_VERSION
    run_id: str
    status: Literal["success", "failed"]
    failure_reason: str | None = None
    results: dict[str, TaskResult]
    groups: dict[str, TaskResult] = Field(default_factory=dict)
    config: RunSettings
    environment: Environment
    timings: Timings
    usage: Usage
    errors: list[ErrorSummary] = Field(default_factory=list)


class SampleRecord(_Model):
    """One line of ``samples_<task>.jsonl``."""

    task: str
    doc_id: str
    cache_key: str
    prompt: list[dict[str, Any]]
    target: Any
    response: str | None
    error: str | None
    extracted: str | None
    scores: dict[str, float]
    latency_s: float | None
    attempts: int
    #: with ``--repeats k``: 0..k-1 (one line per doc and repeat); absent without repeats
    repeat: int = 0
    #: circular tasks: the rotation of the options, 0..n-1 (one line per doc and rotation); absent otherwise
    rotation: int = 0
    #: requests with video or audio: how each video was sampled (policy, who set it, frame times) and each
    #: audio windowed; absent otherwise
    media: list[Annotated[VideoSampling | AudioUse, Field(discriminator="type")]] | None = None
