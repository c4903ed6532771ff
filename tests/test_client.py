"""Client construction, calling any endpoint, status -> error mapping, secrets kept out."""

from __future__ import annotations

import dataclasses
import json

import httpx
import pytest
from carecloud_openapi.api.bookings import delete_booking
from carecloud_openapi.api.customers import get_customer
from carecloud_openapi.api.stores import get_stores
from carecloud_openapi.api.tokens import post_token
from carecloud_openapi.api.users import post_user_login

from carecloud_async._call_options import CallOptions, options_of
from carecloud_async._client import CustomerClient, EnterpriseClient, build_base_url
from carecloud_async._customer_auth import DeviceInfo
from carecloud_async._errors import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    RateLimitError,
    ResponseParseError,
    ServerError,
    WrongAPIError,
)
from carecloud_async._pipeline import CallSettings
from carecloud_async._retry import RetryPolicy
from tests.conftest import (
    BASE_URL,
    SECRET_PASSWORD,
    SECRET_TOKEN,
    Recorder,
    enterprise,
    json_response,
)
from tests.spec_examples import schema_example
from tests.test_errors import STATUS_CLASSES

STORES = {"stores": [schema_example("Store")], "total_items": 1}


def test_builds_the_documented_url_for_each_api() -> None:
    """project_url becomes https://{project}/webservice/rest-api/{interface}/{version}."""
    for interface in ("enterprise-interface", "customer-interface"):
        url = build_base_url(
            project_url="sandbox.crmcarecloud.com",
            base_url=None,
            interface=interface,
            api_version="v1.0",
        )
        assert url == f"https://sandbox.crmcarecloud.com/webservice/rest-api/{interface}/v1.0"


@pytest.mark.parametrize(
    ("base_url", "accepted"),
    [
        ("http://127.0.0.1:4010", True),
        ("http://localhost:4010/", True),
        ("http://[::1]:4010", True),
        ("https://crm.example.com/webservice/rest-api/enterprise-interface/v1.0", True),
        ("http://crm.example.com", False),
        ("http://10.0.0.5:4010", False),
        ("ftp://127.0.0.1", False),
    ],
)
def test_plain_http_is_refused_unless_the_host_is_loopback(base_url: str, accepted: bool) -> None:
    """Credentials never travel in clear to a remote host."""
    build = lambda: build_base_url(  # noqa: E731
        project_url=None, base_url=base_url, interface="enterprise-interface", api_version="v1.0"
    )
    if accepted:
        assert build() == base_url.rstrip("/")
    else:
        with pytest.raises(ConfigurationError, match="base_url"):
            build()


def test_missing_credentials_are_named() -> None:
    """A half-configured client fails at construction, naming what is missing."""
    with pytest.raises(ConfigurationError, match="missing: password, external_application_id"):
        EnterpriseClient(project_url="sandbox.crmcarecloud.com", login="ops")
    with pytest.raises(ConfigurationError, match="not both"):
        EnterpriseClient(project_url="x.example.com", login="ops", bearer_token=SECRET_TOKEN)
    with pytest.raises(ConfigurationError, match="project_url"):
        EnterpriseClient(bearer_token=SECRET_TOKEN)
    with pytest.raises(ConfigurationError, match="IANA"):
        EnterpriseClient(bearer_token=SECRET_TOKEN, base_url=BASE_URL, project_timezone="Mars/Base")


