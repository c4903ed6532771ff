"""Enterprise token lifecycle: lazy login, single flight, proactive refresh, one 401 replay."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import httpx
import pytest
from carecloud_openapi.api.stores import get_stores

from carecloud_async._auth import BearerTokenAuth, EnterpriseAuth
from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import APIConnectionError, AuthenticationError, CareCloudError
from tests.conftest import (
    BASE_URL,
    SECRET_PASSWORD,
    SECRET_TOKEN,
    FakeClock,
    Recorder,
    enterprise,
    json_response,
    login_ok,
)

STORES = {"stores": [], "total_items": 0}


def _client_with_clock(recorder: Recorder, clock: FakeClock, zone: str = "UTC") -> EnterpriseClient:
    client = enterprise(recorder, project_timezone=zone)
    client.auth = EnterpriseAuth(
        base_url=BASE_URL,
        login="ops@example.com",
        password=SECRET_PASSWORD,
        external_application_id="app",
        project_timezone=ZoneInfo(zone),
        clock=clock,
        wall_clock=clock.wall,
    )
    http = client.http
    client.auth.bind(lambda request: http.send(request, auth=None))
    return client


def _server(valid_to: str = "2030-01-01 07:00:00") -> Recorder:
    tokens = iter(f"token-{n}" for n in range(1, 1000))

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/actions/login"):
            return login_ok(next(tokens), valid_to)
        return json_response(200, STORES)

    return Recorder(handle)


async def test_logs_in_once_for_a_hundred_concurrent_first_calls(clock: FakeClock) -> None:
    """Concurrent requests share one in-flight login."""
    recorder = _server()
    async with _client_with_clock(recorder, clock) as client:
        await asyncio.gather(*(client.call(get_stores) for _ in range(100)))
    assert len(recorder.paths("/users/actions/login")) == 1
    assert {r.headers["authorization"] for r in recorder.paths("/stores")} == {"Bearer token-1"}


async def test_refreshes_once_for_a_hundred_concurrent_calls_with_an_expired_token(
    clock: FakeClock,
) -> None:
    """After expiry, 100 concurrent calls cause exactly one new login."""
    recorder = _server(valid_to="2030-01-01 01:00:00")
    async with _client_with_clock(recorder, clock) as client:
        await client.call(get_stores)
        clock.advance(2 * 3600)
        await asyncio.gather(*(client.call(get_stores) for _ in range(100)))
    assert len(recorder.paths("/users/actions/login")) == 2
    assert recorder.requests[-1].headers["authorization"] == "Bearer token-2"


async def test_refreshes_ahead_of_valid_to_by_the_margin(clock: FakeClock) -> None:
    """A token valid for 10 more minutes is renewed once fewer than 5 remain."""
    recorder = _server(valid_to="2030-01-01 00:10:00")
    async with _client_with_clock(recorder, clock) as client:
        await client.call(get_stores)
        clock.advance(4 * 60)
        await client.call(get_stores)
        assert len(recorder.paths("/users/actions/login")) == 1
        clock.advance(61)
        await client.call(get_stores)
    assert len(recorder.paths("/users/actions/login")) == 2


async def test_valid_to_is_read_in_the_project_timezone(clock: FakeClock) -> None:
    """15:00 in Kiritimati (UTC+14) is 01:00 UTC: the token lives one hour, not fifteen."""
    recorder = _server(valid_to="2030-01-01 15:00:00")
    async with _client_with_clock(recorder, clock, zone="Pacific/Kiritimati") as client:
        await client.call(get_stores)
        assert isinstance(client.auth, EnterpriseAuth)
        assert client.auth.valid_to is not None
        assert client.auth.valid_to.utcoffset() is not None
        assert client.auth.valid_to.timestamp() == clock.wall().timestamp() + 3600
        clock.advance(54 * 60)
        await client.call(get_stores)
        assert len(recorder.paths("/users/actions/login")) == 1
        clock.advance(2 * 60)
        await client.call(get_stores)
    assert len(recorder.paths("/users/actions/login")) == 2


async def test_logs_in_again_once_and_replays_once_after_a_401(clock: FakeClock) -> None:
    """A 401 for the current token: one new login, one replay of the same request."""
    tokens = iter(["old", "new"])

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/actions/login"):
            return login_ok(next(tokens))
        if request.headers["authorization"] == "Bearer old":
            return httpx.Response(401, json={"error": {"type": "unauthorized"}})
        return json_response(200, STORES)

    recorder = Recorder(handle)
    async with _client_with_clock(recorder, clock) as client:
        assert (await client.call(get_stores)).total_items == 0
    assert len(recorder.paths("/users/actions/login")) == 2
    assert [r.headers["authorization"] for r in recorder.paths("/stores")] == [
        "Bearer old",
        "Bearer new",
    ]


async def test_does_not_loop_when_the_new_token_also_gets_401(clock: FakeClock) -> None:
    """Second 401 after a fresh login surfaces as AuthenticationError; no third login."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/actions/login"):
            return login_ok()
        return httpx.Response(401, json={"error": {"type": "unauthorized", "detail": "nope"}})

    recorder = Recorder(handle)
    async with _client_with_clock(recorder, clock) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.call(get_stores)
    assert caught.value.status == 401
    assert len(recorder.paths("/users/actions/login")) == 2
    assert len(recorder.paths("/stores")) == 2


