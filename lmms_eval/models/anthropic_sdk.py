"""``anthropic``: Claude through the official ``anthropic`` package (``AsyncAnthropic``, Messages API).

    ANTHROPIC_API_KEY=... lmms-eval run --model anthropic --model_args model=claude-sonnet-4-5 --tasks ...

The SDK's own retries are off (``max_retries=0``): the runner retries 429, 5xx and 529 ("overloaded", which
also cuts concurrency), honours Retry-After and counts every retry. Images go as base64 image blocks, video
as sampled frames; audio is not accepted by the API and is reported per request. The installed SDK no longer
declares ``temperature``/``top_p``; they are sent as extra body fields unless ``sampling=false`` (the default
for Claude Opus 4.7+, which reject them).
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field, field_validator

from lmms_eval.core.types import Request, Response
from lmms_eval.models.api.anthropic_format import (
    accepts_sampling,
    anthropic_request,
    client_side_stops,
    parse_message,
)
from lmms_eval.models.api.retry import FatalError, RetryableError, error_for_status
from lmms_eval.models.api.runner import APIArgs, APIModel
from lmms_eval.models.api.sdk import (
    SDK_TIMEOUT_MARGIN_S,
    connection_cause,
    import_sdk,
    resolve_api_key,
)
from lmms_eval.models.base import Capabilities, ModelArgs, json_object

#: request body fields the SDK's ``messages.create`` does not declare: passed through ``extra_body``
_UNDECLARED = ("temperature", "top_p")


class AnthropicSDKArgs(APIArgs):
    #: None: Anthropic's endpoint (or the SDK's ANTHROPIC_BASE_URL); without the /v1 suffix
    base_url: str | None = None
    api_key_env: str = "ANTHROPIC_API_KEY"
    #: send temperature/top_p; None: yes, except for models known to reject them (Claude Opus 4.7+)
    sampling: bool | None = None
    #: extra JSON fields merged into every request body (e.g. {"top_k": 5})
    extra_body: dict[str, Any] = Field(default_factory=dict)

    @field_validator("extra_body", mode="before")
    @classmethod
    def _json_object(cls, value: Any) -> Any:
        return json_object(value, "extra_body")


class AnthropicSDKModel(APIModel):
    name: ClassVar[str] = "anthropic"
    Args: ClassVar[type[ModelArgs]] = AnthropicSDKArgs
    capabilities: ClassVar[Capabilities] = APIModel.capabilities.model_copy(
        update={"modalities": frozenset({"text", "image", "video"})}
    )

    def __init__(self, args: ModelArgs) -> None:
        super().__init__(args)
        assert isinstance(args, AnthropicSDKArgs)
        self.aa = args
        self._sdk = import_sdk("anthropic", "anthropic")
        resolve_api_key(self, args.base_url, "anthropic")  # fail now, not at the first request
        self.sampling = args.sampling if args.sampling is not None else accepts_sampling(args.model)
        self._client: Any = None

    def prepare(self, request: Request) -> dict[str, Any] | FatalError:
        try:
            return anthropic_request(request, self.aa.model, self.media, sampling=self.sampling)
        except FatalError as exc:  # input the API cannot take: reported by send as this request's error
            return exc

    async def open(self) -> None:
        self._client = self._sdk.AsyncAnthropic(
            api_key=resolve_api_key(self, self.aa.base_url, "anthropic"),
            base_url=self.aa.base_url,
            max_retries=0,
            timeout=self.aa.timeout + SDK_TIMEOUT_MARGIN_S,
        )
        self._client.messages  # noqa: B018 - import the resource now, not in the first timed attempt

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def send(self, request: Request, prepared: dict[str, Any] | FatalError) -> Response:
        if isinstance(prepared, FatalError):
            raise prepared
        sdk = self._sdk
        body = dict(prepared)
        extra = {k: body.pop(k) for k in _UNDECLARED if k in body}
        extra.update(self.aa.extra_body)
        t0 = time.perf_counter()
        try:
            message = await self._client.messages.create(**body, extra_body=extra or None)
        except sdk.APIStatusError as exc:  # 429 RateLimitError, 529 OverloadedError, every other 4xx/5xx
            raise error_for_status(exc.status_code, exc.message, exc.response.headers) from None
        except sdk.APITimeoutError:
            raise RetryableError("anthropic: request timed out", congested=True) from None
        except sdk.APIConnectionError as exc:
            raise RetryableError(f"anthropic: connection error: {connection_cause(exc)}") from None
        return parse_message(message.model_dump(), time.perf_counter() - t0, client_side_stops(request))
