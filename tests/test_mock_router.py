"""The in-process mock answers every operation from the spec and refuses what does not fit."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from carecloud_openapi.api.stores import get_store, get_stores
from carecloud_openapi.api.tokens import post_token

from carecloud_async import (
    CustomerClient,
    EnterpriseClient,
    NotFoundError,
    RetryPolicy,
    ServiceUnavailableError,
)
from carecloud_async._operations import operation_of
from carecloud_async.testing import MockRouter, RecordedCall
from tests.contract.requests import all_operations, build_call

API = "https://mock.carecloud.invalid/webservice/rest-api"
ENTERPRISE = f"{API}/enterprise-interface/v1.0"
CUSTOMER = f"{API}/customer-interface/v1.0"
AUTH = {"Authorization": "Bearer test-token"}


def _send(router: MockRouter, method: str, url: str, **options: Any) -> httpx.Response:
    with httpx.Client(transport=router.transport) as http:
        return http.request(method, url, **options)


def _problem(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


async def test_every_operation_of_the_spec_is_answered_from_its_examples() -> None:
    """All 322 operations, built from the spec's examples, pass the checks and parse."""
    router = MockRouter()
    operations = all_operations()
    failures: dict[str, str] = {}
    async with (
        router.enterprise_client(retry_policy=RetryPolicy(max_retries=0)) as enterprise,
        router.customer_client(retry_policy=RetryPolicy(max_retries=0)) as customer,
    ):
        for method, path in operations:
            module, kwargs = build_call(method, path)
            client = enterprise if operation_of(module).served_by("enterprise") else customer
            try:
                response = await client.call_raw(module, **kwargs)
            except Exception as exc:
                failures[f"{method} {path}"] = repr(exc)
                continue
            if not 200 <= response.status < 300:
                failures[f"{method} {path}"] = f"status {response.status}"
            elif response.status != 204 and response.parsed is None:
                failures[f"{method} {path}"] = "answer did not parse"
    assert len(operations) == 322
    assert failures == {}
    answered = {call.operation_id for call in router.calls if call.response.is_success}
    assert len(answered) == 322


def test_a_default_answer_is_the_spec_example() -> None:
    """GET /stores answers 200 with one store built from the spec's property examples."""
    router = MockRouter()
    response = _send(router, "GET", f"{ENTERPRISE}/stores", headers=AUTH)
    assert response.status_code == 200
    body = response.json()
    assert body == router.example("getStores")
    assert body["data"]["total_items"] == 1
    assert body["data"]["stores"][0]["store_id"]


def test_a_missing_required_query_parameter_is_refused_by_name() -> None:
    """A required query parameter left out gets a 400 naming it, with reason 'required'."""
    router = MockRouter()
    required = _required_query_parameter(router)
    route = router.routes.by_id[required[0]]
    response = _send(router, route.method, f"{ENTERPRISE}{route.path_template}", headers=AUTH)
    assert response.status_code == 400
    error = _problem(response)
    assert required[1] in error["detail"]
    assert {"name": required[1], "reason": "required"}.items() <= error["error_data"][
        "invalid_params"
    ][0].items()


def _required_query_parameter(router: MockRouter) -> tuple[str, str]:
    for operation_id, route in router.routes.by_id.items():
        if "{" in route.path_template or route.method != "GET":
            continue
        for declared in route.spec.get("parameters", []):
            parameter = router.routes.schemas.resolve(declared)
            if parameter["in"] == "query" and parameter.get("required"):
                return operation_id, parameter["name"]
    raise AssertionError("the spec has no GET with a required query parameter")


def test_a_query_value_of_the_wrong_type_is_refused() -> None:
    """count=lots is not an integer: 400 naming count."""
    response = _send(
        MockRouter(), "GET", f"{ENTERPRISE}/stores", params={"count": "lots"}, headers=AUTH
    )
    assert response.status_code == 400
    assert _problem(response)["error_data"]["invalid_params"][0]["name"] == "count"


def test_a_body_of_the_wrong_shape_is_refused_naming_the_field() -> None:
    """A required field missing and a field of the wrong type are both named with their path."""
    router = MockRouter()
    response = _send(
        router, "POST", f"{CUSTOMER}/tokens", json={"device": {"device_id": 42}, "setup": {}}
    )
    assert response.status_code == 400
    names = {p["name"] for p in _problem(response)["error_data"]["invalid_params"]}
    assert "body.device.device_id" in names
    assert "body.external_application_id" in names
    assert "postToken" in _problem(response)["detail"]