def test_from_env_reads_carecloud_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve-factor services configure the client from CARECLOUD_* variables."""
    monkeypatch.setenv("CARECLOUD_PROJECT_URL", "acme.crmcarecloud.com")
    monkeypatch.setenv("CARECLOUD_BEARER_TOKEN", SECRET_TOKEN)
    monkeypatch.setenv("CARECLOUD_PROJECT_TIMEZONE", "Europe/Prague")
    client = EnterpriseClient.from_env()
    assert (
        client.base_url
        == "https://acme.crmcarecloud.com/webservice/rest-api/enterprise-interface/v1.0"
    )
    assert str(client.project_timezone) == "Europe/Prague"
    monkeypatch.setenv("CARECLOUD_EXTERNAL_APPLICATION_ID", "app")
    monkeypatch.setenv("CARECLOUD_DEVICE_ID", "kiosk-7")
    customer = CustomerClient.from_env()
    assert customer.base_url.endswith("/customer-interface/v1.0")


async def test_call_returns_the_unwrapped_data_and_call_raw_the_details() -> None:
    """call() gives the parsed `data`; call_raw() adds status, headers and the model."""
    recorder = Recorder(lambda request: json_response(200, STORES, headers={"x-request-id": "r1"}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        data = await client.call(get_stores, count=1)
        raw = await client.call_raw(get_stores._get_kwargs, count=1)
    assert data.total_items == 1
    assert data.stores[0].store_id == STORES["stores"][0]["store_id"]
    assert raw.status == 200
    assert raw.headers["x-request-id"] == "r1"
    assert raw.data.to_dict() == data.to_dict()
    assert raw.operation.operation_id == "getStores"
    assert recorder.requests[0].url.params["count"] == "1"


async def test_a_204_answer_returns_none() -> None:
    """Operations without a body answer None."""
    recorder = Recorder(lambda request: httpx.Response(204))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        assert await client.call(delete_booking, booking_id="b1") is None
    assert recorder.requests[0].method == "DELETE"
    assert recorder.requests[0].url.path == "/bookings/b1"


async def test_per_call_headers_timeout_and_language_reach_the_request() -> None:
    """Overrides apply to one call only; the client's default language fills the rest."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, STORES)

    recorder = Recorder(handle)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN, accept_language="de") as client:
        await client.call(get_stores, headers={"X-Trace": "abc"}, timeout=2.5, accept_language="fr")
        await client.call(get_stores)
    first, second = seen
    assert first.headers["accept-language"] == "fr"
    assert first.headers["x-trace"] == "abc"
    assert first.extensions["timeout"]["read"] == 2.5
    assert second.headers["accept-language"] == "de"
    assert "x-trace" not in second.headers
    assert second.extensions["timeout"]["read"] == 30.0


async def test_an_operation_of_the_other_api_is_refused_before_sending() -> None:
    """POST /tokens on the Enterprise API, or user login on the Customer API: nothing is sent."""
    recorder = Recorder(lambda request: json_response(200, {}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(WrongAPIError, match="served only by the customer API"):
            await client.call(post_token, body=None)
    customer = CustomerClient(
        base_url=BASE_URL,
        external_application_id="app",
        device=DeviceInfo(device_id="kiosk-1"),
        transport=recorder.transport,
    )
    async with customer:
        with pytest.raises(WrongAPIError, match="served only by the enterprise API"):
            await customer.call(post_user_login, body=None)
    assert recorder.requests == []


async def test_unknown_parameters_name_the_operation() -> None:
    """A typo in a parameter is a ConfigurationError, not a request."""
    recorder = Recorder(lambda request: json_response(200, STORES))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ConfigurationError, match=r"getStores: .*'cuont'"):
            await client.call(get_stores, cuont=5)
    assert recorder.requests == []


@pytest.mark.parametrize(("status", "error_class"), STATUS_CLASSES)
async def test_each_status_class_maps_to_its_error(status: int, error_class: type) -> None:
    """Every non-2xx raises its typed error carrying method, path with ids, status and reason."""
    body = {"error": {"type": "some_failure", "title": "T", "detail": "what went wrong"}}
    recorder = Recorder(lambda request: httpx.Response(status, json=body))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(error_class) as caught:
            await client.call(get_customer, customer_id="cust-42")
    error = caught.value
    assert type(error) is error_class
    assert (error.method, error.path, error.status) == ("GET", "/customers/cust-42", status)
    assert error.error_type == "some_failure"
    assert error.error_message == "what went wrong"


async def test_bad_request_exposes_invalid_params_from_the_documented_body() -> None:
    """invalid_params comes from error.error_data.invalid_params of the spec's 400 body."""
    body = schema_example("BadRequestErrorBody")
    recorder = Recorder(lambda request: httpx.Response(400, json=body))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.call(get_stores)
    params = caught.value.invalid_params
    expected = body["error"]["error_data"]["invalid_params"]
    assert [p.name for p in params] == [str(e["name"]) for e in expected]
    assert [p.reason for p in params] == [e["reason"] for e in expected]
    assert params[0].reason in str(caught.value)


async def test_rate_limit_error_carries_retry_after() -> None:
    """429 with a Retry-After beyond the cap raises at once with retry_after set."""
    recorder = Recorder(lambda request: httpx.Response(429, headers={"Retry-After": "120"}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.call(get_stores)
    assert caught.value.retry_after == 120
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html><body>Bad gateway</body></html>"),
        httpx.Response(200, text='{"data": {"stores": [{"store_id": '),
        httpx.Response(200, text=""),
        httpx.Response(200, json=["not", "an", "object"]),
    ],
    ids=["html", "truncated", "empty", "array"],
)
async def test_malformed_success_bodies_raise_response_parse_error(answer: httpx.Response) -> None:
    """A body that does not fit the model is a typed error, never a raw KeyError/TypeError."""
    recorder = Recorder(lambda request: answer)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ResponseParseError, match="GET /stores -> 200"):
            await client.call(get_stores)


