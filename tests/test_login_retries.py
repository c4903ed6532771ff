"""Logins and device-token requests create nothing, so they are retried like harmless requests;
a refused login names its real cause; a failed early refresh keeps the still valid token."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from carecloud_openapi.api.rewards import get_rewards
from carecloud_openapi.api.stores import get_stores

from carecloud_async import (
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    CustomerClient,
    DeviceInfo,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ServiceUnavailableError,
)
from carecloud_async._auth import EnterpriseAuth
from carecloud_async._client import EnterpriseClient
from carecloud_async._logging import RequestEvent
from tests.conftest import (
    BASE_URL,
    SECRET_PASSWORD,
    FakeClock,
    Recorder,
    enterprise,
    json_response,
    login_ok,
)

LOGIN = "/users/actions/login"
STORES = {"stores": [], "rewards": [], "total_items": 0}


def _server(login_answers: Callable[[httpx.Request], httpx.Response]) -> Recorder:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(LOGIN):
            return login_answers(request)
        if request.url.path.endswith("/tokens"):
            return login_answers(request)
        return json_response(200, STORES)

    return Recorder(handle)


def _sequence(*answers: httpx.Response | type[Exception]) -> Callable[[httpx.Request], Any]:
    """Answers in order, the last one forever; an exception class is raised."""
    remaining = list(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        item = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        if isinstance(item, type):
            raise item("injected", request=request)  # type: ignore[call-arg]
        return item

    return answer


def _clocked(recorder: Recorder, clock: FakeClock, **kwargs: Any) -> EnterpriseClient:
    client = enterprise(recorder, **kwargs)
    auth = EnterpriseAuth(
        base_url=BASE_URL,
        login="ops@example.com",
        password=SECRET_PASSWORD,
        external_application_id="app",
        project_timezone=ZoneInfo("UTC"),
        clock=clock,
        wall_clock=clock.wall,
    )
    http = client.http
    auth.bind(lambda request: http.send(request, auth=None))
    client.auth = auth
    return client


@pytest.mark.parametrize(
    "first_failure",
    [httpx.Response(502), httpx.Response(500), httpx.Response(504), httpx.ReadTimeout],
    ids=["502", "500", "504", "read-timeout"],
)
async def test_a_transient_login_failure_is_retried_for_all_waiting_calls(
    first_failure: httpx.Response | type[Exception],
) -> None:
    """One 502 on login while 100 calls wait: all 100 succeed with two login requests."""
    recorder = _server(_sequence(first_failure, login_ok()))
    async with enterprise(recorder) as client:
        results = await asyncio.gather(*(client.call(get_stores) for _ in range(100)))
    assert all(r.total_items == 0 for r in results)
    assert len(recorder.paths(LOGIN)) == 2


async def test_a_throttled_login_waits_as_the_server_asks() -> None:
    events: list[RequestEvent] = []
    recorder = _server(_sequence(httpx.Response(429, headers={"Retry-After": "2"}), login_ok()))
    async with enterprise(recorder, hooks=[events.append]) as client:
        await client.call(get_stores)
    first = events[0]
    assert first.path_template == LOGIN
    assert first.status == 429
    assert first.will_retry
    assert first.wait_seconds == 2.0


async def test_a_device_token_request_is_retried_too() -> None:
    recorder = _server(_sequence(httpx.Response(502), json_response(201, {"token_id": "t-1"})))
    async with CustomerClient(
        base_url=BASE_URL,
        external_application_id="app",
        device=DeviceInfo(device_id="kiosk-1"),
        transport=recorder.transport,
        retry_policy=RetryPolicy(wait=False),
    ) as client:
        await client.call(get_rewards)
    assert len(recorder.paths("/tokens")) == 2


@pytest.mark.parametrize(
    ("answer", "error", "checks"),
    [
        (
            httpx.Response(404, text="not found"),
            ConfigurationError,
            ["no login endpoint at", BASE_URL, "base_url"],
        ),
        (
            httpx.Response(429, headers={"Retry-After": "600"}),
            RateLimitError,
            ["429", "retry after 600"],
        ),
        (httpx.Response(500), ServerError, ["500"]),
        (httpx.Response(503), ServiceUnavailableError, ["503"]),
    ],
    ids=["404", "429", "500", "503"],
)
async def test_login_errors_are_classified_by_status(
    answer: httpx.Response, error: type[Exception], checks: list[str]
) -> None:
    recorder = _server(lambda request: answer)
    async with enterprise(recorder) as client:
        with pytest.raises(error) as caught:
            await client.call(get_stores)
    assert not isinstance(caught.value, AuthenticationError)
    for text in checks:
        assert text in str(caught.value)
    if isinstance(caught.value, RateLimitError):
        assert caught.value.retry_after == 600


async def test_a_device_token_url_that_is_not_found_is_a_configuration_error() -> None:
    recorder = _server(lambda request: httpx.Response(404))
    async with CustomerClient(
        base_url=BASE_URL,
        external_application_id="app",
        device=DeviceInfo(device_id="kiosk-1"),
        transport=recorder.transport,
        retry_policy=RetryPolicy(wait=False),
    ) as client:
        with pytest.raises(ConfigurationError, match="no login endpoint at"):
            await client.call(get_rewards)


async def test_a_connect_error_names_the_host_and_the_os_reason() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    recorder = _server(refuse)
    async with enterprise(recorder) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.call(get_stores)
    assert "127.0.0.1" in str(caught.value)
    assert "Connection refused" in str(caught.value)


async def test_waiting_calls_share_a_failed_login_and_the_next_call_starts_afresh() -> None:
    """No herd: ten waiting calls, one login (with its retries); then a new login."""
    healthy = False

    def login(request: httpx.Request) -> httpx.Response:
        return login_ok() if healthy else httpx.Response(500)

    recorder = _server(login)
    async with enterprise(recorder) as client:
        results = await asyncio.gather(
            *(client.call(get_stores) for _ in range(10)), return_exceptions=True
        )
        assert all(isinstance(r, ServerError) for r in results), results
        assert len(recorder.paths(LOGIN)) == 4  # first try + 3 retries, shared by all ten
        healthy = True
        await client.call(get_stores)
    assert len(recorder.paths(LOGIN)) == 5


@pytest.mark.parametrize(
    "refusal",
    [httpx.Response(503), httpx.Response(429), httpx.Response(500)],
    ids=["503", "429", "500"],
)
async def test_a_failed_early_refresh_keeps_the_token_warns_once_and_backs_off(
    clock: FakeClock, refusal: httpx.Response, caplog: pytest.LogCaptureFixture
) -> None:
    logins_ok = True

    def login(request: httpx.Request) -> httpx.Response:
        return login_ok("token-1", valid_to="2030-01-01 00:10:00") if logins_ok else refusal

    recorder = _server(login)
    async with _clocked(recorder, clock) as client:
        await client.call(get_stores)
        clock.advance(6 * 60)  # inside the 5-minute margin, 4 minutes before valid_to
        logins_ok = False
        caplog.set_level(logging.WARNING, logger="carecloud_async")
        for _ in range(10):  # ten calls, a second apart
            await client.call(get_stores)
            clock.advance(1)
        assert len(recorder.paths(LOGIN)) == 1 + 4  # one refresh (with retries), then backoff
        clock.advance(30)
        await client.call(get_stores)  # the backoff is over: one more refresh attempt
        assert len(recorder.paths(LOGIN)) == 1 + 4 + 4
        assert {r.headers["authorization"] for r in recorder.paths("/stores")} == {"Bearer token-1"}
        warnings = [r for r in caplog.records if "token refresh failed" in r.getMessage()]
        assert len(warnings) == 1
        clock.advance(4 * 60)  # now past valid_to: the login's own error reaches the caller
        with pytest.raises((ServerError, RateLimitError)):
            await client.call(get_stores)


async def test_calls_waiting_for_a_device_token_share_its_failure() -> None:
    """POST /tokens failing for good: ten waiting calls get its error from one request flow."""
    healthy = False

    def tokens(request: httpx.Request) -> httpx.Response:
        return json_response(201, {"token_id": "t-1"}) if healthy else httpx.Response(500)

    recorder = _server(tokens)
    async with CustomerClient(
        base_url=BASE_URL,
        external_application_id="app",
        device=DeviceInfo(device_id="kiosk-1"),
        transport=recorder.transport,
        retry_policy=RetryPolicy(wait=False),
    ) as client:
        results = await asyncio.gather(
            *(client.call(get_rewards) for _ in range(10)), return_exceptions=True
        )
        assert all(isinstance(r, ServerError) for r in results), results
        assert len(recorder.paths("/tokens")) == 4  # first try + 3 retries, shared by all ten
        healthy = True
        await client.call(get_rewards)
    assert len(recorder.paths("/tokens")) == 5
