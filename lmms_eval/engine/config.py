"""The settings of one evaluation run (what the CLI flags and ``--config FILE`` fill in)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lmms_eval.core.errors import ConfigError


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = "dummy"
    model_args: dict[str, Any] = Field(default_factory=dict)
    tasks: list[str]
    batch_size: int | Literal["auto"] = "auto"
    limit: float | None = None
    output_path: str = "results"
    log_samples: bool = True
    gen_kwargs: dict[str, Any] = Field(default_factory=dict)
    seed: int = 0
    #: samples per doc; repeat r runs with generation seed ``seed + r`` (see docs/repeats.md)
    repeats: int = Field(default=1, ge=1)
    #: how a doc's k scores become one: mean, majority, pass_at_k, all_k, or pass_at_J (J <= k)
    repeat_reducer: str = "mean"
    num_fewshot: int | None = None
    include_path: list[str] = Field(default_factory=list)
    predict_only: bool = False
    use_cache: str | None = None
    max_errors: str = "0"
    bootstrap_iters: int = 1000
    data_root: str | None = None
    prefetch_workers: int = 4
    verbosity: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("tasks")
    @classmethod
    def _some_tasks(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one task is needed (--tasks a,b,c)")
        return value

    @field_validator("batch_size", mode="before")
    @classmethod
    def _batch(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower().startswith("auto"):
            return "auto"
        return value

    @field_validator("repeat_reducer")
    @classmethod
    def _reducer(cls, value: str) -> str:
        if value not in REDUCERS and not re.fullmatch(r"pass_at_[1-9][0-9]*", value):
            raise ValueError(
                f"unknown repeat reducer {value!r}; expected one of {', '.join(REDUCERS)} or pass_at_J "
                "(J a positive integer)"
            )
        return value

    @model_validator(mode="after")
    def _reducer_fits(self) -> RunConfig:
        j = pass_at_j(self.repeat_reducer)
        if j is not None and j > self.repeats:
            raise ValueError(f"--repeat_reducer {self.repeat_reducer} needs --repeats >= {j}")
        return self

    def error_budget(self, total: int) -> int:
        """How many failed samples are tolerated: ``--max_errors`` as a count, a fraction, or a percent."""
        raw = self.max_errors.strip()
        try:
            if raw.endswith("%"):
                return int(float(raw[:-1]) / 100 * total)
            value = float(raw)
        except ValueError:
            raise ConfigError(
                f"--max_errors must be a count (5), a fraction (0.05) or a percent (5%), got {raw!r}"
            ) from None
        if value < 0:
            raise ConfigError("--max_errors cannot be negative")
        return int(value * total) if 0 < value < 1 else int(value)


REDUCERS = ("mean", "majority", "pass_at_k", "all_k")


def pass_at_j(reducer: str) -> int | None:
    """J of a ``pass_at_J`` reducer (``pass_at_4``), else None (``pass_at_k`` is the best of all k)."""
    match = re.fullmatch(r"pass_at_([0-9]+)", reducer)
    return int(match.group(1)) if match else None


def parse_kv(text: str | None, what: str) -> dict[str, Any]:
    """Parse ``a=1,b=x`` into a dict of strings (pydantic converts types later). Values may contain '='."""
    out: dict[str, Any] = {}
    if not text:
        return out
    for item in text.split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{what}: expected key=value pairs separated by commas, got {item!r}")
        out[key.strip()] = value.strip()
    return out
