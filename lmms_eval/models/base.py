"""The model interface: a batch of Requests in, Responses out; optional log-likelihood scoring."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from lmms_eval.core.errors import ConfigError, LmmsEvalError, closest
from lmms_eval.core.types import LoglikelihoodRequest, LoglikelihoodResponse, MediaPart, Request, Response


class Capabilities(BaseModel):
    """What a backend can do; the engine plans batches and media decoding from this."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    modalities: frozenset[str] = frozenset({"text"})
    batching: bool = False
    default_batch_size: int = 1
    max_batch_size: int | None = None
    concurrency: int = 1
    #: the backend takes every pending request at once (``generate_stream``) and keeps its own number in
    #: flight (remote APIs); the engine then does not cut them into batches
    streaming: bool = False
    loglikelihood: bool = False
    needs_decoded_media: bool = True


@dataclass
class AnswerGroup:
    """Answers a model hands to the engine together, as ``(index in the batch, response)`` pairs.
    ``on_committed``, when set, is called once the engine has committed them to the journal: a remote backend holds each request's concurrency slot until then, so
    requests sent but not yet durable never outnumber its concurrency limit."""

    answers: list[tuple[int, Response]]
    on_committed: Callable[[], None] | None = None


class ModelArgs(BaseModel):
    """Base for each backend's arguments: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Model(ABC):
    """Subclasses set ``name``, ``Args`` and ``capabilities`` and implement ``generate``."""

    name: ClassVar[str] = "model"
    Args: ClassVar[type[ModelArgs]] = ModelArgs
    capabilities: ClassVar[Capabilities] = Capabilities()
    #: argument names that do not change outputs (excluded from the cache key)
    runtime_args: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, args: ModelArgs) -> None:
        self.args = args

    @classmethod
    def from_args(cls, raw: dict[str, Any]) -> Model:
        known = list(cls.Args.model_fields)
        for key in raw:
            if key not in cls.Args.model_fields:
                hint = closest(key, known, n=1)
                did = f" Did you mean '{hint[0]}'?" if hint else ""
                raise ConfigError(
                    f"Unknown argument '{key}' for model '{cls.name}'.{did} Valid: {', '.join(known)}"
                )
        try:
            args = cls.Args.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"Invalid model_args for '{cls.name}': {problems}") from None
        return cls(args)

    @property
    def family(self) -> str | None:
        """The model family used to pick prompt overrides (e.g. 'qwen2_vl'); None for generic."""
        return None

    def identity(self) -> dict[str, Any]:
        """What determines this model's outputs: part of every cache key."""
        args = self.args.model_dump(mode="json", exclude=set(self.runtime_args))
        return {"model": self.name, "args": args}

    def identity_hash(self) -> str:
        blob = json.dumps(self.identity(), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @abstractmethod
    def generate(self, requests: Sequence[Request]) -> list[Response]:
        """One Response per Request, same order. A failed request is ``Response.failure(reason)``."""

    def live_status(self) -> dict[str, str] | None:
        """Live counters shown beside the progress bar (in flight, retries, ...), or None."""
        return None

    def generate_stream(self, requests: Sequence[Request]) -> Iterator[AnswerGroup]:
        """Yield the answers in groups as they arrive: each group holds every answer received since the
        previous one. Backends with concurrency override this; the default yields the batch as one group."""
        yield AnswerGroup(list(enumerate(self.generate(requests))))

    def score_choices(self, requests: Sequence[Request]) -> list[Response]:
        """For requests with ``choices``: each choice's summed log-probability as the assistant's reply
        (``Response.logprobs``, in order) and the most likely choice as ``Response.text``."""
        raise LmmsEvalError(f"Model '{self.name}' cannot score choices by log-likelihood")

    def adjust_media(self, part: MediaPart) -> None:
        """Fill in media settings the task left open (frames, pixel budget, sampling rate) before the
        request is keyed and decoded. The default leaves parts as the task declared them."""

    def loglikelihood(self, requests: Sequence[LoglikelihoodRequest]) -> list[LoglikelihoodResponse]:
        raise LmmsEvalError(f"Model '{self.name}' does not support log-likelihood scoring")

    def close(self) -> None:
        """Release resources (servers, GPU memory)."""


def json_object(value: Any, name: str) -> Any:
    """A dict model argument given on the command line as a JSON string (``'{"top_k": 20}'``); an empty
    string is an empty dict. Other values pass through for pydantic to check."""
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"{name} must be a JSON object: {exc}") from None
        if not isinstance(parsed, dict):
            raise ValueError(f"{name} must be a JSON object, got {type(parsed).__name__}")
        return parsed
    return value


_SECRET_WORDS = ("key", "token", "secret", "password", "auth")


def _secret(name: str) -> bool:
    return any(w in name.lower() for w in _SECRET_WORDS) and not name.lower().endswith("_env")


def redact(args: dict[str, Any]) -> dict[str, Any]:
    """Model args with anything that looks like a secret replaced by '***' (``api_key_env``, which names
    an environment variable, is kept)."""
    return {k: ("***" if _secret(k) and v else v) for k, v in args.items()}


def redact_command(argv: list[str]) -> list[str]:
    """A command line with the values of secret-looking ``key=value`` pairs replaced by '***'."""
    out = []
    for arg in argv:
        if "=" in arg:
            pairs = []
            for item in arg.split(","):
                name, sep, value = item.partition("=")
                pairs.append(f"{name}=***" if sep and value and _secret(name.lstrip("-")) else item)
            arg = ",".join(pairs)
        out.append(arg)
    return out
