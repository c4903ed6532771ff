"""What to retry and how long to wait: pure functions, applied only by ``ResilientTransport``.

CareCloud has no idempotency keys. Replaying ``POST /purchases/actions/send-purchase``
after the server recorded it books the purchase twice, so a request that may
have been applied is replayed only when it is idempotent (GET, PUT, DELETE...)
or the caller opted in with ``retry_unsafe=True``.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from carecloud_async._errors import ConfigurationError

__all__ = [
    "IDEMPOTENT_METHODS",
    "NEVER_RETRIED",
    "NOT_SENT",
    "RetryPolicy",
    "Verdict",
    "backoff_delay",
    "exception_verdict",
    "parse_retry_after",
    "retry_after_within_cap",
    "status_verdict",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_ANY_METHOD = frozenset({429, 503})
RETRY_IF_IDEMPOTENT = frozenset({500, 502, 504})
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
"""Failures that happen before a byte of the request leaves this process."""
NEVER_RETRIED = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)
"""Failures of our own making: the same request would fail the same way again."""


class Verdict(enum.Enum):
    DONE = "done"
    """Hand the response to the caller."""
    RETRY = "retry"
    """Safe to send again after a wait."""
    OUTCOME_UNKNOWN = "outcome_unknown"
    """It may have been applied and is not safe to repeat: stop and say so."""


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how patiently to retry.

    ``wait=False`` is the testing switch: decisions stay the same, nothing sleeps.
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    jitter: float = 0.2
    """Each wait is scaled by a random factor in [1 - jitter, 1 + jitter]."""
    retry_after_cap: float = 60.0
    """A longer Retry-After is not waited out: the error is raised at once."""
    wait: bool = True

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigurationError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.backoff_base < 0 or self.backoff_max < self.backoff_base:
            raise ConfigurationError("need 0 <= backoff_base <= backoff_max")
        if not 0 <= self.jitter < 1:
            raise ConfigurationError(f"jitter must be in [0, 1), got {self.jitter}")
        if self.retry_after_cap < 0:
            raise ConfigurationError("retry_after_cap must be >= 0")


def _replayable(method: str, retry_unsafe: bool) -> bool:
    return retry_unsafe or method.upper() in IDEMPOTENT_METHODS


def status_verdict(method: str, status: int, retry_unsafe: bool = False) -> Verdict:
    """429 and 503 are refused before processing: retry any method. A 500/502/504 may
    follow a half-done write: retry only what is safe to repeat."""
    if status in RETRY_ANY_METHOD:
        return Verdict.RETRY
    if status in RETRY_IF_IDEMPOTENT:
        return Verdict.RETRY if _replayable(method, retry_unsafe) else Verdict.OUTCOME_UNKNOWN
    return Verdict.DONE


def exception_verdict(method: str, exc: Exception, retry_unsafe: bool = False) -> Verdict:
    """A failed connection provably sent nothing; anything later may have been applied."""
    if isinstance(exc, NEVER_RETRIED):
        return Verdict.DONE
    if isinstance(exc, NOT_SENT):
        return Verdict.RETRY
    if isinstance(exc, httpx.TransportError):
        return Verdict.RETRY if _replayable(method, retry_unsafe) else Verdict.OUTCOME_UNKNOWN
    return Verdict.DONE


def backoff_delay(retry_number: int, policy: RetryPolicy, rand: float | None = None) -> float:
    """Exponential wait before retry ``retry_number`` (1-based), capped, with jitter."""
    base = min(policy.backoff_max, policy.backoff_base * 2.0 ** (retry_number - 1))
    factor = 1 + policy.jitter * (2 * (random.random() if rand is None else rand) - 1)
    return min(policy.backoff_max, base * factor)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent
    or unreadable. A date in the past means zero."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_after_within_cap(retry_after: float | None, policy: RetryPolicy) -> bool:
    """Whether the server's wait is one we are willing to sit out; a longer one (a two-minute
    maintenance window, say) is better handed to the caller at once with ``retry_after`` set."""
    return retry_after is None or retry_after <= policy.retry_after_cap
