"""A client-side rate limiter that a bulk job shares across all its calls.

It spaces request starts evenly at ``requests_per_second`` and bounds how many
run at once. When the server still answers 429 the rate halves (once per
``throttle_cooldown``, so fifty concurrent 429s from one overload count once),
then creeps back up by a twentieth of the target per success, so a job settles
just under the project's real limit instead of bouncing off it.

We keep this small scheduler rather than aiolimiter: aiolimiter times itself
with the event loop's clock (no injected clock, so no fake-clock tests), lets a
full bucket through as a burst, and has no public way to change the rate while
requests wait, which the adaptive slow-down needs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from carecloud_async._errors import ConfigurationError

__all__ = ["RateLimiter"]


class RateLimiter:
    """Start at most ``requests_per_second`` requests a second, ``max_concurrency`` at once."""

    def __init__(
        self,
        requests_per_second: float,
        *,
        max_concurrency: int | None = None,
        min_rate_fraction: float = 0.1,
        throttle_cooldown: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if requests_per_second <= 0:
            raise ConfigurationError(f"requests_per_second must be > 0, got {requests_per_second}")
        if max_concurrency is not None and max_concurrency < 1:
            raise ConfigurationError(f"max_concurrency must be >= 1, got {max_concurrency}")
        self.target_rate = float(requests_per_second)
        self.rate = self.target_rate
        self._floor = self.target_rate * min_rate_fraction
        self._cooldown = throttle_cooldown
        self._last_throttled: float | None = None
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        if max_concurrency:
            self._slots: asyncio.Semaphore | None = asyncio.Semaphore(max_concurrency)
        else:
            self._slots = None

    async def _wait_for_turn(self) -> None:
        now = self._clock()
        start = max(now, self._next_start)
        self._next_start = start + 1.0 / self.rate  # reserve before sleeping: fair under load
        if start > now:
            await self._sleep(start - now)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a place for one request: waits for its turn and for a free concurrency slot."""
        if self._slots is None:
            await self._wait_for_turn()
            yield
            return
        async with self._slots:
            await self._wait_for_turn()
            yield

    def on_throttled(self) -> None:
        """The server said 429: halve the rate (not below the floor), once per cooldown."""
        now = self._clock()
        if self._last_throttled is not None and now - self._last_throttled < self._cooldown:
            return
        self._last_throttled = now
        self.rate = max(self._floor, self.rate / 2)

    def on_success(self) -> None:
        """Recover gradually towards the target rate."""
        if self.rate < self.target_rate:
            self.rate = min(self.target_rate, self.rate + self.target_rate / 20)

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self.rate:g}/s, target={self.target_rate:g}/s)"
