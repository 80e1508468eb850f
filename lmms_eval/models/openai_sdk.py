"""``openai``: OpenAI's chat completions through the official ``openai`` package (``AsyncOpenAI``).

    OPENAI_API_KEY=... lmms-eval run --model openai --model_args model=gpt-4.1-mini --tasks ...

The SDK's own retries are off (``max_retries=0``): the runner retries, honours Retry-After, counts every 429
and adapts concurrency. Messages are built as in ``openai_compat`` (``api/openai_format.py``). The key comes
from ``api_key`` or the environment variable named by ``api_key_env`` (default OPENAI_API_KEY); a server on
127.0.0.1/localhost may go without one.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field, field_validator

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
from lmms_eval.models.api.sdk import (
    SDK_TIMEOUT_MARGIN_S,
    connection_cause,
    import_sdk,
    resolve_api_key,
)
from lmms_eval.models.base import ModelArgs, json_object


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