def test_a_body_that_is_not_json_or_missing_is_refused() -> None:
    """Malformed JSON and a missing required body each get a 400 saying so."""
    router = MockRouter()
    garbled = _send(router, "POST", f"{CUSTOMER}/tokens", content=b"{not json")
    assert garbled.status_code == 400
    assert "not valid JSON" in _problem(garbled)["detail"]
    empty = _send(router, "POST", f"{CUSTOMER}/tokens")
    assert empty.status_code == 400
    assert "body is required" in _problem(empty)["detail"]


def test_unknown_paths_wrong_methods_and_missing_tokens_get_the_server_status() -> None:
    """404 for no such path, 405 with Allow for a wrong method, 401 without a token."""
    router = MockRouter()
    assert _send(router, "GET", f"{ENTERPRISE}/no-such-thing", headers=AUTH).status_code == 404
    wrong_method = _send(router, "DELETE", f"{ENTERPRISE}/stores", headers=AUTH)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, POST"
    assert _send(router, "GET", f"{ENTERPRISE}/stores").status_code == 401
    assert _send(router, "GET", f"{ENTERPRISE}/languages").status_code == 200  # no auth needed


def test_an_enterprise_only_operation_is_not_found_on_the_customer_api() -> None:
    """Which API serves an operation is checked, as the real server does."""
    router = MockRouter()
    assert _send(router, "POST", f"{ENTERPRISE}/cards/batch", headers=AUTH).status_code != 404
    answer = _send(router, "GET", f"{CUSTOMER}/audiences", headers=AUTH)
    assert answer.status_code == 404
    assert "customer API" in _problem(answer)["detail"]


async def test_overrides_set_status_body_and_headers_until_reset() -> None:
    """respond() replaces the answer of one operation; reset() brings the example back."""
    router = MockRouter()
    router.respond(
        get_stores,
        json={"data": {"stores": [], "total_items": 0}},
        headers={"x-request-id": "r-1"},
    )
    async with router.enterprise_client() as client:
        raw = await client.call_raw(get_stores)
        assert raw.parsed.data.total_items == 0
        assert raw.headers["x-request-id"] == "r-1"
        router.reset()
        assert router.calls == []
        again = await client.call_raw(get_stores)
        assert again.parsed.data.total_items == 1


async def test_a_status_override_answers_with_the_spec_example_for_that_status() -> None:
    """respond(op, status=404) surfaces as the SDK's NotFoundError."""
    router = MockRouter()
    router.respond("getStore", status=404)
    async with router.enterprise_client() as client:
        with pytest.raises(NotFoundError):
            await client.call(get_store, store_id="s-1")
    assert router.calls_to(get_store)[0].response.json() == router.example("getStore", 404)


async def test_callables_sync_and_async_answer_and_see_the_request() -> None:
    """A responder function gets the request; an async one is awaited."""
    router = MockRouter()
    seen: list[str] = []

    answer = router.example(get_store)
    answer["data"]["store_id"] = "from-callable"

    def store(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path.rsplit("/", 1)[-1])
        return httpx.Response(200, json=answer)

    async def tokens(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json={"data": {"token_id": "async-token"}})

    router.respond(get_store, store)
    router.respond(post_token, tokens)
    async with router.enterprise_client() as enterprise:
        store_data = await enterprise.call(get_store, store_id="s-42")
    assert store_data.store_id == "from-callable"
    assert seen == ["s-42"]
    async with router.customer_client() as customer:
        assert await customer.device_token() == "async-token"
    assert router.calls_to("postToken")[0].response.status_code == 201


async def test_retries_against_an_overridden_503_do_not_sleep() -> None:
    """The router's clients retry as configured but never wait for real; each try is answered."""
    router = MockRouter()
    router.respond(get_stores, httpx.Response(503))
    async with router.enterprise_client() as client:
        with pytest.raises(ServiceUnavailableError):
            await client.call(get_stores)
    calls = router.calls_to(get_stores)
    assert len(calls) == RetryPolicy().max_retries + 1
    assert len({id(call.response) for call in calls}) == len(calls)  # a fresh answer each time


async def test_calls_record_operation_parameters_and_body() -> None:
    """Every request is recorded with its operation, path parameters and JSON body."""
    router = MockRouter()
    async with router.customer_client() as customer:
        await customer.call(get_store, store_id="s-7")
    token_call, store_call = router.calls
    assert isinstance(store_call, RecordedCall)
    assert token_call.operation_id == "postToken"
    assert token_call.json()["device"]["device_id"] == "mock-device"
    assert store_call.operation_id == "getStore"
    assert store_call.path_params == {"store_id": "s-7"}
    assert store_call.request.headers["authorization"].startswith("Bearer ")
    assert store_call.json() is None


