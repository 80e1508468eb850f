"""``APIModel``: the base of every remote backend. Requests run concurrently on an asyncio loop in a
background thread; answers stream back to the engine in completion order.

Per request: encode media (worker thread) -> take a slot from the adaptive limiter -> ``send`` with a
per-attempt timeout -> on a transient failure free the slot, wait (Retry-After or jittered exponential
backoff, via tenacity) and try again, up to ``max_retries`` times. Whatever still fails is returned as
``Response.failure(reason)``: the engine stores it as an error row, never scores it and sends it again on
the next run.

An answer keeps its slot until the engine has committed it to the journal (``AnswerGroup.on_committed``):
requests sent but not yet durable never outnumber the concurrency limit, so a hard kill re-pays at most
``num_concurrent`` requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import queue
import sys
import threading
import time
from abc import abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import Field

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import Request, Response
from lmms_eval.models.api.limiter import AdaptiveLimiter
from lmms_eval.models.api.media import ImageFormat, MediaSettings
from lmms_eval.models.api.retry import FatalError, RetryableError, RetryWait
from lmms_eval.models.base import AnswerGroup, Capabilities, Model, ModelArgs


class APIArgs(ModelArgs):
    """Arguments every remote backend takes (each backend adds its own)."""

    model: str
    api_key: str | None = Field(default=None, repr=False)
    api_key_env: str = "OPENAI_API_KEY"
    num_concurrent: int = Field(default=32, ge=1)
    min_concurrent: int = Field(default=1, ge=1)
    adaptive: bool = True
    timeout: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=5, ge=0)
    backoff_initial: float = Field(default=1.0, ge=0)
    backoff_max: float = Field(default=60.0, ge=0)
    image_max_side: int | None = Field(default=2048, ge=1)
    image_format: ImageFormat = "png"
    jpeg_quality: int = Field(default=90, ge=1, le=100)
    media_workers: int = Field(default=4, ge=1)


#: arguments that change how fast answers come, never what they are: kept out of the cache key
API_RUNTIME_ARGS = frozenset(
    {
        "api_key",
        "api_key_env",
        "num_concurrent",
        "min_concurrent",
        "adaptive",
        "timeout",
        "max_retries",
        "backoff_initial",
        "backoff_max",
        "media_workers",
    }
)


@dataclass
class LiveStats:
    """Counters for the progress bar; written on the loop thread, read from the main thread."""

    started: float = field(default_factory=time.monotonic)
    done: int = 0
    errors: int = 0
    retries: int = 0
    output_tokens: int = 0


class APIModel(Model):
    """Subclasses implement ``send`` (one attempt, raising ``RetryableError``/``FatalError``) and may
    override ``prepare`` (blocking encoding), ``open`` and ``aclose`` (client lifetime, on the loop)."""

    Args: ClassVar[type[ModelArgs]] = APIArgs
    capabilities: ClassVar[Capabilities] = Capabilities(
        modalities=frozenset({"text", "image", "video", "audio"}),
        batching=False,
        streaming=True,
        needs_decoded_media=False,
    )
    runtime_args: ClassVar[frozenset[str]] = API_RUNTIME_ARGS

    def __init__(self, args: ModelArgs) -> None:
        super().__init__(args)
        assert isinstance(args, APIArgs)
        try:
            import tenacity  # noqa: F401
        except ImportError:
            raise ConfigError(
                f"Model '{self.name}' needs the API extras: pip install 'lmms_eval[api]'"
            ) from None
        self.api_args = args
        if args.min_concurrent > args.num_concurrent:
            raise ConfigError(
                f"min_concurrent ({args.min_concurrent}) is larger than num_concurrent ({args.num_concurrent})"
            )
        self.media = MediaSettings(
            image_max_side=args.image_max_side, image_format=args.image_format, jpeg_quality=args.jpeg_quality
        )
        self.limiter = AdaptiveLimiter(
            args.num_concurrent, minimum=args.min_concurrent if args.adaptive else args.num_concurrent
        )
        self.stats = LiveStats()
        self._wait = RetryWait(args.backoff_initial, args.backoff_max)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._opened = False

    # -- what backends implement -------------------------------------------------------------------------
    def prepare(self, request: Request) -> Any:
        """Build what ``send`` needs (encode media, serialize). Runs on a worker thread when the request
        carries media. The default passes the request through."""
        return request

    @abstractmethod
    async def send(self, request: Request, prepared: Any) -> Response:
        """One attempt. Raise ``RetryableError`` for transient failures, ``FatalError`` for the rest."""

    async def open(self) -> None:
        """Create clients on the event loop (called once, before the first request)."""

    async def aclose(self) -> None:
        """Close clients on the event loop."""

    def api_key(self) -> str | None:
        """The key from ``api_key`` or the ``api_key_env`` environment variable (never logged or cached)."""
        return self.api_args.api_key or os.environ.get(self.api_args.api_key_env) or None

    # -- the engine's side --------------------------------------------------------------------------------
    def generate(self, requests: Sequence[Request]) -> list[Response]:
        out: list[Response | None] = [None] * len(requests)
        for group in self.generate_stream(requests):
            for i, response in group.answers:
                out[i] = response
            if group.on_committed is not None:
                group.on_committed()
        if self._loop is not None:  # the slots freed above are free (and the live status says so) now
            asyncio.run_coroutine_threadsafe(asyncio.sleep(0), self._loop).result()
        return [r if r is not None else Response.failure("no response") for r in out]

    def generate_stream(self, requests: Sequence[Request]) -> Iterator[AnswerGroup]:
        """Answers in completion order, grouped: each group is everything that arrived while the consumer
        handled (committed) the previous one. Successful answers keep their slots until ``on_committed``."""
        if not requests:
            return
        loop = self._ensure_loop()
        arrivals: queue.SimpleQueue[_Answer | BaseException] = queue.SimpleQueue()
        future = asyncio.run_coroutine_threadsafe(self._run_all(list(requests), arrivals.put), loop)
        future.add_done_callback(lambda f: arrivals.put(f.exception() or _FINISHED) if not f.cancelled() else None)
        remaining = len(requests)
        try:
            while remaining:
                group, end = _drain(arrivals)
                if group:
                    yield AnswerGroup(
                        [(a.index, a.response) for a in group],
                        on_committed=functools.partial(_free_slots_soon, loop, group),
                    )
                    remaining -= len(group)
                if isinstance(end, BaseException):
                    raise end
                if end is _FINISHED:
                    break
        finally:
            if not future.done():  # the consumer stopped early (crash, Ctrl-C): stop sending
                future.cancel()

    def live_status(self) -> dict[str, str]:
        s = self.stats
        elapsed = max(1e-9, time.monotonic() - s.started)
        return {
            "in flight": f"{self.limiter.in_flight}/{self.limiter.slots}",
            "retries": str(s.retries),
            "errors": str(s.errors),
            "tok/s": f"{s.output_tokens / elapsed:.0f}",
        }

    def close(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._opened:
            # closing must never turn a finished run into a failure
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._loop = self._thread = self._pool = None
        self._opened = False

    # -- internals ----------------------------------------------------------------------------------------
    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = new_event_loop()
            started = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(started.set)
                loop.run_forever()
                loop.close()

            self._thread = threading.Thread(target=run, name=f"{self.name}-loop", daemon=True)
            self._thread.start()
            started.wait()
            self._loop = loop
            self._pool = ThreadPoolExecutor(self.api_args.media_workers, thread_name_prefix=f"{self.name}-media")
        return self._loop

    async def _open_once(self) -> None:
        if not self._opened:
            await self.open()
            self._opened = True

    async def _run_all(self, requests: list[Request], emit: Callable[[_Answer], None]) -> None:
        await self._open_once()
        self.stats.started = time.monotonic()
        tasks: set[asyncio.Task[None]] = set()
        try:
            for i, request in enumerate(requests):
                started = await self.limiter.acquire()
                task = asyncio.create_task(self._one(i, request, started, emit))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            while tasks:
                await asyncio.wait(list(tasks))
        except asyncio.CancelledError:
            for task in list(tasks):
                task.cancel()
            raise

    async def _one(self, i: int, request: Request, started: float, emit: Callable[[_Answer], None]) -> None:
        t0 = time.perf_counter()
        try:
            if request.media_parts():
                assert self._loop is not None
                prepared = await self._loop.run_in_executor(self._pool, self.prepare, request)
            else:
                prepared = self.prepare(request)
        except Exception as exc:  # unreadable media is this sample's error
            self.limiter.release(started)
            self._finish(_Answer(i, Response.failure(f"media error: {exc}")), emit)
            return

        slot: float | None = started
        attempt = 1
        while True:
            try:
                response, slot = await self._attempt(request, prepared, slot)
                break
            except RetryableError as exc:
                if attempt > self.api_args.max_retries:
                    tries = "attempt" if attempt == 1 else "attempts"
                    failure = Response.failure(f"{exc.reason} (gave up after {attempt} {tries})")
                    self._finish(_Answer(i, failure), emit)
                    return
                self.stats.retries += 1
                await asyncio.sleep(self._wait.seconds(exc, attempt))
            except FatalError as exc:
                self._finish(_Answer(i, Response.failure(exc.reason)), emit)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug or an unexpected client error: this sample's error, reported
                self._finish(_Answer(i, Response.failure(f"{type(exc).__name__}: {exc}")), emit)
                return
            slot = None
            attempt += 1
        if response.latency_s is None or attempt > 1:
            response.latency_s = time.perf_counter() - t0
        # the slot stays taken until the engine has committed this answer (see generate_stream)
        self._finish(_Answer(i, response, self.limiter, slot), emit)

    async def _attempt(self, request: Request, prepared: Any, slot: float | None) -> tuple[Response, float]:
        """One try within a concurrency slot (``slot``: one already taken) and the per-attempt timeout. A
        failed try frees the slot; a successful one returns the answer with the slot still taken."""
        started = slot if slot is not None else await self.limiter.acquire()
        timeout = self.api_args.timeout
        try:
            async with _timeout(timeout):
                response = await self.send(request, prepared)
        except asyncio.TimeoutError:
            self.limiter.release(started, congested=True)
            raise RetryableError(f"no answer within timeout={timeout:g} s", congested=True) from None
        except RetryableError as exc:
            self.limiter.release(started, congested=exc.congested)
            raise
        except BaseException:
            self.limiter.release(started)
            raise
        return response, started

    def _finish(self, answer: _Answer, emit: Callable[[_Answer], None]) -> None:
        self.stats.done += 1
        if answer.response.ok:
            self.stats.output_tokens += answer.response.usage.output_tokens or 0
        else:
            self.stats.errors += 1
        emit(answer)


@dataclass
class _Answer:
    """A finished request on its way to the engine; a successful one still holds its limiter slot."""

    index: int
    response: Response
    limiter: AdaptiveLimiter | None = None
    slot: float | None = None


def _free_slots_soon(loop: asyncio.AbstractEventLoop, group: list[_Answer]) -> None:
    """From any thread: free these answers' slots on the loop (nothing to free once the loop is closed)."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_free_slots, group)


