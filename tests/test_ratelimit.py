"""The client-side limiter keeps bursts under the configured rate, measured on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from carecloud_async._errors import ConfigurationError
from carecloud_async._ratelimit import RateLimiter
from tests.conftest import FakeClock


async def _burst(rate: float, clock: FakeClock, size: int) -> list[float]:
    """Start times of a burst; a task's start is the moment its fake sleep would end."""
    wake_at: dict[asyncio.Task[None] | None, float] = {}

    async def fake_sleep(seconds: float) -> None:
        wake_at[asyncio.current_task()] = clock() + seconds
        await asyncio.sleep(0)

    limiter = RateLimiter(rate, clock=clock, sleep=fake_sleep)
    starts: list[float] = []

    async def one() -> None:
        async with limiter.slot():
            starts.append(wake_at.get(asyncio.current_task(), clock()))

    await asyncio.gather(*(one() for _ in range(size)))
    return sorted(starts)


def _max_in_any_second(starts: list[float]) -> int:
    """Most starts in any one-second window (less a float-rounding nanosecond)."""
    return max(sum(1 for t in starts if s <= t < s + 1.0 - 1e-9) for s in starts)


async def test_a_200_request_burst_stays_at_or_under_the_rate(clock: FakeClock) -> None:
    """20 requests per second: no one-second window holds more than 20 starts."""
    starts = await _burst(20, clock, 200)
    assert len(starts) == 200
    assert _max_in_any_second(starts) <= 20
    assert starts[-1] - starts[0] == pytest.approx(199 / 20)


async def test_without_a_limiter_the_same_burst_would_exceed_the_rate(clock: FakeClock) -> None:
    """The measurement can fail: an unthrottled burst starts all at once."""
    starts = [clock() for _ in range(200)]
    assert _max_in_any_second(starts) == 200


async def test_max_concurrency_bounds_requests_in_flight(clock: FakeClock) -> None:
    """At most three at once, whatever the rate allows."""
    limiter = RateLimiter(1000, max_concurrency=3, clock=clock, sleep=clock.sleep)
    running = peak = 0

    async def one() -> None:
        nonlocal running, peak
        async with limiter.slot():
            running += 1
            peak = max(peak, running)
            for _ in range(5):
                await asyncio.sleep(0)
            running -= 1

    await asyncio.gather(*(one() for _ in range(30)))
    assert peak == 3


def test_throttling_halves_the_rate_down_to_a_floor_and_successes_restore_it() -> None:
    """Adaptive: 429 halves, each success adds a twentieth of the target."""
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0])
    for _ in range(10):
        limiter.on_throttled()
        now[0] += 1.0
    assert limiter.rate == 1.0
    for _ in range(30):
        limiter.on_success()
    assert limiter.rate == 10.0


def test_a_burst_of_429s_from_one_overload_halves_the_rate_once() -> None:
    """Fifty concurrent 429s inside the cooldown are one signal, not fifty."""
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0], throttle_cooldown=1.0)
    for _ in range(50):
        limiter.on_throttled()
    assert limiter.rate == 5.0
    now[0] += 1.0
    limiter.on_throttled()
    assert limiter.rate == 2.5


def test_impossible_settings_are_refused() -> None:
    """Zero rate or zero concurrency can never send anything."""
    with pytest.raises(ConfigurationError, match="requests_per_second"):
        RateLimiter(0)
    with pytest.raises(ConfigurationError, match="max_concurrency"):
        RateLimiter(5, max_concurrency=0)
