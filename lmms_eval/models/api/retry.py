"""Which failures are worth retrying, and how long to wait: Retry-After when the server says, else
exponential backoff with full jitter (tenacity's ``wait_random_exponential``)."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping

#: HTTP statuses that mean "try again later"; 529 is Anthropic's "overloaded"
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
#: statuses that mean the server is saturated: they also cut the concurrency limit
CONGESTION_STATUS = frozenset({429, 503, 529})
#: the longest Retry-After honoured as given; longer ones are capped (a misconfigured server says "3600")
MAX_RETRY_AFTER_S = 120.0


class RetryableError(Exception):
    """A transient failure: the request is sent again after a wait."""

    def __init__(self, reason: str, *, congested: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.congested = congested
        self.retry_after = retry_after


class FatalError(Exception):
    """A failure that another attempt will not fix (bad request, auth, unknown model)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_retry_after(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms``, ``Retry-After`` (seconds or an HTTP date); None if absent."""
    if not headers:
        return None
    lower = {k.lower(): v for k, v in headers.items()}
    raw_ms = lower.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = lower.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def error_for_status(status: int, body: bytes | str, headers: Mapping[str, str] | None = None) -> Exception:
    """The exception for a non-2xx HTTP answer: retryable or fatal, with the server's message."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    reason = f"HTTP {status}: {_short(text)}"
    if status in RETRYABLE_STATUS:
        return RetryableError(
            reason, congested=status in CONGESTION_STATUS, retry_after=parse_retry_after(headers)
        )
    return FatalError(reason)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RetryWait:
    """How long to wait before the next attempt: the server's Retry-After if it sent one (capped at
    ``MAX_RETRY_AFTER_S``), else tenacity's full-jitter exponential backoff (``wait_random_exponential``:
    uniform in [0, min(maximum, initial * 2**attempt)])."""

    def __init__(self, initial: float, maximum: float) -> None:
        from tenacity import wait_random_exponential

        self.backoff = wait_random_exponential(multiplier=initial, max=maximum)

    def seconds(self, error: RetryableError, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (1-based)."""
        if error.retry_after is not None:
            return min(error.retry_after, MAX_RETRY_AFTER_S)
        return float(self.backoff(_Attempt(attempt)))  # type: ignore[arg-type]


class _Attempt:
    """The one field of tenacity's RetryCallState that its wait strategies read."""

    def __init__(self, attempt_number: int) -> None:
        self.attempt_number = attempt_number