async def test_concurrent_401s_share_one_refused_relogin(clock: FakeClock) -> None:
    """Revoked credentials: one re-login, its refusal reaches every caller, no token-less replay."""
    logins = iter([login_ok("first"), httpx.Response(403, json={"error": {"type": "revoked"}})])

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/actions/login"):
            return next(logins)
        return httpx.Response(401, json={"error": {"type": "unauthorized"}})

    recorder = Recorder(handle)
    async with _client_with_clock(recorder, clock) as client:
        results = await asyncio.gather(
            *(client.call(get_stores) for _ in range(5)), return_exceptions=True
        )
    assert [(type(r), getattr(r, "status", None)) for r in results] == [
        (AuthenticationError, 403)
    ] * 5
    assert len(recorder.paths("/users/actions/login")) == 2
    assert {r.headers["authorization"] for r in recorder.paths("/stores")} == {"Bearer first"}


async def test_calls_waiting_for_a_login_that_got_no_answer_share_its_failure(
    clock: FakeClock,
) -> None:
    """Login endpoint unreachable: one login (with its retries) for ten calls, not ten in a row."""
    reachable = False

    def handle(request: httpx.Request) -> httpx.Response:
        if not reachable:
            raise httpx.ConnectError("refused", request=request)
        if request.url.path.endswith("/users/actions/login"):
            return login_ok()
        return json_response(200, STORES)

    recorder = Recorder(handle)
    async with _client_with_clock(recorder, clock) as client:
        results = await asyncio.gather(
            *(client.call(get_stores) for _ in range(10)), return_exceptions=True
        )
        assert all(isinstance(r, APIConnectionError) for r in results), results
        assert not any(r.may_have_reached_server for r in results if isinstance(r, CareCloudError))
        assert len(recorder.paths("/users/actions/login")) == 4  # first try + 3 retries
        assert recorder.paths("/stores") == []
        reachable = True
        await client.call(get_stores)  # a later call logs in afresh
    assert len(recorder.paths("/users/actions/login")) == 5


async def test_a_cancelled_login_does_not_fail_the_calls_waiting_for_it(clock: FakeClock) -> None:
    """Only the caller that gave up stops; the next waiter logs in itself."""
    first_login_started = asyncio.Event()
    logins = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal logins
        if request.url.path.endswith("/users/actions/login"):
            logins += 1
            if logins == 1:
                first_login_started.set()
                await asyncio.Event().wait()  # never answers; the caller is cancelled
            return login_ok()
        return json_response(200, STORES)

    recorder = Recorder(handle)
    async with _client_with_clock(recorder, clock) as client:
        impatient = asyncio.create_task(client.call(get_stores))
        await first_login_started.wait()
        patient = asyncio.create_task(client.call(get_stores))
        await asyncio.sleep(0)
        impatient.cancel()
        assert (await patient).total_items == 0
        assert impatient.cancelled()
    assert logins == 2


