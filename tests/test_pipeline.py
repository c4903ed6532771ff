"""One request pipeline: options travel on the request, injected clients stay as given."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from carecloud_openapi.api.customers import post_sub_customer_address
from carecloud_openapi.api.rewards import get_rewards
from carecloud_openapi.api.stores import get_stores

from carecloud_async import (
    ClientClosedError,
    ConfigurationError,
    CustomerClient,
    DeviceInfo,
    EnterpriseClient,
    OutcomeUnknownError,
    RequestEvent,
)
from carecloud_async._call_options import CallOptions, options_of
from tests.conftest import BASE_URL, SECRET_TOKEN, Recorder, enterprise, json_response, login_ok
from tests.spec_examples import request_body_example

ADDRESSES = "/customers/{customer_id}/addresses"
STORES = {"stores": [], "total_items": 0}
CUSTOMER_URL = "http://127.0.0.1:9998/webservice/rest-api/customer-interface/v1.0"


class _Trickle(httpx.AsyncByteStream):
    """A body that sends one byte and then nothing more."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        await asyncio.Event().wait()


def _address_body() -> dict[str, object]:
    return request_body_example("POST", ADDRESSES)


@pytest.mark.parametrize("customer_id", ["ab c", "é1", "abc123"])
async def test_a_post_to_any_path_cut_by_its_deadline_after_sending_is_outcome_unknown(
    customer_id: str,
) -> None:
    """Ids that need percent-encoding keep the call's options: the write may have landed."""
    recorder = Recorder(lambda request: httpx.Response(201, stream=_Trickle()))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(OutcomeUnknownError, match="may have been applied"):
            await client.call(
                post_sub_customer_address,
                customer_id=customer_id,
                body=_address_body(),
                deadline=0.05,
            )
    assert len(recorder.requests) == 1


async def test_hooks_name_the_operation_of_a_call_whose_path_needs_encoding() -> None:
    """operation_id and the path template reach the hooks, never the raw id."""
    events: list[RequestEvent] = []
    recorder = Recorder(lambda request: json_response(201, {"customer_address_id": "a1"}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN, hooks=[events.append]) as client:
        await client.call(post_sub_customer_address, customer_id="ab c", body=_address_body())
    assert [(e.operation_id, e.path_template) for e in events] == [
        ("postSubCustomerAddress", ADDRESSES)
    ]


async def test_retry_unsafe_is_kept_for_a_path_that_needs_encoding() -> None:
    """A 502 to a POST the caller allowed to repeat is replayed, whatever its path."""
    answers = [httpx.Response(502), json_response(201, {"customer_address_id": "a1"})]
    recorder = Recorder(lambda request: answers.pop(0))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await client.call(
            post_sub_customer_address,
            customer_id="é1",
            body=_address_body(),
            retry_unsafe=True,
        )
    assert len(recorder.requests) == 2


async def test_enterprise_and_customer_clients_share_one_pool_each_with_its_own_url_and_token() -> (
    None
):
    """One injected httpx client serves both APIs; neither client rewrites it."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return json_response(201, {"token_id": "device-token"})
        if "/rewards" in request.url.path:
            return json_response(200, {"rewards": [], "total_items": 0})
        return json_response(200, STORES)

    recorder = Recorder(handle)
    async with httpx.AsyncClient(transport=recorder.transport) as http:
        before = (http.base_url, http.auth, dict(http.headers))
        shop = EnterpriseClient(base_url=BASE_URL, bearer_token=SECRET_TOKEN, httpx_client=http)
        app = CustomerClient(
            base_url=CUSTOMER_URL,
            external_application_id="app",
            device=DeviceInfo(device_id="kiosk-1"),
            httpx_client=http,
        )
        await asyncio.gather(shop.call(get_stores), app.call(get_rewards), shop.call(get_stores))
        assert (http.base_url, http.auth, dict(http.headers)) == before
    sent = {
        (str(r.url).split("?")[0], r.headers.get("authorization", "")) for r in recorder.requests
    }
    assert sent == {
        (f"{BASE_URL}/stores", f"Bearer {SECRET_TOKEN}"),
        (f"{CUSTOMER_URL}/tokens", ""),
        (f"{CUSTOMER_URL}/rewards", "Bearer device-token"),
    }


async def test_a_call_on_a_closed_client_says_the_client_was_closed() -> None:
    """After aclose(), a call raises ClientClosedError before anything is sent."""
    recorder = Recorder(lambda request: json_response(200, STORES))
    client = enterprise(recorder, bearer_token=SECRET_TOKEN)
    await client.aclose()
    with pytest.raises(ClientClosedError, match="closed"):
        await client.call(get_stores)
    assert recorder.requests == []


async def test_a_call_through_an_injected_client_closed_by_its_owner_says_so() -> None:
    """httpx's own RuntimeError becomes the SDK's ClientClosedError."""
    recorder = Recorder(lambda request: json_response(200, STORES))
    http = httpx.AsyncClient(transport=recorder.transport)
    client = EnterpriseClient(base_url=BASE_URL, bearer_token=SECRET_TOKEN, httpx_client=http)
    await http.aclose()
    with pytest.raises(ClientClosedError):
        await client.call(get_stores)


def test_from_env_with_nothing_set_names_the_variables_it_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The error says which CARECLOUD_* variables to set."""
    for name in ("PROJECT_URL", "BASE_URL", "LOGIN", "PASSWORD", "BEARER_TOKEN"):
        monkeypatch.delenv(f"CARECLOUD_{name}", raising=False)
    with pytest.raises(ConfigurationError, match="CARECLOUD_PROJECT_URL") as caught:
        EnterpriseClient.from_env()
    assert "CARECLOUD_BASE_URL" in str(caught.value)


async def test_the_login_sent_for_a_call_carries_its_own_options_and_the_remaining_deadline() -> (
    None
):
    """The login is replayable, unnamed, and bounded by what is left of the call's deadline."""
    seen: dict[str, CallOptions] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        options = options_of(request)
        seen[request.url.path.rsplit("/", 1)[-1]] = options
        if request.url.path.endswith("/login"):
            return login_ok()
        return json_response(200, STORES)

    recorder = Recorder(handle)
    async with enterprise(recorder) as client:
        await client.call(get_stores, deadline=5.0)
    login, call = seen["login"], seen["stores"]
    assert (login.replayable, login.operation_id, login.path_template) == (
        True,
        None,
        "/users/actions/login",
    )
    assert login.deadline is not None
    assert 0 < login.deadline <= 5.0
    assert (call.operation_id, call.replayable, call.deadline) == ("getStores", False, 5.0)
