"""``gemini``: Gemini through Google's ``google-genai`` package (``client.aio.models.generate_content``).

    GEMINI_API_KEY=... lmms-eval run --model gemini --model_args model=gemini-2.5-flash --tasks ...

The SDK's own retries are off (``HttpRetryOptions(attempts=1)``, which also turns off its implicit retry of
aiohttp connection errors): the runner retries 429 and 5xx, honours Retry-After and counts every retry.
Images, video frames (or the whole file with ``video_mode=file``) and audio go inline as base64. Uses the
Gemini Developer API (an API key), not Vertex AI.
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from typing import Any, ClassVar

from lmms_eval.core.types import Request, Response
from lmms_eval.models.api.gemini_format import GeminiVideoMode, gemini_request, parse_generate_content
from lmms_eval.models.api.retry import RetryableError, error_for_status
from lmms_eval.models.api.runner import APIArgs, APIModel
from lmms_eval.models.api.sdk import SDK_TIMEOUT_MARGIN_S, connection_cause, import_sdk, resolve_api_key
from lmms_eval.models.base import ModelArgs


class GeminiSDKArgs(APIArgs):
    #: None: Google's endpoint; else the server root (the SDK appends its API version, /v1/models/...)
    base_url: str | None = None
    api_key_env: str = "GEMINI_API_KEY"
    video_mode: GeminiVideoMode = "frames"
    #: the thinking budget in tokens for models that think (0 turns thinking off where allowed); None: the
    #: model's default
    thinking_budget: int | None = None


class GeminiSDKModel(APIModel):
    name: ClassVar[str] = "gemini"
    Args: ClassVar[type[ModelArgs]] = GeminiSDKArgs

    def __init__(self, args: ModelArgs) -> None:
        super().__init__(args)
        assert isinstance(args, GeminiSDKArgs)
        self.ga = args
        self._genai = import_sdk("google.genai", "gemini")
        resolve_api_key(self, args.base_url, "gemini")  # fail now, not at the first request
        self._client: Any = None
        self._connection_errors: tuple[type[BaseException], ...] = (ConnectionError,)

    def prepare(self, request: Request) -> tuple[list[dict[str, Any]], Any]:
        types = self._genai.types
        contents, config = gemini_request(request, self.media, self.ga.video_mode)
        if self.ga.thinking_budget is not None:
            config["thinking_config"] = {"thinking_budget": self.ga.thinking_budget}
        return contents, types.GenerateContentConfig(**config)

    async def open(self) -> None:
        types = self._genai.types
        http_options = types.HttpOptions(
            base_url=self.ga.base_url,
            timeout=math.ceil((self.ga.timeout + SDK_TIMEOUT_MARGIN_S) * 1000),  # milliseconds
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        self._client = self._genai.Client(
            api_key=resolve_api_key(self, self.ga.base_url, "gemini"),
            vertexai=False,
            http_options=http_options,
        )
        self._connection_errors = _connection_errors()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aio.aclose()
            self._client.close()
            self._client = None

    async def send(self, request: Request, prepared: tuple[list[dict[str, Any]], Any]) -> Response:
        errors = self._genai.errors
        contents, config = prepared
        t0 = time.perf_counter()
        try:
            answer = await self._client.aio.models.generate_content(
                model=self.ga.model, contents=contents, config=config
            )
        except errors.APIError as exc:
            headers = getattr(exc.response, "headers", None)
            raise error_for_status(exc.code or 0, str(exc.message or exc), headers) from None
        except (asyncio.TimeoutError, TimeoutError):
            raise RetryableError("gemini: request timed out", congested=True) from None
        except errors.UnknownApiResponseError as exc:
            raise RetryableError(f"gemini: unreadable answer: {str(exc)[:200]}") from None
        except self._connection_errors as exc:
            raise RetryableError(f"gemini: connection error: {connection_cause(exc)}") from None
        return parse_generate_content(
            answer.model_dump(mode="json", exclude={"sdk_http_response"}), time.perf_counter() - t0
        )


def _connection_errors() -> tuple[type[BaseException], ...]:
    """What the SDK's transports (aiohttp when installed, else httpx2 or httpx, whichever it imported) raise
    for a failed or dropped connection."""
    found: list[type[BaseException]] = [ConnectionError]
    for module, name in (
        ("aiohttp", "ClientError"),
        ("httpx2", "TransportError"),
        ("httpx", "TransportError"),
    ):
        error = getattr(sys.modules.get(module), name, None)
        if isinstance(error, type) and issubclass(error, BaseException):
            found.append(error)
    return tuple(found)
