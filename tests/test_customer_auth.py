"""Customer API: device token created once, persisted, reused; customer login and logout."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import httpx
import pytest
from carecloud_openapi.api.customers import get_customer
from carecloud_openapi.api.stores import get_stores

from carecloud_async._client import CustomerClient
from carecloud_async._customer_auth import DeviceInfo
from carecloud_async._errors import AuthenticationError, ConfigurationError
from carecloud_async._retry import RetryPolicy
from carecloud_async._token_store import FileTokenStore, InMemoryTokenStore, TokenStore
from tests.conftest import BASE_URL, SECRET_PASSWORD, Recorder, json_response

DEVICE = DeviceInfo(device_id="kiosk-7", device_name="Front desk")


def _server() -> Recorder:
    tokens = iter(f"device-token-{n}" for n in range(1, 100))
    revoked: set[str] = set()

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/tokens":
            return json_response(201, {"token_id": next(tokens)})
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer in revoked or not bearer:
            return httpx.Response(401, json={"error": {"type": "invalid_token"}})
        if path.endswith("/actions/login"):
            return json_response(200, {"customer_id": "cust-1"})
        if path.endswith("/actions/logout"):
            return httpx.Response(204)
        if path == "/revoke":
            revoked.add(bearer)
        return json_response(200, {"stores": [], "total_items": 0})

    recorder = Recorder(handle)
    recorder.revoked = revoked  # type: ignore[attr-defined]
    return recorder


def _client(recorder: Recorder, store: TokenStore | None = None) -> CustomerClient:
    return CustomerClient(
        base_url=BASE_URL,
        external_application_id="app-1",
        device=DEVICE,
        token_store=store,
        transport=recorder.transport,
        retry_policy=RetryPolicy(wait=False),
    )


async def test_creates_one_device_token_for_concurrent_first_calls() -> None:
    """The device token request carries the device and setup fields, and happens once."""
    recorder = _server()
    async with _client(recorder) as client:
        await asyncio.gather(*(client.call(get_stores) for _ in range(20)))
    created = recorder.paths("/tokens")
    assert len(created) == 1
    body = json.loads(created[0].content)
    assert body["device"]["device_id"] == "kiosk-7"
    assert body["device"]["device_name"] == "Front desk"
    assert body["setup"] == {
        "language_id": "en",
        "allowed_gps": False,
        "allowed_notifications": False,
    }
    assert body["external_application_id"] == "app-1"
    assert "authorization" not in created[0].headers
    assert {r.headers["authorization"] for r in recorder.paths("/stores")} == {
        "Bearer device-token-1"
    }


async def test_a_persisted_device_token_is_reused_by_the_next_run(tmp_path: Path) -> None:
    """A FileTokenStore carries the token across client instances: no second POST /tokens."""
    store = FileTokenStore(tmp_path / "carecloud" / "tokens.json")
    recorder = _server()
    async with _client(recorder, store) as client:
        await client.call(get_stores)
    async with _client(recorder, FileTokenStore(store.path)) as client:
        await client.call(get_stores)
    assert len(recorder.paths("/tokens")) == 1
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert [r.headers["authorization"] for r in recorder.paths("/stores")] == [
        "Bearer device-token-1",
        "Bearer device-token-1",
    ]


async def test_a_refused_device_token_is_replaced_once_and_the_call_replayed(
    tmp_path: Path,
) -> None:
    """A 401 for the stored token: one new token, saved, and one replay."""
    store = FileTokenStore(tmp_path / "tokens.json")
    await store.save("kiosk-7", "stale-token")
    recorder = _server()
    recorder.revoked.add("stale-token")  # type: ignore[attr-defined]
    async with _client(recorder, store) as client:
        await client.call(get_stores)
    assert len(recorder.paths("/tokens")) == 1
    assert await store.load("kiosk-7") == "device-token-1"
    assert [r.headers["authorization"] for r in recorder.paths("/stores")] == [
        "Bearer stale-token",
        "Bearer device-token-1",
    ]


async def test_customer_login_and_logout_use_the_device_token() -> None:
    """login_customer sends the login type and value; logout detaches the customer."""
    recorder = _server()
    async with _client(recorder) as client:
        customer_id = await client.login_customer(
            email="jane@example.com", password=SECRET_PASSWORD
        )
        await client.logout_customer()
    assert customer_id == "cust-1"
    login = recorder.paths("/actions/login")[0]
    assert login.url.path == "/tokens/device-token-1/actions/login"
    assert json.loads(login.content) == {
        "login_type": "email",
        "login_value": "jane@example.com",
        "password": SECRET_PASSWORD,
    }
    assert recorder.paths("/actions/logout")[0].url.path == "/tokens/device-token-1/actions/logout"


async def test_a_wrong_customer_password_keeps_the_device_token() -> None:
    """A 401 on /tokens/{token_id}/actions/login raises; no new token would log the device out."""
    recorder = _server()
    store = InMemoryTokenStore()
    wrong = {"error": {"type": "about:blank", "exception": "bad_credentials", "detail": "no"}}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/actions/login"):
            return httpx.Response(401, json=wrong)
        return original(request)

    original, recorder.handler = recorder.handler, handle
    async with _client(recorder, store) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.login_customer(card_number="1234", password=SECRET_PASSWORD)
        await client.call(get_stores)
    assert len(recorder.paths("/tokens")) == 1
    assert len(recorder.paths("/actions/login")) == 1
    assert await store.load("kiosk-7") == "device-token-1"
    assert caught.value.path == "/tokens/***/actions/login"
    assert "bad_credentials" in str(caught.value)
    assert "device-token-1" not in str(caught.value) + repr(caught.value)
    assert SECRET_PASSWORD not in str(caught.value) + repr(caught.value)


async def test_a_call_that_needs_a_customer_login_keeps_the_device_token() -> None:
    """401 customer_not_logged_in raises 'needs a logged-in customer'; still one device token."""
    recorder = _server()
    store = InMemoryTokenStore()
    not_logged_in = {
        "error": {
            "type": "about:blank",
            "exception": "customer_not_logged_in",
            "title": "Unauthorized",
            "detail": "No customer is logged in",
        }
    }

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/customers/c-1":
            return httpx.Response(401, json=not_logged_in, headers={"x-request-id": "req-7"})
        return original(request)

    original, recorder.handler = recorder.handler, handle
    async with _client(recorder, store) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.call(get_customer, customer_id="c-1")
        await client.call(get_stores)
    assert len(recorder.paths("/tokens")) == 1
    assert len(recorder.paths("/customers/c-1")) == 1, "not replayed with another token"
    assert await store.load("kiosk-7") == "device-token-1"
    assert {r.headers["authorization"] for r in recorder.paths("/stores")} == {
        "Bearer device-token-1"
    }
    assert caught.value.error_type == "customer_not_logged_in"
    assert "needs a logged-in customer" in str(caught.value)
    assert "login_customer()" in str(caught.value)
    assert str(caught.value).endswith("[request id req-7]")


async def test_customer_login_takes_exactly_one_identifier() -> None:
    """Email and card number together is ambiguous and refused before sending."""
    recorder = _server()
    async with _client(recorder) as client:
        with pytest.raises(ConfigurationError, match="exactly one"):
            await client.login_customer(email="a@b.c", card_number="123", password="x")
    assert recorder.requests == []


def test_customer_client_requires_a_stable_device() -> None:
    """Without a device id every run would invalidate the previous token."""
    with pytest.raises(ConfigurationError, match="device"):
        CustomerClient(base_url=BASE_URL, external_application_id="app")
