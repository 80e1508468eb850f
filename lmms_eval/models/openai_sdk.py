"""``openai``: OpenAI's chat completions through the official ``openai`` package (``AsyncOpenAI``).

    OPENAI_API_KEY=... lmms-eval run --model openai --model_args model=gpt-4.1-mini --tasks ...

The SDK's own retries are off (``max_retries=0``): the runner retries, honours Retry-After, counts every 429
and adapts concurrency. Messages are built as in ``openai_compat`` (``api/openai_format.py``). The key comes
from ``api_key`` or the environment variable named by ``api_key_env`` (default OPENAI_API_KEY); a server on
127.0.0.1/localhost may go without one.

The helpers at the bottom (key lookup, SDK import, ``extra_body`` parsing) are shared by the ``anthropic`` and
``gemini`` backends.
"""

from __future__ import annotations

import importlib
import json
import time
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import Request, Response
from lmms_eval.models.api.openai_format import (
    VideoMode,
    generation_fields,
    is_reasoning_model,
    openai_messages,
    parse_chat_completion,
)
from lmms_eval.models.api.retry import RetryableError, error_for_status
from lmms_eval.models.api.runner import APIArgs, APIModel
from lmms_eval.models.base import ModelArgs

#: seconds the SDK's own timeout is given beyond ``timeout``, so the runner's per-attempt timeout decides
SDK_TIMEOUT_MARGIN_S = 5.0
#: the key sent to a local server when none is configured (local servers ignore it; SDKs need one)
PLACEHOLDER_KEY = "EMPTY"


class OpenAISDKArgs(APIArgs):
    #: None: OpenAI's endpoint (or the SDK's OPENAI_BASE_URL)
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    video_mode: VideoMode = "frames"
    #: None: decide from the model name (o1/o3/o4/gpt-5 are reasoning models)
    reasoning: bool | None = None
    reasoning_effort: str | None = None
    #: extra JSON fields merged into every request body (e.g. {"service_tier": "flex"})
    extra_body: dict[str, Any] = Field(default_factory=dict)

    @field_validator("extra_body", mode="before")
    @classmethod
    def _json_object(cls, value: Any) -> Any:
        return json_object(value, "extra_body")


class OpenAISDKModel(APIModel):
    name: ClassVar[str] = "openai"
    Args: ClassVar[type[ModelArgs]] = OpenAISDKArgs

    def __init__(self, args: ModelArgs) -> None:
        super().__init__(args)
        assert isinstance(args, OpenAISDKArgs)
        self.oa = args
        self._sdk = import_sdk("openai", "openai")
        resolve_api_key(self, args.base_url, "openai")  # fail now, not at the first request
        self.reasoning = args.reasoning if args.reasoning is not None else is_reasoning_model(args.model)
        self._client: Any = None

    def prepare(self, request: Request) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.oa.model,
            "messages": openai_messages(request, self.media, self.oa.video_mode),
            **generation_fields(request, reasoning=self.reasoning),
        }
        if self.oa.reasoning_effort is not None:
            body["reasoning_effort"] = self.oa.reasoning_effort
        return body

    async def open(self) -> None:
        self._client = self._sdk.AsyncOpenAI(
            api_key=resolve_api_key(self, self.oa.base_url, "openai"),
            base_url=self.oa.base_url,
            max_retries=0,
            timeout=self.oa.timeout + SDK_TIMEOUT_MARGIN_S,
        )
        self._client.chat.completions  # noqa: B018 - import the resource now, not in the first timed attempt

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def send(self, request: Request, prepared: dict[str, Any]) -> Response:
        sdk = self._sdk
        t0 = time.perf_counter()
        try:
            completion = await self._client.chat.completions.create(
                **prepared, extra_body=self.oa.extra_body or None
            )
        except sdk.APIStatusError as exc:  # RateLimitError (429) and every other 4xx/5xx
            raise error_for_status(exc.status_code, exc.message, exc.response.headers) from None
        except sdk.APITimeoutError:
            raise RetryableError("openai: request timed out", congested=True) from None
        except sdk.APIConnectionError as exc:
            raise RetryableError(f"openai: connection error: {connection_cause(exc)}") from None
        return parse_chat_completion(completion.model_dump(), time.perf_counter() - t0)


# -- shared by the SDK backends ---------------------------------------------------------------------------
def import_sdk(module: str, extra: str) -> ModuleType:
    """Import an optional SDK, or a ConfigError naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"The '{extra}' backend needs the '{module}' package ({exc}). Install it with: "
            f"pip install 'lmms_eval[{extra}]'"
        ) from None


def is_local_url(url: str | None) -> bool:
    """Whether ``url`` points at this machine (127.0.0.1, localhost, ::1)."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def resolve_api_key(model: APIModel, base_url: str | None, backend: str) -> str:
    """The API key for ``model`` (never logged or stored in args): from ``api_key`` or ``api_key_env``; a
    placeholder for a local server; else a ConfigError naming the environment variable."""
    key = model.api_key()
    if key:
        return key
    if is_local_url(base_url):
        return PLACEHOLDER_KEY
    env = model.api_args.api_key_env
    raise ConfigError(
        f"No API key for the '{backend}' backend: set the {env} environment variable "
        f"(or pass api_key=... / api_key_env=NAME in --model_args)"
    )


def json_object(value: Any, name: str) -> Any:
    """A model argument given as a JSON object string (from --model_args) parsed to a dict."""
    if isinstance(value, str):
        try:
            return json.loads(value) if value.strip() else {}
        except ValueError as exc:
            raise ValueError(f"{name} must be a JSON object: {exc}") from None
    return value


def connection_cause(exc: BaseException) -> str:
    """The underlying error of an SDK's connection error ("ConnectError: ..."), else the error itself."""
    inner = exc.__cause__ or exc.__context__
    if inner is not None:
        return f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__
    return f"{type(exc).__name__}: {exc}"