def _free_slots(group: list[_Answer]) -> None:
    """On the loop: release the slots of answers the engine has committed."""
    for answer in group:
        if answer.limiter is not None and answer.slot is not None:
            answer.limiter.release(answer.slot, succeeded=True)


def _drain(arrivals: queue.SimpleQueue[_Answer | BaseException]) -> tuple[list[_Answer], Any]:
    """Wait for one arrival, then take every other one already there; returns the answers and what ended
    the stream (an exception, ``_FINISHED``) or None."""
    group: list[_Answer] = []
    item: _Answer | BaseException = arrivals.get()
    while True:
        if not isinstance(item, _Answer):
            return group, item
        group.append(item)
        try:
            item = arrivals.get_nowait()
        except queue.Empty:
            return group, None


_FINISHED: Any = object()


if sys.version_info >= (3, 11):
    _timeout = asyncio.timeout
else:  # pragma: no cover - Python 3.10

    @contextlib.asynccontextmanager
    async def _timeout(seconds: float) -> AsyncIterator[None]:
        task = asyncio.current_task()
        assert task is not None
        handle = asyncio.get_running_loop().call_later(seconds, task.cancel)
        try:
            yield
        except asyncio.CancelledError:
            if handle.when() <= asyncio.get_running_loop().time():
                raise asyncio.TimeoutError from None
            raise
        finally:
            handle.cancel()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A uvloop loop when uvloop is installed (lower per-request overhead), else asyncio's default."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop
