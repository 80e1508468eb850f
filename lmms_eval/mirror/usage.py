"""Which mirrorable Hub splits the tasks use (their ``dataset.hub``, few-shot ``dataset.hub``, and the
``join.hub`` splits joined to either), and which Hub repos' media files (``dataset.media``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lmms_eval.core.errors import ConfigError, LmmsEvalError
from lmms_eval.mirror.layout import SplitKey, is_repo_id, not_mirrorable
from lmms_eval.tasks.index import TaskIndex
from lmms_eval.tasks.spec import DatasetSpec, HubSource, TaskSpec


@dataclass
class SplitUse:
    """One Hub split and the tasks that read it."""

    key: SplitKey
    source: HubSource
    tasks: list[str] = field(default_factory=list)


@dataclass
class MediaUse:
    """One Hub repo's media files and the tasks that read them: the union of their ``files`` patterns
    (pattern -> extract), at one revision (None: the default branch)."""

    repo: str
    revision: str | None
    patterns: dict[str, bool] = field(default_factory=dict)
    tasks: list[str] = field(default_factory=list)


@dataclass
class Usage:
    splits: dict[SplitKey, SplitUse] = field(default_factory=dict)
    #: repo -> the media files the tasks read from it
    media: dict[str, MediaUse] = field(default_factory=dict)
    #: (task, why it has nothing to mirror): local tasks, local-path hub datasets, ...
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def for_task(self, task: str) -> list[SplitUse]:
        return [u for u in self.splits.values() if task in u.tasks]

    def media_for_task(self, task: str) -> list[MediaUse]:
        return [u for u in self.media.values() if task in u.tasks]


def hub_sources(spec: TaskSpec) -> list[HubSource]:
    datasets = [spec.dataset] if spec.fewshot is None else [spec.dataset, spec.fewshot.dataset]
    sources = [s for d in datasets for s in (d.hub, d.join.hub if d.join is not None else None)]
    return [s for s in sources if s is not None]


def media_specs(spec: TaskSpec) -> list[DatasetSpec]:
    """The task's datasets (its own, its few-shot one) that name media files."""
    datasets = [spec.dataset] if spec.fewshot is None else [spec.dataset, spec.fewshot.dataset]
    return [d for d in datasets if d.media is not None]


def add_media_use(usage: Usage, name: str, dataset: DatasetSpec) -> None:
    """Record that task ``name`` reads ``dataset.media``; two tasks reading one repo at different
    revisions, or one pattern with different ``extract`` choices, are a ConfigError (the mirror holds one
    layout per repo)."""
    from lmms_eval.tasks.sources.media import MediaRequest

    request = MediaRequest.of(dataset)
    if not is_repo_id(request.repo):
        usage.skipped.append((name, f"media repo '{request.repo}' is not a Hub dataset id (owner/name)"))
        return
    use = usage.media.setdefault(request.repo, MediaUse(request.repo, request.revision))
    if use.revision != request.revision:
        raise ConfigError(
            f"Tasks {', '.join(use.tasks)} and {name} read the media of {request.repo} at different revisions "
            f"({use.revision} and {request.revision}); the mirror holds one: pin the same revision"
        )
    for pattern, extract in request.wanted.items():
        if use.patterns.setdefault(pattern, extract) != extract:
            raise ConfigError(
                f"Tasks {', '.join(use.tasks)} and {name} read the media files '{pattern}' of {request.repo} "
                "with different 'extract' choices; the mirror holds one layout"
            )
    if name not in use.tasks:
        use.tasks.append(name)


def task_usage(index: TaskIndex, names: Iterable[str] | None = None) -> Usage:
    """The Hub splits of the named tasks (groups and tags expanded), or of every task in the index.

    Two tasks that read one split at different revisions are a ConfigError: the mirror holds one."""
    from lmms_eval.tasks.yaml_loader import parse_spec

    tasks = index.expand(names) if names else [e.name for e in index.entries if e.kind == "task"]
    usage = Usage()
    for name in tasks:
        entry = index.get(name)
        try:
            spec = parse_spec(Path(entry.path))
        except LmmsEvalError as exc:
            usage.skipped.append((name, str(exc)))
            continue
        if not isinstance(spec, TaskSpec):
            continue
        sources = hub_sources(spec)
        for dataset in media_specs(spec):
            add_media_use(usage, name, dataset)
        if not sources and not media_specs(spec):
            usage.skipped.append((name, f"reads local files ({spec.dataset.describe()})"))
        for source in sources:
            reason = not_mirrorable(source)
            if reason is not None:
                usage.skipped.append((name, reason))
                continue
            key = SplitKey.of(source)
            use = usage.splits.setdefault(key, SplitUse(key, source))
            if use.source.revision != source.revision:
                raise ConfigError(
                    f"Tasks {', '.join(use.tasks)} and {name} read {key.label} at different revisions "
                    f"({use.source.revision} and {source.revision}); the mirror holds one: pin the same "
                    "revision in their YAML files"
                )
            if name not in use.tasks:
                use.tasks.append(name)
    return usage
