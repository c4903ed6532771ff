"""Requests name the SDK in User-Agent; Accept-Language only goes out when a caller set one."""

from __future__ import annotations

import platform
import re

import httpx
from carecloud_openapi.api.stores import get_stores

from carecloud_async import SPEC_PROVENANCE, __version__
from carecloud_async._client import CustomerClient
from carecloud_async._customer_auth import DeviceInfo
from carecloud_async._identity import user_agent
from carecloud_async._retry import RetryPolicy
from tests.conftest import BASE_URL, Recorder, enterprise, json_response, login_ok

LIST_OK = {"stores": [], "total_items": 0}


def _answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/users/actions/login"):
        return login_ok()
    if request.url.path == "/tokens":
        return json_response(201, {"token_id": "device-token-1"})
    return json_response(200, LIST_OK)


def test_user_agent_names_sdk_spec_httpx_and_python() -> None:
    expected = (
        f"carecloud-async/{__version__} (+spec {SPEC_PROVENANCE.date}) "
        f"httpx/{httpx.__version__} Python/{platform.python_version()}"
    )
    assert user_agent() == expected
    assert re.fullmatch(
        r"carecloud-async/\S+ \(\+spec \d{4}-\d{2}-\d{2}\) httpx/\S+ Python/\S+", expected
    )


async def test_every_enterprise_request_carries_the_user_agent_login_included() -> None:
    recorder = Recorder(_answer)
    async with enterprise(recorder) as client:
        await client.call(get_stores)
    assert [r.url.path for r in recorder.requests] == ["/users/actions/login", "/stores"]
    assert {r.headers["User-Agent"] for r in recorder.requests} == {user_agent()}


async def test_device_token_request_carries_the_user_agent() -> None:
    recorder = Recorder(_answer)
    client = CustomerClient(
        base_url=BASE_URL,
        external_application_id="app-1",
        device=DeviceInfo(device_id="kiosk-7"),
        transport=recorder.transport,
        retry_policy=RetryPolicy(wait=False),
    )
    async with client:
        await client.call(get_stores)
    assert [r.url.path for r in recorder.requests] == ["/tokens", "/stores"]
    assert {r.headers["User-Agent"] for r in recorder.requests} == {user_agent()}


async def test_a_callers_own_user_agent_is_kept() -> None:
    recorder = Recorder(_answer)
    http = httpx.AsyncClient(transport=recorder.transport, headers={"User-Agent": "shop-sync/2"})
    async with enterprise(
        recorder, bearer_token="t", transport=None, retry_policy=None, httpx_client=http
    ) as client:
        await client.call(get_stores)
        await client.call(get_stores, headers={"User-Agent": "nightly-job/1"})
    assert [r.headers["User-Agent"] for r in recorder.requests] == ["shop-sync/2", "nightly-job/1"]
    await http.aclose()


async def test_accept_language_is_left_out_unless_the_caller_sets_one() -> None:
    recorder = Recorder(_answer)
    async with enterprise(recorder, bearer_token="t") as client:
        await client.call(get_stores)
        await client.call(get_stores, accept_language="de")
        await client.call(get_stores, accept_language=None)
    async with enterprise(recorder, bearer_token="t", accept_language="fr") as client:
        await client.call(get_stores)
        await client.call(get_stores, accept_language=None)  # None: the client's setting
    sent = [r.headers.get("Accept-Language") for r in recorder.requests]
    assert sent == [None, "de", None, "fr", "fr"]
