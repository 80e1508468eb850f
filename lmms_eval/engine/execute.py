"""Send pending requests to the model in batches, decoding media ahead on worker threads.

Media for the next batches is decoded while the model works on the current one (a bounded look-ahead, so
memory holds at most ``lookahead + 1`` batches of decoded media). A request whose media cannot be decoded
becomes an error without reaching the model. Responses are committed to the journal as they arrive, grouped
into one transaction per ``flush_s`` seconds (0.2 s by default) so fast models do not wait on disk.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from lmms_eval.core.types import Request, Response
from lmms_eval.engine.journal import Journal
from lmms_eval.models.base import Model


@dataclass
class ExecStats:
    sent: int = 0
    succeeded: int = 0
    failed: int = 0
    media_errors: int = 0
    model_seconds: float = 0.0
    responses: dict[str, Response] = field(default_factory=dict)


def decode_request(request: Request) -> str | None:
    """Decode every media part in place; return an error reason or None."""
    from lmms_eval.media.decode import decode_part

    for part in request.media_parts():
        try:
            part.decoded = decode_part(part)
        except Exception as exc:  # a corrupt file is the sample's error, never the run's
            return f"media error: {exc}"
    return None


def _release(requests: list[Request]) -> None:
    for r in requests:
        for part in r.media_parts():
            part.decoded = None


def order_for_batching(requests: list[Request]) -> list[Request]:
    """Longest first: similar lengths share a batch (less padding) and out-of-memory shows up early."""
    return sorted(requests, key=lambda r: (len(r.media_parts()), len(r.prompt_text())), reverse=True)


def execute(
    model: Model,
    pending: list[Request],
    journal: Journal,
    *,
    batch_size: int,
    workers: int,
    on_done: Callable[[int], None] = lambda n: None,
    lookahead: int = 2,
    flush_s: float = 0.2,
) -> ExecStats:
    stats = ExecStats()
    decode = model.capabilities.needs_decoded_media
    batches = [pending[i : i + batch_size] for i in range(0, len(pending), batch_size)]
    model_id = model.name

    buffer = _CommitBuffer(journal, model_id, flush_s=flush_s, on_flush=on_done)

    def record(request: Request, response: Response) -> None:
        buffer.add(request, response)
        stats.responses[request.key] = response
        if response.ok:
            stats.succeeded += 1
        else:
            stats.failed += 1

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="prefetch") as pool:
            queue: deque[list[Future[str | None]]] = deque()

            def submit(index: int) -> None:
                if index < len(batches):
                    queue.append(
                        [
                            pool.submit(decode_request, r) if decode and r.media_parts() else _DONE
                            for r in batches[index]
                        ]
                    )

            for i in range(lookahead + 1):
                submit(i)
            for index, batch in enumerate(batches):
                futures = queue.popleft()
                submit(index + lookahead + 1)
                ready: list[Request] = []
                for request, fut in zip(batch, futures):
                    error = fut.result()
                    if error is None:
                        ready.append(request)
                    else:
                        stats.media_errors += 1
                        record(request, Response.failure(error))
                if ready:
                    _call_model(model, ready, record, stats, buffer.maybe_flush)
                buffer.maybe_flush()
                _release(batch)
    finally:
        # answers already received are committed even when the run is interrupted (Ctrl-C, a crash in
        # the model); only a SIGKILL loses the last ``flush_s`` seconds
        buffer.flush()
    return stats


_DONE: Future[str | None] = Future()
_DONE.set_result(None)


class _CommitBuffer:
    """Groups journal writes into one transaction every ``flush_s`` seconds (checked after each response and
    each batch), so a crash loses at most the answers of the last ``flush_s`` seconds, plus the batch in flight."""

    def __init__(
        self, journal: Journal, model_id: str, flush_s: float, on_flush: Callable[[int], None]
    ) -> None:
        self.journal, self.model_id, self.flush_s, self.on_flush = journal, model_id, flush_s, on_flush
        self.rows: list[tuple[str, str, str, str, Response]] = []
        self.last = time.monotonic()

    def add(self, request: Request, response: Response) -> None:
        self.rows.append((request.key, request.task, request.doc_id, self.model_id, response))

    def maybe_flush(self) -> None:
        if self.rows and time.monotonic() - self.last >= self.flush_s:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.journal.record_many(self.rows)
            self.on_flush(len(self.rows))
            self.rows = []
        self.last = time.monotonic()


def _call_model(
    model: Model,
    ready: list[Request],
    record: Callable[[Request, Response], None],
    stats: ExecStats,
    tick: Callable[[], None],
) -> None:
    """Generate for plain requests, score choices for the others; every request gets exactly one record."""
    start = time.perf_counter()
    stats.sent += len(ready)
    try:
        choice = [r for r in ready if r.choices]
        plain = [r for r in ready if not r.choices]
        if choice:
            _answer_all(model, choice, lambda: enumerate(model.score_choices(choice)), record, tick)
        if plain:
            _answer_all(model, plain, lambda: model.generate_stream(plain), record, tick)
    finally:
        stats.model_seconds += time.perf_counter() - start


def _answer_all(
    model: Model,
    requests: list[Request],
    call: Callable[[], Iterable[tuple[int, Response]]],
    record: Callable[[Request, Response], None],
    tick: Callable[[], None],
) -> None:
    answered: set[int] = set()
    try:
        for i, response in call():
            answered.add(i)
            record(requests[i], response)
            tick()
        missing: str = f"model '{model.name}' returned no response for this request"
    except Exception as exc:  # a backend crash fails these requests, recorded with the reason
        missing = f"model error: {type(exc).__name__}: {exc}"
    for i, request in enumerate(requests):
        if i not in answered:
            record(request, Response.failure(missing))
