"""A local chat-completions server that answers after a fixed latency and injects faults, for testing and
benchmarking remote backends (and users' own setups) without a model.

    python -m lmms_eval.testing.fault_server --port 8123 --latency 0.2 --slots 256 --fault_rate 0.05

It answers the text after the last "Reply with " in the prompt (else "OK"), so a task whose targets are
those texts scores 100% when every answer arrives. Behaviour:

- ``slots`` requests are served at once; more wait in line (like a server's batch limit).
- ``fault_rate``: that fraction of requests (seeded random) fail once with one of ``faults``:
  ``429`` (with ``Retry-After: retry_after``), ``500``, ``drop`` (connection closed, no answer) or
  ``slow`` (answers only after ``slow_s``, past a client's timeout).
- ``persistent_rate``: that fraction of prompts (chosen by a hash of the prompt, so the same ones on every
  run) fail with a 500 on every attempt.

It speaks three protocols: OpenAI chat completions (``POST /v1/chat/completions``), Anthropic messages
(``POST /v1/messages``) and Gemini ``generateContent`` (``POST /v1beta/models/MODEL:generateContent``).
The HTTP layer is a small asyncio protocol on httptools' parser: it costs a fraction of a full web framework
per request, so in benchmarks the client, not this server, is what is measured.

``GET /stats`` returns counters: requests, answers and attempts per prompt key (the "Reply with" text),
peak concurrency, the first-arrival and last-answer times, and the content part types seen. ``POST
/reset`` clears them. Only binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

FAULTS = ("429", "500", "drop", "slow")
_REPLY = re.compile(r"Reply with (.+?)\s*$", re.MULTILINE)


@dataclass
class FaultConfig:
    latency: float = 0.0
    slots: int = 256
    fault_rate: float = 0.0
    faults: tuple[str, ...] = ("429", "500")
    retry_after: float = 0.2
    slow_s: float = 5.0
    persistent_rate: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = [f for f in self.faults if f not in FAULTS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; choose from {list(FAULTS)}")


@dataclass
class Counters:
    requests: int = 0
    answered: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    attempts: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)
    parts: Counter[str] = field(default_factory=Counter)
    #: requests that carried an API key header (Authorization, x-api-key or x-goog-api-key)
    authorized: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    first_request: float | None = None
    last_answer: float | None = None

    def as_json(self) -> dict[str, Any]:
        span = (
            self.last_answer - self.first_request
            if self.first_request is not None and self.last_answer is not None
            else None
        )
        return {
            "requests": self.requests,
            "answered": self.answered,
            "faults": dict(self.faults),
            "attempts": dict(self.attempts),
            "answers": dict(self.answers),
            "parts": dict(self.parts),
            "peak_in_flight": self.peak_in_flight,
            "authorized": self.authorized,
            "first_request": self.first_request,
            "last_answer": self.last_answer,
            "span_s": span,
        }


def prompt_key(text: str) -> str:
    """What the server counts by: the "Reply with" target, else a hash of the prompt."""
    match = _REPLY.findall(text)
    return match[-1] if match else hashlib.sha1(text.encode()).hexdigest()[:12]


def answer_for(text: str) -> str:
    match = _REPLY.findall(text)
    return match[-1] if match else "OK"


class FaultServer:
    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self.counters = Counters()
        self.rng = random.Random(config.seed)
        self._ids = itertools.count(1)
        self.slots: asyncio.Semaphore | None = None
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- fault decisions -----------------------------------------------------------------------------------
    def persistent_failure(self, key: str) -> bool:
        if self.config.persistent_rate <= 0:
            return False
        digest = hashlib.sha256(f"{self.config.seed}:{key}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.config.persistent_rate

    def draw_fault(self) -> str | None:
        if self.config.fault_rate > 0 and self.rng.random() < self.config.fault_rate:
            return self.rng.choice(self.config.faults)
        return None

    # -- routing -------------------------------------------------------------------------------------------
    async def handle(self, method: bytes, path: str, body: bytes) -> Reply:
        if method == b"GET":
            if path == "/health":
                return Reply.json({"status": "ok"})
            if path == "/stats":
                return Reply.json(self.counters.as_json())
            if path == "/v1/models":
                return Reply.json({"object": "list", "data": [{"id": "fault-server", "object": "model"}]})
        elif method == b"POST":
            if path == "/reset":
                self.counters = Counters()
                self.rng = random.Random(self.config.seed)
                return Reply.json({"reset": True})
            protocol = _protocol_for(path)
            if protocol is not None:
                try:
                    payload = json.loads(body)
                except ValueError:
                    return Reply.json({"error": {"message": "body is not JSON"}}, status=400)
                return await self._chat(protocol, payload, path)
        return Reply.json({"error": {"message": f"no route for {method.decode()} {path}"}}, status=404)

    async def _chat(self, protocol: str, payload: dict[str, Any], path: str) -> Reply:
        """Count, wait for a slot, apply the latency and any fault; the answer or an error reply."""
        text = self._prompt_text(protocol, payload)
        c = self.counters
        c.requests += 1
        if c.first_request is None:
            c.first_request = time.time()
        key = prompt_key(text)
        c.attempts[key] += 1
        fault = "persistent" if self.persistent_failure(key) else self.draw_fault()
        if self.slots is not None:
            await self.slots.acquire()
        c.in_flight += 1
        c.peak_in_flight = max(c.peak_in_flight, c.in_flight)
        try:
            if self.config.latency > 0:
                await asyncio.sleep(self.config.latency)
            if fault is not None:
                c.faults[fault] += 1
            if fault == "slow":
                await asyncio.sleep(self.config.slow_s)
            elif fault == "429":
                return _error(protocol, 429, "rate limited (injected)", {"Retry-After": f"{self.config.retry_after:g}"})
            elif fault in ("500", "persistent"):
                return _error(protocol, 500, f"internal error (injected, {fault})")
            elif fault == "drop":
                return Reply.DROP
        finally:
            c.in_flight -= 1
            if self.slots is not None:
                self.slots.release()
        c.answered += 1
        c.answers[key] += 1
        c.last_answer = time.time()
        reply = answer_for(text)
        n = int(payload.get("n", 1)) if protocol == "openai" else 1
        return Reply.json(_format_answer(protocol, payload, path, reply, len(text.split()), n, next(self._ids)))

    def _prompt_text(self, protocol: str, payload: dict[str, Any]) -> str:
        """The conversation's text, counting the content part types on the way."""
        texts: list[str] = []
        parts = self.counters.parts
        if protocol == "gemini":
            for content in payload.get("contents", []):
                for part in content.get("parts", []):
                    if "text" in part:
                        texts.append(part["text"])
                        parts["text"] += 1
                    else:
                        parts[next(iter(part), "?")] += 1
            return "\n".join(texts)
        for message in payload.get("messages", []):
            content = message.get("content")
            if isinstance(content, str):
                texts.append(content)
                parts["text"] += 1
                continue
            for part in content or []:
                kind = part.get("type", "?")
                parts[kind] += 1
                if kind == "text":
                    texts.append(part.get("text", ""))
        return "\n".join(texts)

    # -- running -------------------------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self.slots = asyncio.Semaphore(self.config.slots) if self.config.slots > 0 else None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _HTTPProtocol(self), host, port, backlog=4096)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def start_in_thread(self, host: str = "127.0.0.1") -> str:
        """Serve from a background thread; returns the base URL (``http://127.0.0.1:PORT/v1``)."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self.start(host))
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            pending = asyncio.all_tasks(loop)
            for task in pending:  # answers still sleeping (slow faults): cancel, do not leak
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="fault-server", daemon=True)
        self._thread.start()
        ready.wait(timeout=30)
        return f"http://{host}:{self.port}/v1"

    def stop_thread(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop = self._thread = None


class Reply:
    """An HTTP answer: status, extra headers and a body; ``Reply.DROP`` closes the connection instead."""

    DROP: Reply

    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, json.dumps(data).encode(), headers)

    def encode(self, keep_alive: bool) -> bytes:
        lines = [
            f"HTTP/1.1 {self.status} {_REASONS.get(self.status, 'Status')}",
            "Content-Type: application/json",
            f"Content-Length: {len(self.body)}",
            "Connection: keep-alive" if keep_alive else "Connection: close",
        ]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


Reply.DROP = Reply(0, b"")
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}


class _HTTPProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive over httptools' parser; answers leave in request order."""

    def __init__(self, server: FaultServer) -> None:
        import httptools

        self.server = server
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.url = b""
        self.body: list[bytes] = []
        self.previous: asyncio.Task[None] | None = None
        self.authorized = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        import httptools

        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            if self.transport is not None:
                self.transport.write(Reply.json({"error": {"message": "bad request"}}, 400).encode(False))
                self.transport.close()

    # httptools callbacks
    def on_message_begin(self) -> None:
        self.url, self.body, self.authorized = b"", [], False

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() in _KEY_HEADERS and value.strip():
            self.authorized = True

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        method = self.parser.get_method()
        keep_alive = self.parser.should_keep_alive()
        path = self.url.split(b"?", 1)[0].decode("latin-1")
        if self.authorized:
            self.server.counters.authorized += 1
        work = self.server.handle(method, path, b"".join(self.body))
        self.previous = asyncio.get_running_loop().create_task(self._answer(work, keep_alive, self.previous))

    async def _answer(self, work: Any, keep_alive: bool, previous: asyncio.Task[None] | None) -> None:
        reply = await work
        if previous is not None:
            await previous
        if self.transport is None or self.transport.is_closing():
            return
        if reply is Reply.DROP:
            self.transport.abort()
            return
        self.transport.write(reply.encode(keep_alive))
        if not keep_alive:
            self.transport.close()


_KEY_HEADERS = {b"authorization", b"x-api-key", b"x-goog-api-key"}
_GEMINI_PATH = re.compile(r"^/(?:v1|v1beta|v1alpha)/models/([^/:]+):generateContent$")


def _protocol_for(path: str) -> str | None:
    if path in ("/v1/chat/completions", "/chat/completions"):
        return "openai"
    if path == "/v1/messages":
        return "anthropic"
    if _GEMINI_PATH.match(path):
        return "gemini"
    return None


def _error(protocol: str, status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    if protocol == "anthropic":
        kind = "rate_limit_error" if status == 429 else "api_error"
        return Reply.json({"type": "error", "error": {"type": kind, "message": message}}, status, headers)
    if protocol == "gemini":
        state = "RESOURCE_EXHAUSTED" if status == 429 else "INTERNAL"
        return Reply.json({"error": {"code": status, "message": message, "status": state}}, status, headers)
    kind = "rate_limit_error" if status == 429 else "server_error"
    return Reply.json({"error": {"message": message, "type": kind}}, status, headers)


def _format_answer(
    protocol: str, payload: dict[str, Any], path: str, reply: str, prompt_tokens: int, n: int, ident: int
) -> dict[str, Any]:
    completion_tokens = len(reply.split())
    if protocol == "anthropic":
        return {
            "id": f"msg_{ident:012d}",
            "type": "message",
            "role": "assistant",
            "model": payload.get("model", "fault-server"),
            "content": [{"type": "text", "text": reply}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
        }
    if protocol == "gemini":
        match = _GEMINI_PATH.match(path)
        return {
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": reply}]}, "finishReason": "STOP", "index": 0}
            ],
            "usageMetadata": {
                "promptTokenCount": prompt_tokens,
                "candidatesTokenCount": completion_tokens,
                "totalTokenCount": prompt_tokens + completion_tokens,
            },
            "modelVersion": match.group(1) if match else "fault-server",
        }
    return {
        "id": f"chatcmpl-{ident}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": payload.get("model", "fault-server"),
        "choices": [
            {"index": i, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}
            for i in range(n)
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def run_fast(coro: Any) -> Any:
    """Run ``coro`` on uvloop when it is installed (about twice the request rate), else on asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m lmms_eval.testing.fault_server", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on start)")
    p.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    p.add_argument("--slots", type=int, default=256, help="requests served at once (0: unlimited)")
    p.add_argument("--fault_rate", type=float, default=0.0)
    p.add_argument("--faults", default="429,500", help=f"comma-separated, from {','.join(FAULTS)}")
    p.add_argument("--retry_after", type=float, default=0.2)
    p.add_argument("--slow_s", type=float, default=5.0)
    p.add_argument("--persistent_rate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    config = FaultConfig(
        latency=a.latency,
        slots=a.slots,
        fault_rate=a.fault_rate,
        faults=tuple(f.strip() for f in a.faults.split(",") if f.strip()),
        retry_after=a.retry_after,
        slow_s=a.slow_s,
        persistent_rate=a.persistent_rate,
        seed=a.seed,
    )
    server = FaultServer(config)

    async def serve() -> None:
        port = await server.start(a.host, a.port)
        print(json.dumps({"listening": f"http://{a.host}:{port}/v1", "port": port}), flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
