"""Resilience under injected faults: waits, retries, no duplicate purchase, deadlines, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx
import pytest
from carecloud_openapi.api.purchases import post_purchase_send
from carecloud_openapi.api.stores import get_stores
from carecloud_openapi.models import PostPurchaseSendBody

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import (
    OutcomeUnknownError,
    RateLimitError,
    ServiceUnavailableError,
)
from carecloud_async._logging import RequestEvent, RequestHook
from carecloud_async._ratelimit import RateLimiter
from carecloud_async._retry import RetryPolicy
from carecloud_async._transport import ResilientTransport
from tests.conftest import BASE_URL, SECRET_TOKEN, FakeClock, Recorder, json_response
from tests.spec_examples import request_body_example

STORES = {"stores": [], "total_items": 0}
SEND_PURCHASE = "/purchases/actions/send-purchase"


def purchase_body() -> PostPurchaseSendBody:
    return PostPurchaseSendBody.from_dict(request_body_example("POST", SEND_PURCHASE))


@asynccontextmanager
async def resilient_client(
    recorder: Recorder,
    clock: FakeClock,
    *,
    policy: RetryPolicy | None = None,
    limiter: RateLimiter | None = None,
    hooks: Sequence[RequestHook] = (),
) -> AsyncIterator[EnterpriseClient]:
    transport = ResilientTransport(
        recorder.transport,
        retry_policy=policy,
        rate_limiter=limiter,
        hooks=hooks,
        sleep=clock.sleep,
        clock=clock,
        rand=lambda: 0.5,
    )
    async with httpx.AsyncClient(transport=transport) as http:
        yield EnterpriseClient(base_url=BASE_URL, bearer_token=SECRET_TOKEN, httpx_client=http)


def scripted(*answers: httpx.Response | Exception) -> Recorder:
    """Answer with each item in turn (raising exceptions), then repeat the last."""
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return Recorder(handle)


async def test_a_429_storm_is_ridden_out_waiting_exactly_what_the_server_asked(
    clock: FakeClock,
) -> None:
    """Three 429s with Retry-After 2, 5, 1 seconds, then success: waits are 2, 5, 1."""
    recorder = scripted(
        httpx.Response(429, headers={"Retry-After": "2"}),
        httpx.Response(429, headers={"Retry-After": "5"}),
        httpx.Response(429, headers={"Retry-After": "1"}),
        json_response(200, STORES),
    )
    async with resilient_client(recorder, clock) as client:
        data = await client.call(get_stores)
    assert data.total_items == 0
    assert clock.sleeps == [2.0, 5.0, 1.0]
    assert len(recorder.requests) == 4


async def test_retry_after_above_the_cap_raises_at_once(clock: FakeClock) -> None:
    """A two-minute Retry-After is not slept through: RateLimitError with retry_after."""
    recorder = scripted(httpx.Response(429, headers={"Retry-After": "120"}))
    async with resilient_client(recorder, clock) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.call(get_stores)
    assert caught.value.retry_after == 120.0
    assert clock.sleeps == []
    assert len(recorder.requests) == 1


async def test_503_flaps_on_get_are_retried_with_backoff_and_succeed(clock: FakeClock) -> None:
    """Two 503s then 200: exponential waits 0.5 s and 1 s."""
    recorder = scripted(httpx.Response(503), httpx.Response(503), json_response(200, STORES))
    async with resilient_client(recorder, clock) as client:
        assert (await client.call(get_stores)).total_items == 0
    assert clock.sleeps == [0.5, 1.0]


async def test_persistent_503_gives_up_after_three_retries(clock: FakeClock) -> None:
    """Retries are bounded; the caller gets ServiceUnavailableError."""
    recorder = scripted(httpx.Response(503))
    async with resilient_client(recorder, clock) as client:
        with pytest.raises(ServiceUnavailableError):
            await client.call(get_stores)
    assert len(recorder.requests) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("server recorded it, then the answer was lost"),
        httpx.Response(500, json={"error": {"type": "internal"}}),
        httpx.Response(502),
    ],
    ids=["read-timeout", "500", "502"],
)
async def test_send_purchase_is_sent_exactly_once_when_the_outcome_is_unknown(
    clock: FakeClock, failure: httpx.Response | Exception
) -> None:
    """No replay after the server may have recorded the purchase: OutcomeUnknownError."""
    recorder = scripted(failure, json_response(200, {}))
    async with resilient_client(recorder, clock) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.call(post_purchase_send, body=purchase_body())
    assert len(recorder.paths(SEND_PURCHASE)) == 1
    assert caught.value.may_have_reached_server is True
    assert "not replayed" in str(caught.value)
    assert clock.sleeps == []


async def test_send_purchase_is_retried_after_a_connect_error(clock: FakeClock) -> None:
    """The connection failed, so nothing was sent: retrying cannot duplicate."""
    recorder = scripted(httpx.ConnectError("refused"), json_response(200, {"purchase_id": "p-1"}))
    async with resilient_client(recorder, clock) as client:
        await client.call(post_purchase_send, body=purchase_body())
    sent = recorder.paths(SEND_PURCHASE)
    assert len(sent) == 2
    assert sent[0].content == sent[1].content
    assert clock.sleeps == [0.5]


async def test_retry_unsafe_opts_a_post_lookup_into_retries(clock: FakeClock) -> None:
    """The caller may declare a POST safe to replay."""
    recorder = scripted(httpx.ReadTimeout("slow"), json_response(200, {}))
    async with resilient_client(recorder, clock) as client:
        await client.call(post_purchase_send, body=purchase_body(), retry_unsafe=True)
    assert len(recorder.requests) == 2


async def test_the_deadline_stops_retries(clock: FakeClock) -> None:
    """With 1.2 s for the whole call, the 0.5 s wait fits and the 1 s wait does not."""
    recorder = scripted(httpx.Response(503))
    async with resilient_client(recorder, clock) as client:
        with pytest.raises(ServiceUnavailableError):
            await client.call(get_stores, deadline=1.2)
    assert clock.sleeps == [0.5]
    assert len(recorder.requests) == 2
    timeouts = recorder.requests[-1].extensions.get("timeout")
    assert timeouts is None or timeouts["read"] <= 1.2


async def test_wait_false_keeps_decisions_but_never_sleeps(clock: FakeClock) -> None:
    """The testing switch: same retries, no waiting."""
    recorder = scripted(httpx.Response(503), json_response(200, STORES))
    async with resilient_client(recorder, clock, policy=RetryPolicy(wait=False)) as client:
        await client.call(get_stores)
    assert len(recorder.requests) == 2
    assert clock.sleeps == []


async def test_hooks_see_every_attempt_without_secrets(clock: FakeClock) -> None:
    """Metrics hooks get method, template, status, attempt and retry decisions."""
    events: list[RequestEvent] = []
    recorder = scripted(httpx.Response(503), json_response(200, STORES))
    async with resilient_client(recorder, clock, hooks=[events.append]) as client:
        await client.call(get_stores)
    assert [(e.path_template, e.status, e.attempt, e.will_retry) for e in events] == [
        ("/stores", 503, 1, True),
        ("/stores", 200, 2, False),
    ]
    assert events[0].operation_id == "getStores"
    assert SECRET_TOKEN not in repr(events)


async def test_the_limiter_slows_down_after_a_429_and_recovers(clock: FakeClock) -> None:
    """Adaptive rate: halved on 429, back up gradually on successes."""
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    recorder = scripted(
        httpx.Response(429, headers={"Retry-After": "0"}), json_response(200, STORES)
    )
    async with resilient_client(recorder, clock, limiter=limiter) as client:
        await client.call(get_stores)
        assert limiter.rate == 5.5
        for _ in range(20):
            await client.call(get_stores)
    assert limiter.rate == 10


async def test_a_failing_hook_is_logged_and_does_not_break_the_call(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Metrics code that raises must not turn a successful call into an error."""

    def broken(event: RequestEvent) -> None:
        raise RuntimeError("metrics backend down")

    recorder = scripted(json_response(200, STORES))
    async with resilient_client(recorder, clock, hooks=[broken]) as client:
        assert (await client.call(get_stores)).total_items == 0
    assert "request hook" in caplog.text
