"""The schema of a suite file (see :mod:`lmms_eval.tasks.suite` and docs/suites.md)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lmms_eval.tasks.suite import SUITE_PREFIX


class SubsetSpec(BaseModel):
    """A deterministic share of each task's docs: about ``fraction`` of them (never more), kept by a seeded
    hash of (task, doc id), stratified by a column so each stratum keeps its share, with at least
    ``min_per_stratum`` docs per stratum while the task's budget allows.

    ``stratify``: ``auto`` (the task's first ``breakdown`` column, none when it has no breakdown), ``none``, or
    a column name used for every task of the suite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fraction: float = Field(gt=0, le=1)
    seed: int = 0
    stratify: str = "auto"
    min_per_stratum: int = Field(default=1, ge=0)


class SuiteSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suite: str
    description: str
    tasks: list[str]
    subset: SubsetSpec | None = None
    citation: str | None = None

    @field_validator("suite")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not value or value.startswith(SUITE_PREFIX) or "," in value or " " in value:
            raise ValueError(
                f"a suite name is a plain word (no 'suite:' prefix, commas or spaces), got {value!r}"
            )
        return value

    @field_validator("tasks")
    @classmethod
    def _some_tasks(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("a suite names at least one task")
        dupes = sorted({t for t in value if value.count(t) > 1})
        if dupes:
            raise ValueError(f"tasks named twice: {dupes}")
        return value