async def test_an_html_error_page_still_maps_to_the_status_error() -> None:
    """A proxy's HTML 502 page becomes ServerError, not a parse failure."""
    recorder = Recorder(lambda request: httpx.Response(502, text="<html>Bad gateway</html>"))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ServerError):
            await client.call(get_stores)


async def test_connection_failures_say_the_request_was_not_sent() -> None:
    """A refused connection is an APIConnectionError with may_have_reached_server False."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    recorder = Recorder(refuse)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.call(get_stores)
    assert caught.value.may_have_reached_server is False
    assert len(recorder.requests) == 4  # first try + 3 retries


async def test_no_secret_appears_in_client_reprs_or_errors() -> None:
    """Passwords and tokens never show in reprs or error strings."""
    recorder = Recorder(
        lambda request: httpx.Response(400, json={"error": {"type": "bad", "detail": "no"}})
    )
    client = enterprise(recorder)
    async with client:
        with pytest.raises(AuthenticationError) as caught:
            await client.call(get_stores)
    texts = [repr(client), str(client), repr(client.auth), str(caught.value), repr(caught.value)]
    for text in texts:
        assert SECRET_PASSWORD not in text
        assert SECRET_TOKEN not in text


async def test_the_default_language_reaches_operations_that_do_not_declare_the_header() -> None:
    """A client-wide Accept-Language works for every operation, declared or not."""
    from carecloud_openapi.api.tests import get_tests_connection

    recorder = Recorder(lambda request: json_response(200, {}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN, accept_language="de") as client:
        await client.call_raw(get_tests_connection)
        await client.call_raw(get_tests_connection, accept_language="fr")
    assert [r.headers["accept-language"] for r in recorder.requests] == ["de", "fr"]


async def test_a_plain_dict_body_is_turned_into_the_request_model() -> None:
    """Bodies may be dicts; a missing required field is named before anything is sent."""
    from carecloud_openapi.api.segments import post_segment_add_customer

    recorder = Recorder(lambda request: httpx.Response(204))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await client.call(post_segment_add_customer, segment_id="s1", body={"customer_id": "c1"})
        with pytest.raises(ConfigurationError, match=r"body\.customer_id is required but missing"):
            await client.call(post_segment_add_customer, segment_id="s1", body={})
        with pytest.raises(ConfigurationError, match="postSegmentAddCustomer"):
            await client.call(post_segment_add_customer, segment_id="s1", body=["not", "a", "body"])
    assert [json.loads(r.content) for r in recorder.requests] == [{"customer_id": "c1"}]


def test_call_overrides_never_collide_with_a_generated_parameter() -> None:
    """A spec bump adding a `timeout` or `headers` parameter would shadow our override: catch it."""
    import importlib
    import inspect
    import pkgutil

    import carecloud_openapi.api

    overrides = {field.name for field in dataclasses.fields(CallSettings)}
    assert overrides == {
        "headers",
        "timeout",
        "retry_unsafe",
        "deadline",
        "strict",
        "raw",
    }
    packages = pkgutil.iter_modules(carecloud_openapi.api.__path__, "carecloud_openapi.api.")
    for package in packages:
        for name in importlib.import_module(package.name).ENDPOINTS:
            module = importlib.import_module(f"{package.name}.{name}")
            clash = overrides & set(inspect.signature(module._get_kwargs).parameters)
            assert not clash, f"{module.__name__} takes {clash}"


async def test_an_injected_httpx_client_refuses_options_it_would_ignore() -> None:
    """transport=, retry_policy= and friends only apply to a client-built httpx client."""
    async with httpx.AsyncClient() as http:
        with pytest.raises(ConfigurationError, match="transport, retry_policy"):
            EnterpriseClient(
                base_url=BASE_URL,
                bearer_token=SECRET_TOKEN,
                httpx_client=http,
                transport=httpx.MockTransport(lambda request: httpx.Response(200)),
                retry_policy=RetryPolicy(),
            )
        client = EnterpriseClient(base_url=BASE_URL, bearer_token=SECRET_TOKEN, httpx_client=http)
        await client.aclose()
        assert not http.is_closed  # the caller's client stays the caller's to close


async def test_the_transport_reads_the_call_options_from_the_request_it_is_handed() -> None:
    """retry_unsafe, deadline, timeout and the operation travel on the request itself."""
    seen: list[CallOptions] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(options_of(request))
        return json_response(200, STORES)

    recorder = Recorder(handle)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await client.call(get_stores, retry_unsafe=True, deadline=9.0, timeout=2.0)
    options = seen[0]
    assert (options.replayable, options.deadline) == (True, 9.0)
    assert options.timeout == httpx.Timeout(2.0)
    assert (options.operation_id, options.path_template) == ("getStores", "/stores")
