"""Customer sessions on a device token: dead tokens renewed, lost sessions reported, no leaks."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from carecloud_openapi.api.stores import get_stores

from carecloud_async import (
    AuthenticationError,
    CustomerClient,
    CustomerSessionLostError,
    DeviceInfo,
)
from carecloud_async._customer_auth import token_refused
from carecloud_async._errors import error_for_status
from carecloud_async._retry import RetryPolicy
from carecloud_async._token_store import FileTokenStore, InMemoryTokenStore, TokenStore
from tests._fake_customer_api import FakeCustomerAPI
from tests.conftest import BASE_URL, SECRET_PASSWORD

DEVICE_ID = "kiosk-7"
APP_ID = "ext-app-5f3e9a1c"


def _client(api: FakeCustomerAPI, store: TokenStore | None = None) -> CustomerClient:
    return CustomerClient(
        base_url=BASE_URL,
        external_application_id=APP_ID,
        device=DeviceInfo(device_id=DEVICE_ID),
        token_store=store or InMemoryTokenStore(),
        transport=api.transport(),
        retry_policy=RetryPolicy(wait=False),
    )


def _api() -> FakeCustomerAPI:
    return FakeCustomerAPI(customer_password=SECRET_PASSWORD)


async def test_login_with_a_dead_device_token_renews_it_once_and_logs_in() -> None:
    """The server dropped the token: the right password still logs the customer in."""
    api = _api()
    async with _client(api) as client:
        await client.device_token()
        api.invalidate(DEVICE_ID)
        customer_id = await client.login_customer(
            email="jane@example.com", password=SECRET_PASSWORD
        )
        assert client.customer_logged_in
        await client.call(get_stores)
    assert customer_id == "cust-1"
    assert api.tokens_created == 2
    assert api.customers == {api.issued[1]: "cust-1"}


async def test_a_wrong_password_keeps_the_device_token() -> None:
    """A 401 for the credentials raises as before and never replaces the token."""
    api = _api()
    async with _client(api) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.login_customer(email="jane@example.com", password="wrong")
        assert not client.customer_logged_in
        await client.call(get_stores)
    assert caught.value.error_type == "bad_credentials"
    assert not isinstance(caught.value, CustomerSessionLostError)
    assert api.tokens_created == 1


async def test_logout_with_a_dead_device_token_returns_cleanly() -> None:
    """No customer can be attached to a dead token, so logging out succeeds quietly."""
    api = _api()
    async with _client(api) as client:
        await client.login_customer(card_number="1234", password=SECRET_PASSWORD)
        api.invalidate(DEVICE_ID)
        await client.logout_customer()
        assert not client.customer_logged_in
        assert api.tokens_created == 1  # logging out creates nothing
        await client.call(get_stores)  # the next call gets a fresh token without a 401
    assert api.tokens_created == 2
    assert api.unauthorized == 1


async def test_a_renewal_that_ends_the_customer_session_is_reported() -> None:
    """Another process replaced the token: the call raises instead of running anonymously."""
    api = _api()
    async with _client(api) as kiosk, _client(api) as other_worker:
        await kiosk.login_customer(email="jane@example.com", password=SECRET_PASSWORD)
        assert kiosk.customer_logged_in
        await other_worker.device_token()  # a new token for the device ends the old one
        with pytest.raises(CustomerSessionLostError) as caught:
            await kiosk.call(get_stores)
        assert not kiosk.customer_logged_in
        await kiosk.call(get_stores)  # the device works again, without a customer
        await kiosk.login_customer(email="jane@example.com", password=SECRET_PASSWORD)
        assert kiosk.customer_logged_in
    assert isinstance(caught.value, AuthenticationError)
    assert caught.value.path == "/stores"
    assert caught.value.error_type == "customer_session_lost"
    assert list(api.customers.values()) == ["cust-1"]  # logged in again, on the live token


async def test_a_worker_adopts_the_token_another_worker_saved(tmp_path: Path) -> None:
    """Shared file store: after a 401 the stored token is used, no third token is created."""
    api = _api()
    path = tmp_path / "tokens.json"
    async with _client(api, FileTokenStore(path)) as first:
        await first.call(get_stores)
        async with _client(api, FileTokenStore(path)) as second:
            await second.auth.forget(await second.device_token())  # as if refused
            await second.call(get_stores)  # creates token 2, invalidating token 1
        await first.call(get_stores)  # 401, reads the store, adopts token 2
        assert first.auth.tokens_adopted == 1
    assert api.tokens_created == 2
    assert api.unauthorized == 1


@pytest.mark.parametrize(
    ("body", "dead"),
    [
        ({"error": {"type": "about:blank", "exception": "token_invalid"}}, True),
        ({"error": {"type": "invalid_token"}}, True),
        ({"error": {"type": "about:blank", "exception": "bad_credentials"}}, False),
        ({"error": {"type": "about:blank", "exception": "wrong_customer_password"}}, False),
        ({"error": {"title": "Unauthorized", "detail": "The token is not valid"}}, True),
        ({"error": {"title": "Unauthorized", "detail": "Wrong password"}}, False),
        (None, False),
    ],
)
def test_token_refused_reads_the_servers_error_code(body: object, dead: bool) -> None:
    """Only a 401 whose reason is about the token, not a password or customer, is a dead token."""
    error = error_for_status(method="POST", path="/tokens/***/actions/login", status=401, body=body)
    assert token_refused(error) is dead


@pytest.mark.usefixtures("httpx_logs_redacted")
async def test_logs_at_debug_never_show_device_tokens_password_or_application_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """SDK, body and httpx loggers at DEBUG through creation, login, renewal and logout
    (httpx's URL lines through the ``RedactingFilter`` an application attaches)."""
    api = _api()
    with caplog.at_level(logging.DEBUG):
        for name in ("carecloud_async", "carecloud_async.bodies", "httpx"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        try:
            async with _client(api) as client:
                await client.login_customer(email="jane@example.com", password=SECRET_PASSWORD)
                api.invalidate(DEVICE_ID)
                with pytest.raises(CustomerSessionLostError):
                    await client.call(get_stores)
                api.invalidate(DEVICE_ID)
                await client.login_customer(email="jane@example.com", password=SECRET_PASSWORD)
                await client.logout_customer()
        finally:
            for name in ("carecloud_async", "carecloud_async.bodies", "httpx"):
                logging.getLogger(name).setLevel(logging.NOTSET)
    assert api.tokens_created == 3
    text = caplog.text
    assert "HTTP Request: POST" in text  # the httpx logger did speak
    assert "request body" in text  # and so did the body logger
    for secret in (*api.issued, SECRET_PASSWORD, APP_ID, "jane@example.com"):
        assert secret not in text
