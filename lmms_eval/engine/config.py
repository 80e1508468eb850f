"""The settings of one evaluation run (what the CLI flags and ``--config FILE`` fill in)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
