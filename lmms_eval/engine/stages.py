"""What the evaluator's stages hand each other: the loaded setup, the planned samples, and the Reporter
that receives their progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lmms_eval.engine.plan import Sample
from lmms_eval.models.base import Model
from lmms_eval.tasks.spec import GroupSpec
from lmms_eval.tasks.task import Task


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
class Setup:
    data_root: Path
    model: Model
    tasks: list[Task]
    groups: dict[str, tuple[GroupSpec, list[str]]]

    @property
    def family(self) -> str | None:
        return self.model.family


@dataclass
class Planned:
    samples: dict[str, list[Sample]]
    gen_kwargs: dict[str, Any]
    k: int

    @property
    def all_samples(self) -> list[Sample]:
        return [s for group in self.samples.values() for s in group]

    @property
    def n_samples(self) -> int:
        return sum(len(group) for group in self.samples.values())