async def test_the_mock_login_hands_out_a_token_that_has_not_expired() -> None:
    """One login serves many calls: the mock token's valid_to lies in the future."""
    router = MockRouter()
    async with router.enterprise_client() as client:
        for _ in range(3):
            await client.call(get_stores)
    assert len(router.calls_to("postUserLogin")) == 1


def test_client_helpers_accept_overrides() -> None:
    """Options given to the helpers win over the defaults."""
    router = MockRouter()
    client = router.enterprise_client(bearer_token="given")
    assert isinstance(client, EnterpriseClient)
    assert client.base_url.startswith("https://mock.carecloud.invalid/")
    customer = router.customer_client(base_url="http://127.0.0.1:1/customer-interface/v1.0")
    assert isinstance(customer, CustomerClient)
    assert customer.base_url == "http://127.0.0.1:1/customer-interface/v1.0"


def test_an_unknown_operation_name_suggests_the_close_ones() -> None:
    """A typo in respond() fails at once, with suggestions."""
    with pytest.raises(KeyError, match="getStores"):
        MockRouter().respond("getStore5", status=200)


def test_validate_false_lets_a_malformed_request_through() -> None:
    """Tests of your own error handling can turn the checks off."""
    router = MockRouter(validate=False)
    router.respond("postToken", json={"data": {"token_id": "t"}}, status=201)
    response = _send(router, "POST", f"{CUSTOMER}/tokens", content=b"{not json")
    assert response.status_code == 201
    assert json.loads(response.content)["data"]["token_id"] == "t"


async def test_a_refused_body_surfaces_as_bad_request_error_naming_the_field() -> None:
    """Through the SDK, the router's 400 is a BadRequestError whose invalid_params name it."""
    from carecloud_openapi.api.events import post_event
    from carecloud_openapi.models import PostEventBody

    from carecloud_async import BadRequestError

    router = MockRouter()
    _, kwargs = build_call("POST", "/events")
    body: PostEventBody = kwargs["body"]
    body.event.event_type_id = 42  # what a typo in untyped code would send
    async with router.enterprise_client() as client:
        with pytest.raises(BadRequestError) as raised:
            await client.call(post_event, body=body)
    assert [(p.name, p.reason) for p in raised.value.invalid_params] == [
        ("body.event.event_type_id", "invalid_value_format")
    ]
    assert router.calls_to(post_event)[0].json()["event"]["event_type_id"] == 42


async def test_an_encoded_slash_stays_inside_its_path_parameter() -> None:
    """An id containing '/' is one path parameter, as the server sees it."""
    router = MockRouter()
    async with router.enterprise_client() as client:
        await client.call(get_store, store_id="a/b")
    assert router.calls_to(get_store)[0].path_params == {"store_id": "a/b"}


def test_respond_refuses_a_responder_mixed_with_status_or_body() -> None:
    """Either a function or the parts of an answer: mixing them is a TypeError."""
    router = MockRouter()
    with pytest.raises(TypeError, match="either a responder"):
        router.respond("getStores", lambda request: httpx.Response(200), status=500)
    with pytest.raises(TypeError, match="callable"):
        router.respond("getStores", "not a function")  # type: ignore[arg-type]


def test_requests_that_match_no_operation_are_recorded_too() -> None:
    """A 404 from the router is visible in calls, with no operation."""
    router = MockRouter()
    _send(router, "GET", f"{ENTERPRISE}/nowhere", headers=AUTH)
    (call,) = router.calls
    assert call.operation_id is None
    assert call.response.status_code == 404


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        ("/stores", {"count": "-5"}, "count"),
        ("/stores", {"count": "0"}, "count"),
        ("/stores", {"offset": "-1"}, "offset"),
        ("/customers", {"count": "0"}, "count"),
    ],
)
def test_a_query_value_below_its_minimum_is_refused(
    path: str, query: dict[str, str], name: str
) -> None:
    """count=0 passed the mock and failed against CareCloud: now it is a 400 naming count."""
    response = _send(MockRouter(), "GET", f"{ENTERPRISE}{path}", params=query, headers=AUTH)
    assert response.status_code == 400
    (problem,) = _problem(response)["error_data"]["invalid_params"]
    assert (problem["name"], problem["reason"]) == (name, "not_allowed_value")
    assert ">=" in problem["message"]


