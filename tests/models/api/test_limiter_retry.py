"""The adaptive concurrency limit (AIMD) and the retry policy, without a network."""

from __future__ import annotations

import asyncio
import email.utils
import time

import pytest

from lmms_eval.models.api.limiter import AdaptiveLimiter
from lmms_eval.models.api.retry import (
    MAX_RETRY_AFTER_S,
    FatalError,
    RetryableError,
    RetryWait,
    error_for_status,
    parse_retry_after,
)


def test_limiter_starts_at_the_ceiling_and_bounds_in_flight() -> None:
    async def main() -> int:
        limiter = AdaptiveLimiter(4)
        peak = 0

        async def work() -> None:
            nonlocal peak
            started = await limiter.acquire()
            peak = max(peak, limiter.in_flight)
            await asyncio.sleep(0.001)
            limiter.release(started, succeeded=True)

        await asyncio.gather(*(work() for _ in range(40)))
        assert limiter.in_flight == 0
        return peak

    assert asyncio.run(main()) == 4


def test_congestion_halves_once_per_window_and_success_adds_back() -> None:
    async def main() -> None:
        limiter = AdaptiveLimiter(32, minimum=2)
        slots = [await limiter.acquire() for _ in range(8)]
        # a burst of 429s from requests that all started before the first cut counts once
        for started in slots:
            limiter.release(started, congested=True)
        assert limiter.limit == 16 and limiter.cuts == 1
        # a request started after that cut may cut again
        started = await limiter.acquire()
        limiter.release(started, congested=True)
        assert limiter.limit == 8 and limiter.cuts == 2
        # a full window of successes adds about one slot (additive increase)
        for _ in range(8):
            started = await limiter.acquire()
            limiter.release(started, succeeded=True)
        assert 8.9 < limiter.limit < 9.1
        # never below the minimum
        for _ in range(10):
            started = await limiter.acquire()
            limiter.release(started, congested=True)
        assert limiter.limit == 2 and limiter.slots == 2

    asyncio.run(main())


def test_waiters_are_served_in_order_and_cancelled_waiters_give_the_slot_back() -> None:
    async def main() -> list[int]:
        limiter = AdaptiveLimiter(1)
        order: list[int] = []
        first = await limiter.acquire()

        async def wait(i: int) -> None:
            started = await limiter.acquire()
            order.append(i)
            limiter.release(started)

        tasks = [asyncio.create_task(wait(i)) for i in range(3)]
        cancelled = asyncio.create_task(wait(99))
        await asyncio.sleep(0)
        cancelled.cancel()
        await asyncio.sleep(0)
        limiter.release(first)
        await asyncio.gather(*tasks)
        assert limiter.in_flight == 0
        return order

    assert asyncio.run(main()) == [0, 1, 2]


def test_limiter_rejects_bad_bounds() -> None:
    with pytest.raises(ValueError):
        AdaptiveLimiter(2, minimum=3)
    with pytest.raises(ValueError):
        AdaptiveLimiter(2, decrease=1.5)


def test_retry_after_forms() -> None:
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after": "0.25"}) == 0.25
    assert parse_retry_after({"retry-after-ms": "1500", "Retry-After": "9"}) == 1.5
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= (parse_retry_after({"Retry-After": date}, now=now) or 0) <= 31
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None and parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("status", "retryable", "congested"),
    [(429, True, True), (503, True, True), (529, True, True), (500, True, False), (502, True, False),
     (400, False, False), (401, False, False), (404, False, False)],
)
def test_status_classification(status: int, retryable: bool, congested: bool) -> None:
    exc = error_for_status(status, b'{"error": "x"}', {"Retry-After": "2"})
    assert isinstance(exc, RetryableError if retryable else FatalError)
    assert str(status) in str(exc)
    if isinstance(exc, RetryableError):
        assert exc.congested is congested and exc.retry_after == 2.0


def test_wait_uses_retry_after_capped_else_jittered_backoff() -> None:
    wait = RetryWait(initial=0.5, maximum=4.0)
    assert wait.seconds(RetryableError("x", retry_after=1.25), attempt=1) == 1.25
    assert wait.seconds(RetryableError("x", retry_after=10_000), attempt=1) == MAX_RETRY_AFTER_S
    draws = [wait.seconds(RetryableError("x"), attempt=3) for _ in range(300)]
    assert all(0 <= d <= min(4.0, 0.5 * 2**3) for d in draws)
    assert len({round(d, 6) for d in draws}) > 250  # jittered, not a fixed schedule
    assert max(wait.seconds(RetryableError("x"), attempt=20) for _ in range(50)) <= 4.0
