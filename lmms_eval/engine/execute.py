"""Send pending requests to the model in batches, decoding media ahead on worker threads.

Media for the next batches is decoded while the model works on the current one (a bounded look-ahead, so
memory holds at most ``lookahead + 1`` batches of decoded media). A request whose media cannot be decoded
becomes an error without reaching the model.

Durability: the model hands answers over in groups (``Model.generate_stream``), each group being every
answer that arrived since the previous one, and each group is committed to the journal in one transaction
before the next is asked for. So the answers that arrive while a commit runs form the next commit (group
commit, no timer) and an answer is never waiting on disk behind a later one. A remote backend holds each
request's concurrency slot until its answer is committed (``AnswerGroup.on_committed``), so requests sent
but not yet durable never outnumber the concurrency limit: a SIGKILL re-pays at most the requests in
flight. (A writer thread was tried and measured slower: it contends for the GIL with the model loop, and a
commit costs well under a millisecond.)
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from lmms_eval.core.types import AudioPart, AudioUse, Request, Response, VideoPart, VideoSampling
from lmms_eval.engine.journal import Journal
from lmms_eval.models.base import AnswerGroup, Model

#: a group of answers as the model hands them over: (request, response) pairs committed together
Answers = list[tuple[Request, Response]]


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


def _note_media_use(request: Request, response: Response) -> None:
    """An answer records how each video of its request was sampled (policy and frame times) and how each
    decoded audio was windowed."""
    if not response.ok or response.media is not None:
        return
    uses: list[VideoSampling | AudioUse] = []
    for part in request.media_parts():
        if isinstance(part, VideoPart):
            uses.append(part.sampling)
        elif isinstance(part, AudioPart) and part.use is not None:
            uses.append(part.use)
    if uses:
        response.media = uses


class _Committer:
    """Commits each group of answers in one journal transaction, then counts it, tells the backend, and
    ticks the progress bar."""

    def __init__(self, journal: Journal, model_id: str, stats: ExecStats, on_done: Callable[[int], None]):
        self.journal, self.model_id, self.stats, self.on_done = journal, model_id, stats, on_done

    def __call__(self, answers: Answers, on_committed: Callable[[], None] | None = None) -> None:
        if answers:
            for request, response in answers:
                _note_media_use(request, response)
            rows = [(r.key, r.task, r.doc_id, self.model_id, resp) for r, resp in answers]
            try:
                self.journal.record_many(rows)
            except KeyboardInterrupt:  # Ctrl-C cut the transaction short: these answers are paid for
                self.journal.record_many(rows)
                raise
            for request, response in answers:
                self.stats.responses[request.key] = response
                if response.ok:
                    self.stats.succeeded += 1
                else:
                    self.stats.failed += 1
        if on_committed is not None:
            on_committed()
        if answers:
            self.on_done(len(answers))


def execute(
    model: Model,
    pending: list[Request],
    journal: Journal,
    *,
    batch_size: int,
    workers: int,
    on_done: Callable[[int], None] = lambda n: None,
    lookahead: int = 2,
) -> ExecStats:
    stats = ExecStats()
    commit = _Committer(journal, model.name, stats, on_done)
    batches = [pending[i : i + batch_size] for i in range(0, len(pending), batch_size)]
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="prefetch") as pool:
        decode = model.capabilities.needs_decoded_media
        for batch, decode_errors in _prefetched(batches, pool, decode, lookahead):
            ready = [r for r, error in zip(batch, decode_errors) if error is None]
            stats.media_errors += len(batch) - len(ready)
            commit([(r, Response.failure(error)) for r, error in zip(batch, decode_errors) if error])
            if ready:
                _call_model(model, ready, commit, stats)
            _release(batch)
    return stats


def _prefetched(
    batches: list[list[Request]], pool: ThreadPoolExecutor, decode: bool, lookahead: int
) -> Iterator[tuple[list[Request], list[str | None]]]:
    """Each batch with its media decoded (one error reason or None per request), decoding up to
    ``lookahead`` batches ahead on the pool."""
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
        yield batch, [f.result() for f in futures]


_DONE: Future[str | None] = Future()
_DONE.set_result(None)


def _call_model(model: Model, ready: list[Request], commit: _Committer, stats: ExecStats) -> None:
    """Generate for plain requests, score choices for the others; every request gets exactly one record."""
    start = time.perf_counter()
    stats.sent += len(ready)
    try:
        choice = [r for r in ready if r.choices]
        plain = [r for r in ready if not r.choices]
        if choice:
            _answer_all(
                model, choice, lambda: [AnswerGroup(list(enumerate(model.score_choices(choice))))], commit
            )
        if plain:
            _answer_all(model, plain, lambda: model.generate_stream(plain), commit)
    finally:
        stats.model_seconds += time.perf_counter() - start


def _answer_all(
    model: Model,
    requests: list[Request],
    call: Callable[[], Iterable[AnswerGroup]],
    commit: _Committer,
) -> None:
    """Commit each group the model yields before asking for the next; requests the model did not answer
    (it stopped early or crashed) are committed as errors. A journal failure is not the model's: it
    propagates."""
    answered: set[int] = set()
    missing = f"model '{model.name}' returned no response for this request"
    groups = iter(call())
    try:
        while True:
            try:
                group = next(groups)
            except StopIteration:
                break
            except Exception as exc:  # a backend crash fails the unanswered requests, with the reason
                missing = f"model error: {type(exc).__name__}: {exc}"
                break
            answered.update(i for i, _ in group.answers)
            commit([(requests[i], response) for i, response in group.answers], group.on_committed)
    finally:
        close = getattr(groups, "close", None)
        if close is not None:  # a streaming backend stops sending when its consumer stops
            close()
    commit([(r, Response.failure(missing)) for i, r in enumerate(requests) if i not in answered])