def test_a_batch_longer_than_its_max_items_is_refused() -> None:
    """1,001 products where the spec allows 1,000: 400 naming body.products."""
    products = [{"name": "Tea", "plu_ids": []}] * 1001
    router = MockRouter()
    too_many = _send(
        router, "POST", f"{ENTERPRISE}/products/batch", json={"products": products}, headers=AUTH
    )
    assert too_many.status_code == 400
    (problem,) = _problem(too_many)["error_data"]["invalid_params"]
    assert problem["name"] == "body.products"
    enough = _send(
        router,
        "POST",
        f"{ENTERPRISE}/products/batch",
        json={"products": products[:1000]},
        headers=AUTH,
    )
    assert enough.is_success


def test_a_body_without_the_read_only_fields_the_server_assigns_is_accepted() -> None:
    """A new store has no store_id: the mock accepts it, and ignores one that is sent."""
    store = {"store_code": "S1", "name": "Main street", "partner_id": "p1", "system_id": "s1"}
    router = MockRouter()
    created = _send(router, "POST", f"{ENTERPRISE}/stores", json={"store": store}, headers=AUTH)
    assert created.status_code == 201
    sent_anyway = {**store, "store_id": 42, "state": 7}  # read-only: the server's to assign
    again = _send(router, "POST", f"{ENTERPRISE}/stores", json={"store": sent_anyway}, headers=AUTH)
    assert again.status_code == 201


def test_a_value_that_breaks_its_pattern_is_refused() -> None:
    """The spec's phone pattern is checked like any other keyword (Prism does the same)."""
    store = {"store_code": "S1", "name": "N", "partner_id": "p", "system_id": "s"}
    response = _send(
        MockRouter(),
        "POST",
        f"{ENTERPRISE}/stores",
        json={"store": {**store, "phone_number": "0abc"}},
        headers=AUTH,
    )
    assert response.status_code == 400
    (problem,) = _problem(response)["error_data"]["invalid_params"]
    assert (problem["name"], problem["reason"]) == (
        "body.store.phone_number",
        "invalid_value_format",
    )


async def test_a_mock_router_client_logs_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    """The SDK's own mock declares a project zone and a plausible token: nothing to warn of."""
    router = MockRouter()
    with caplog.at_level(logging.WARNING, logger="carecloud_async"):
        async with router.enterprise_client() as enterprise, router.customer_client() as customer:
            await enterprise.call(get_stores)
            await customer.call(get_stores)
    assert [record.getMessage() for record in caplog.records] == []
    assert len(router.calls_to("postUserLogin")) == 1


async def test_the_mock_login_token_is_valid_for_its_lifetime_in_the_router_zone() -> None:
    """valid_to is the router's clock plus token_lifetime, written in its project zone."""
    noon_utc = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    router = MockRouter(
        project_timezone="Europe/Prague",
        token_lifetime=timedelta(hours=2),
        wall_clock=lambda: noon_utc,
    )
    async with router.enterprise_client() as client:
        assert client.project_timezone == ZoneInfo("Europe/Prague")
        await client.call(get_stores)
    (login,) = router.calls_to("postUserLogin")
    assert login.response.json()["data"]["valid_to"] == "2026-07-01 16:00:00"  # CEST is UTC+2
    assert router.example("postUserLogin")["data"]["valid_to"] == "2026-07-01 16:00:00"


async def test_the_call_log_keeps_the_last_calls_of_each_operation() -> None:
    """A long run keeps only the newest calls_per_operation of each operation, in order."""
    router = MockRouter(calls_per_operation=3)
    async with router.enterprise_client() as client:
        for number in range(10):
            await client.call(get_store, store_id=f"s-{number}")
    assert [call.path_params["store_id"] for call in router.calls_to(get_store)] == [
        "s-7",
        "s-8",
        "s-9",
    ]
    assert [call.operation_id for call in router.calls] == [
        "postUserLogin",
        "getStore",
        "getStore",
        "getStore",
    ]


def test_the_call_log_can_keep_everything_and_refuses_a_useless_bound() -> None:
    """calls_per_operation=None keeps every call; zero is a mistake, said at once."""
    router = MockRouter(calls_per_operation=None)
    for _ in range(1500):
        _send(router, "GET", f"{ENTERPRISE}/nowhere", headers=AUTH)
    assert len(router.calls) == 1500
    with pytest.raises(ValueError, match="calls_per_operation"):
        MockRouter(calls_per_operation=0)
