"""``openai_compat``: any server speaking OpenAI chat completions (vLLM, SGLang, TGI, Ollama, LM Studio,
``transformers serve``, OpenAI itself) over plain HTTP with aiohttp.

    lmms-eval --model openai_compat \\
        --model_args base_url=http://127.0.0.1:8000/v1,model=Qwen/Qwen2.5-VL-7B-Instruct,num_concurrent=64

Images go as base64 data URLs, video as sampled frames (or the whole file as ``video_url`` with
``video_mode=video_url``, which vLLM accepts), audio as ``input_audio``. The key comes from ``api_key`` or
the environment variable named by ``api_key_env`` (default OPENAI_API_KEY); without one no Authorization
header is sent, which local servers accept.
"""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from lmms_eval.core.types import Request, Response
from lmms_eval.models.api.http1 import HTTP1Pool, has_httptools, split_http_url
from lmms_eval.models.api.openai_format import (
    VideoMode,
    generation_fields,
    is_reasoning_model,
    openai_messages,
    parse_chat_completion,
)
from lmms_eval.models.api.retry import FatalError, RetryableError, error_for_status
from lmms_eval.models.api.runner import API_RUNTIME_ARGS, APIArgs, APIModel
from lmms_eval.models.base import ModelArgs, json_object


def env_proxy_for(url: str) -> str | None:
    """The proxy that HTTP(S)_PROXY / NO_PROXY in the environment choose for ``url``, or None."""
    import urllib.request
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if parts.scheme not in proxies or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxies[parts.scheme]


class OpenAICompatArgs(APIArgs):
    base_url: str = "http://127.0.0.1:8000/v1"
    video_mode: VideoMode = "frames"
    #: None: decide from the model name (o1/o3/o4/gpt-5 are reasoning models)
    reasoning: bool | None = None
    reasoning_effort: str | None = None
    #: extra JSON fields merged into every request body (e.g. {"top_k": 20}), given as a JSON object
    extra_body: dict[str, Any] = Field(default_factory=dict)
    #: "auto": the built-in HTTP/1.1 client for plain http:// URLs without a proxy, aiohttp otherwise
    http_client: Literal["auto", "aiohttp", "builtin"] = "auto"

    @field_validator("extra_body", mode="before")
    @classmethod
    def _json_object(cls, value: Any) -> Any:
        return json_object(value, "extra_body")


class OpenAICompatModel(APIModel):
    name: ClassVar[str] = "openai_compat"
    Args: ClassVar[type[ModelArgs]] = OpenAICompatArgs
    runtime_args: ClassVar[frozenset[str]] = API_RUNTIME_ARGS | {"http_client"}

    def __init__(self, args: ModelArgs) -> None:
        super().__init__(args)
        assert isinstance(args, OpenAICompatArgs)
        self.oa = args
        self.url = args.base_url.rstrip("/") + "/chat/completions"
        self.reasoning = args.reasoning if args.reasoning is not None else is_reasoning_model(args.model)
        self._session: Any = None
        self._proxy: str | None = None
        self._http: HTTP1Pool | None = None
        self._path = ""

    def prepare(self, request: Request) -> bytes:
        body: dict[str, Any] = {
            "model": self.oa.model,
            "messages": openai_messages(request, self.media, self.oa.video_mode),
            **generation_fields(request, reasoning=self.reasoning),
        }
        if self.oa.reasoning_effort is not None:
            body["reasoning_effort"] = self.oa.reasoning_effort
        body.update(self.oa.extra_body)
        return json.dumps(body, ensure_ascii=False).encode()

    async def open(self) -> None:
        headers = {"User-Agent": "lmms-eval"}
        key = self.api_key()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        # proxy settings are read once here (aiohttp's trust_env would re-read them and ~/.netrc per request)
        self._proxy = env_proxy_for(self.url)
        target = split_http_url(self.url)
        builtin = self.oa.http_client == "builtin" or (
            self.oa.http_client == "auto" and target is not None and self._proxy is None and has_httptools()
        )
        if builtin:
            if target is None:
                raise FatalError(f"http_client=builtin needs a plain http:// base_url, got {self.oa.base_url!r}")
            host, port, self._path = target
            self._http = HTTP1Pool(host, port, headers)
            return
        import aiohttp

        # the limiter bounds concurrency; the connector must not add a second, smaller limit
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300)
        headers["Content-Type"] = "application/json"
        self._session = aiohttp.ClientSession(headers=headers, connector=connector, trust_env=False)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def send(self, request: Request, prepared: bytes) -> Response:
        t0 = time.perf_counter()
        if self._http is not None:
            try:
                answer = await self._http.post(self._path, prepared)
            except OSError as exc:  # refused, reset, dropped mid-answer (ConnectionDropped is one)
                raise RetryableError(f"connection error: {type(exc).__name__}: {exc}") from None
            status, headers, body = answer.status, answer.headers, answer.body
        else:
            status, headers, body = await self._send_aiohttp(prepared)
        if status != 200:
            raise error_for_status(status, body, headers)
        try:
            data = json.loads(body)
        except ValueError:
            raise RetryableError(f"HTTP 200 with a body that is not JSON: {body[:200]!r}") from None
        return parse_chat_completion(data, time.perf_counter() - t0)

    async def _send_aiohttp(self, prepared: bytes) -> tuple[int, Any, bytes]:
        import aiohttp

        try:
            async with self._session.post(self.url, data=prepared, proxy=self._proxy) as http:
                return http.status, http.headers, await http.read()
        except aiohttp.InvalidURL as exc:
            raise FatalError(f"invalid base_url {self.oa.base_url!r}: {exc}") from None
        except (aiohttp.ClientError, ConnectionError) as exc:  # refused, reset, dropped mid-answer
            raise RetryableError(f"connection error: {type(exc).__name__}: {exc}") from None
