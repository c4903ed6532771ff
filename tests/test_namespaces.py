"""Typed operation namespaces: every operation reachable on the client of its API."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from contextlib import aclosing
from types import ModuleType
from typing import Any

import httpx
import pytest

from carecloud_async._client import CustomerClient, EnterpriseClient
from carecloud_async._errors import ConfigurationError
from carecloud_async._find import find_operation
from carecloud_async._naming import method_name, namespace_name, snake_case
from carecloud_async._pagination import Page
from scripts._spec import iter_operations
from tests.conftest import SECRET_TOKEN, Recorder, enterprise, json_response
from tests.spec_examples import normalized, request_body_example, schema_example

STORE = schema_example("Store")
OPTIONS = ("accept_language", "timeout", "deadline", "headers", "retry_unsafe")
OPTIONS += ("page_size", "max_items", "start_offset", "concurrency")


def test_naming_rule_is_snake_case_of_tag_and_operation_id() -> None:
    assert snake_case("postPurchaseSend") == "post_purchase_send"
    assert snake_case("getSubBookingTicketsTimeSlots") == "get_sub_booking_tickets_time_slots"
    assert namespace_name("Purchase item types") == "purchase_item_types"
    assert namespace_name("One Time Password") == "one_time_password"
    assert namespace_name("Auth") == "auth_"  # never shadows a client attribute
    assert method_name("getPurchases") == "get_purchases"


@pytest.mark.parametrize(
    ("api", "client_class"), [("enterprise", EnterpriseClient), ("customer", CustomerClient)]
)
def test_each_client_offers_exactly_the_operations_its_api_serves(
    api: str, client_class: type[EnterpriseClient] | type[CustomerClient]
) -> None:
    served = 0
    for _path, _method, operation in iter_operations(normalized()):
        tag = namespace_name(operation["tags"][0])
        name = method_name(operation["operationId"])
        module = (
            importlib.import_module(f"carecloud_openapi.typed.{api}.{tag}")
            if hasattr(client_class, tag)
            else None
        )
        namespace = (
            None
            if module is None
            else next(value for key, value in vars(module).items() if key in module.__all__)
        )
        offered = namespace is not None and hasattr(namespace, name)
        assert offered == (api in operation["x-carecloud-api"]), (api, operation["operationId"])
        served += offered
    assert served > 0


async def test_typed_read_sends_the_request_and_returns_the_data_model() -> None:
    recorder = Recorder(lambda request: json_response(200, STORE))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        store = await client.stores.get_store(store_id="st-1", headers={"X-Trace": "t1"})
    assert store.store_id == STORE["store_id"]
    (request,) = recorder.requests
    assert request.method == "GET"
    assert request.url.path.endswith("/stores/st-1")
    assert request.headers["X-Trace"] == "t1"


async def test_optional_parameters_are_sent_only_when_given() -> None:
    recorder = Recorder(lambda request: json_response(200, {"stores": [STORE], "total_items": 1}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        data = await client.stores.get_stores(count=5, accept_language="en")
        await client.stores.get_stores()
    assert data.total_items == 1
    first, second = recorder.requests
    assert first.url.params["count"] == "5"
    assert first.headers["Accept-Language"] == "en"
    assert "count" not in second.url.params or second.url.params["count"] == "100"


async def test_a_204_operation_returns_none_and_a_dict_body_is_accepted() -> None:
    recorder = Recorder(lambda request: httpx.Response(204))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        assert await client.bookings.delete_booking(booking_id="b-1") is None
    assert recorder.requests[0].method == "DELETE"
    assert recorder.requests[0].url.path.endswith("/bookings/b-1")


async def test_typed_pagination_yields_items_and_pages() -> None:
    stores = [{**STORE, "store_id": f"s{i}"} for i in range(3)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        count = int(request.url.params["count"])
        return json_response(200, {"stores": stores[offset : offset + count], "total_items": 3})

    recorder = Recorder(answer)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        ids = [s.store_id async for s in client.stores.paginate_get_stores(page_size=2)]
        async with aclosing(client.stores.pages_get_stores(page_size=2)) as page_iter:
            found = [page async for page in page_iter]
    assert ids == ["s0", "s1", "s2"]
    assert [type(p) for p in found] == [Page, Page]
    assert [p.offset for p in found] == [0, 2]
    assert found[0].total_items == 3


def test_a_customer_only_operation_is_not_on_the_enterprise_client() -> None:
    assert not hasattr(EnterpriseClient, "tokens")
    assert hasattr(CustomerClient, "tokens")
    assert not hasattr(CustomerClient, "users")


def test_namespaces_load_only_when_first_used() -> None:
    code = (
        "import sys\n"
        "from carecloud_async import EnterpriseClient\n"
        "c = EnterpriseClient(base_url='http://127.0.0.1:1', bearer_token='t')\n"
        "before = [m for m in sys.modules if m.startswith('carecloud_openapi.typed.enterprise.')]\n"
        "c.purchases\n"
        "after = [m for m in sys.modules if m.startswith('carecloud_openapi.typed.enterprise.')]\n"
        "print(before, after, 'carecloud_openapi.models' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["[]", "['carecloud_openapi.typed.enterprise.purchases']", "False"]


async def test_a_write_takes_a_plain_dict_body_and_sends_it_as_json() -> None:
    body = request_body_example("POST", "/segments/{segment_id}/actions/add-customer")
    recorder = Recorder(lambda request: httpx.Response(204))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        result = await client.segments.post_segment_add_customer(segment_id="sg-1", body=body)
    assert result is None
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.url.path.endswith("/segments/sg-1/actions/add-customer")
    assert json.loads(request.content) == body


async def test_per_call_options_reach_the_dynamic_path() -> None:
    seen: list[dict[str, Any]] = []

    async def fake_call(endpoint: ModuleType, /, **kwargs: Any) -> str:
        seen.append({"endpoint": endpoint.__name__, **kwargs})
        return "data"

    client = EnterpriseClient(base_url="http://127.0.0.1:9", bearer_token=SECRET_TOKEN)
    client.call = fake_call  # type: ignore[method-assign,assignment]
    timeout = httpx.Timeout(3.0)
    result = await client.purchases.get_purchase(
        purchase_id="p-1",
        accept_language="de",
        timeout=timeout,
        deadline=9.0,
        headers={"X-A": "1"},
        retry_unsafe=True,
    )
    await client.purchases.get_purchases(store_id="s-1")
    assert result == "data"
    assert seen == [
        {
            "endpoint": "carecloud_openapi.api.purchases.get_purchase",
            "purchase_id": "p-1",
            "accept_language": "de",
            "timeout": timeout,
            "deadline": 9.0,
            "headers": {"X-A": "1"},
            "retry_unsafe": True,
        },
        {
            "endpoint": "carecloud_openapi.api.purchases.get_purchases",
            "store_id": "s-1",
            "timeout": None,
            "deadline": None,
            "headers": None,
            "retry_unsafe": False,
        },
    ]


def test_every_generated_method_documents_the_operation() -> None:
    """METHOD /path, the APIs, the reference link and each parameter with its required-ness."""
    for _path, method, operation in iter_operations(normalized()):
        found = find_operation(operation["operationId"])
        for api in found.apis:
            module = importlib.import_module(f"carecloud_openapi.typed.{api}.{found.namespace}")
            cls = getattr(module, module.__all__[0])
            function = getattr(cls, found.python_method)
            doc = inspect.getdoc(function) or ""
            assert f"``{method.upper()} {found.path}``" in doc, found
            assert found.reference_url in doc
            assert "Enterprise API" in doc or "Customer API" in doc
            parameters = inspect.signature(function).parameters
            for name, parameter in parameters.items():
                if name in ("self", *OPTIONS):
                    continue
                need = "required" if parameter.default is inspect.Parameter.empty else "optional"
                assert f"{name}: ({need}," in doc, (found.operation_id, name)
            if found.paginated:
                assert getattr(cls, found.paginate_method or "").__doc__
                assert getattr(cls, found.pages_method or "").__doc__


def test_importing_the_client_does_not_import_the_generated_models() -> None:
    """The models and tag namespaces load on first use; asyncio and httpx an app has already."""
    code = (
        "import sys\n"
        "from carecloud_async import EnterpriseClient, CustomerClient\n"
        "print(sorted(m for m in sys.modules if m.startswith('carecloud_openapi.models')"
        " or m.startswith('carecloud_openapi.typed.enterprise.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_no_namespace_shadows_a_client_attribute() -> None:
    from carecloud_openapi.typed.customer import CustomerNamespaces
    from carecloud_openapi.typed.enterprise import EnterpriseNamespaces

    client = EnterpriseClient(base_url="http://127.0.0.1:9", bearer_token=SECRET_TOKEN)
    for mixin, client_class in (
        (EnterpriseNamespaces, EnterpriseClient),
        (CustomerNamespaces, CustomerClient),
    ):
        namespaces = {name for name in vars(mixin) if not name.startswith("_")}
        assert len(namespaces) > 70
        own = {
            name for klass in client_class.__mro__[1:] if klass is not mixin for name in vars(klass)
        }
        own |= set(vars(client_class)) | set(vars(client))
        assert namespaces & own == set()


async def test_an_enum_parameter_takes_its_plain_value_and_refuses_others() -> None:
    recorder = Recorder(lambda request: json_response(200, {"stores": [], "total_items": 0}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await client.stores.get_stores(sort_direction="DESC")
        with pytest.raises(
            ConfigurationError, match=r"'sort_direction' must be one of 'ASC', 'DESC'"
        ):
            await client.stores.get_stores(sort_direction="DOWN")  # type: ignore[arg-type]
        items = [s async for s in client.stores.paginate_get_stores(sort_direction="ASC")]
    assert items == []
    assert [r.url.params["sort_direction"] for r in recorder.requests] == ["DESC", "ASC"]
