"""An adaptive concurrency limit: additive increase on success, multiplicative decrease on congestion.

The limit starts at the user's ceiling (``num_concurrent``) because a served model is usually sized for it;
a 429 or a timeout halves it (at most once per round trip: only a request that started after the last cut can
cut again, so one burst of 429s counts once), and each success adds ``1 / limit``, so a full window of
successes adds one slot back. Waiters are served first come, first served.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque


class AdaptiveLimiter:
    """Counts requests in flight against a float limit between ``minimum`` and ``maximum``.

    Not thread-safe: use it from one event loop.
    """

    def __init__(
        self,
        maximum: int,
        *,
        minimum: int = 1,
        start: int | None = None,
        increase: float = 1.0,
        decrease: float = 0.5,
    ) -> None:
        if maximum < 1 or minimum < 1 or minimum > maximum:
            raise ValueError(f"need 1 <= minimum ({minimum}) <= maximum ({maximum})")
        if not 0 < decrease < 1:
            raise ValueError(f"decrease must be in (0, 1), got {decrease}")
        self.maximum, self.minimum = maximum, minimum
        self.limit = float(min(maximum, max(minimum, start if start is not None else maximum)))
        self.increase, self.decrease = increase, decrease
        self.in_flight = 0
        self.cuts = 0
        self._last_cut = float("-inf")
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def slots(self) -> int:
        """The whole number of requests allowed in flight now."""
        return max(self.minimum, int(self.limit))

    async def acquire(self) -> float:
        """Wait for a slot; returns the start time to pass back to ``release``."""
        if self.in_flight < self.slots and not self._waiters:
            self.in_flight += 1
            return time.monotonic()
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():  # the slot was handed over just before the cancel
                self.in_flight -= 1
                self._wake()
            else:
                self._waiters.remove(fut)
            raise
        return time.monotonic()

    def release(self, started: float, *, congested: bool = False, succeeded: bool = False) -> None:
        """Free a slot. ``congested`` (429, timeout, overload) cuts the limit; ``succeeded`` grows it."""
        self.in_flight -= 1
        if congested:
            if started >= self._last_cut:
                self.limit = max(float(self.minimum), self.limit * self.decrease)
                self._last_cut = time.monotonic()
                self.cuts += 1
        elif succeeded and self.limit < self.maximum:
            self.limit = min(float(self.maximum), self.limit + self.increase / self.limit)
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.in_flight < self.slots:
            fut = self._waiters.popleft()
            if not fut.done():
                self.in_flight += 1
                fut.set_result(None)