async def test_a_failed_refresh_leaves_waiting_calls_on_the_still_valid_token(
    clock: FakeClock,
) -> None:
    """Refreshing ahead of expiry is optional: if it fails, the old token serves until valid_to."""
    login_reachable = True

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/actions/login"):
            if not login_reachable:
                raise httpx.ConnectError("refused", request=request)
            return login_ok("token-1", valid_to="2030-01-01 00:10:00")
        return json_response(200, STORES)

    recorder = Recorder(handle)
    async with _client_with_clock(recorder, clock) as client:
        await client.call(get_stores)
        clock.advance(6 * 60)  # inside the 5-minute margin, 4 minutes before valid_to
        login_reachable = False
        results = await asyncio.gather(
            *(client.call(get_stores) for _ in range(5)), return_exceptions=True
        )
    assert all(r.total_items == 0 for r in results)  # type: ignore[union-attr]
    assert len(recorder.paths("/users/actions/login")) == 1 + 4
    assert {r.headers["authorization"] for r in recorder.paths("/stores")} == {"Bearer token-1"}


@pytest.mark.parametrize("status", [400, 401, 403])
async def test_a_refused_login_raises_once_naming_the_cause(clock: FakeClock, status: int) -> None:
    """Bad credentials: AuthenticationError with the server's reason; waiting calls share it."""
    body = {"error": {"type": "invalid_credentials", "detail": "login or password is wrong"}}
    recorder = Recorder(lambda request: httpx.Response(status, json=body))
    async with _client_with_clock(recorder, clock) as client:
        results = await asyncio.gather(
            *(client.call(get_stores) for _ in range(10)), return_exceptions=True
        )
    assert all(isinstance(r, AuthenticationError) for r in results)
    error = results[0]
    assert isinstance(error, AuthenticationError)
    assert error.status == status
    assert "invalid_credentials" in str(error)
    assert "login or password is wrong" in str(error)
    assert len(recorder.requests) == 1
    assert SECRET_PASSWORD not in str(error) + repr(error)


async def test_a_pre_issued_bearer_token_is_sent_and_a_401_raises() -> None:
    """No refresh is possible with a given token: a 401 is the caller's error."""
    recorder = Recorder(lambda request: httpx.Response(401, json={"error": {"type": "expired"}}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(AuthenticationError):
            await client.call(get_stores)
    assert [r.headers["authorization"] for r in recorder.requests] == [f"Bearer {SECRET_TOKEN}"]


def test_auth_reprs_hide_passwords_and_tokens() -> None:
    """Secrets never show in a repr."""
    auth = EnterpriseAuth(
        base_url=BASE_URL,
        login="ops@example.com",
        password=SECRET_PASSWORD,
        external_application_id="app",
        project_timezone=ZoneInfo("UTC"),
    )
    texts = repr(auth) + repr(BearerTokenAuth(SECRET_TOKEN))
    assert SECRET_PASSWORD not in texts
    assert SECRET_TOKEN not in texts


async def test_bearer_token_logs_in_once_and_hands_out_the_token_calls_use() -> None:
    """For handing to other processes: the same token the calls carry, one login for both."""
    recorder = _server()
    async with enterprise(recorder, project_timezone="UTC") as client:
        first = await client.bearer_token()
        await client.call(get_stores)
        again = await client.bearer_token()
    assert first == again == "token-1"
    assert len(recorder.paths("/users/actions/login")) == 1
    assert recorder.paths("/stores")[0].headers["authorization"] == f"Bearer {first}"


async def test_a_handed_bearer_token_is_given_back_as_is() -> None:
    """A client built on a pre-issued token returns that token, with no login."""
    recorder = _server()
    async with enterprise(recorder, bearer_token="issued-elsewhere") as client:
        assert await client.bearer_token() == "issued-elsewhere"
    assert recorder.requests == []
