"""What arrives at a server that reads requests the way CareCloud's does.

Array filters must use the bracket syntax (``name[]=a&name[]=b``): a PHP back end
keeps only the last value of a repeated plain key. Date-time inputs must be
project-local wall time. Every case is read from the normalized spec.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from carecloud_async import ConfigurationError, CustomerClient, DeviceInfo, EnterpriseClient
from carecloud_async._spec_data import normalized_spec
from carecloud_async._token_store import InMemoryTokenStore
from carecloud_async._wire import DATETIME_EXTENSION, formats_from_spec, to_wire, wire_formats
from carecloud_async.helpers import cards as card_helpers
from carecloud_async.helpers import customers as customer_helpers
from scripts._spec import PINNED_SPEC, iter_operations, load_spec, resolve_ref
from tests.conftest import BASE_URL, SECRET_TOKEN
from tests.php_server import PhpQueryServer, parse_php_query
from tests.spec_examples import example, schema_example

PRAGUE = ZoneInfo("Europe/Prague")
TOKYO = ZoneInfo("Asia/Tokyo")
# 2030-07-01 18:30 in Tokyo is 11:30 in Prague (summer time, UTC+2).
AWARE = datetime(2030, 7, 1, 18, 30, 5, tzinfo=TOKYO)
PRAGUE_WALL = "2030-07-01 11:30:05"


# --- the spec's inputs -------------------------------------------------------------------


def _resolved(node: Any) -> Any:
    spec = normalized_spec()
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_ref(spec, node["$ref"])
    return node


@cache
def _module_names() -> dict[tuple[str, str], str]:
    import carecloud_openapi.api as api

    names = {}
    for info in pkgutil.iter_modules(api.__path__):
        package = importlib.import_module(f"carecloud_openapi.api.{info.name}")
        for short, (method, path) in package.ENDPOINTS.items():
            names[(method, path)] = f"{package.__name__}.{short}"
    return names


def _module(method: str, path: str) -> ModuleType:
    return importlib.import_module(_module_names()[(method.upper(), path)])


def _query_parameters(predicate: Any) -> list[tuple[str, str, str, dict[str, Any]]]:
    found = []
    for path, method, operation in iter_operations(normalized_spec()):
        for parameter in operation.get("parameters", []):
            parameter = _resolved(parameter)
            if parameter.get("in") == "query" and predicate(parameter):
                found.append((method, path, parameter["name"], operation))
    return found


ARRAY_PARAMETERS = _query_parameters(lambda p: _resolved(p.get("schema")).get("type") == "array")
DATETIME_PARAMETERS = _query_parameters(lambda p: p.get(DATETIME_EXTENSION) == "datetime")
DATE_PARAMETERS = _query_parameters(lambda p: p.get(DATETIME_EXTENSION) == "date")


def _id(case: tuple[str, str, str, Any]) -> str:
    return f"{case[0].upper()} {case[1]} {case[2]}"


def _client(server: PhpQueryServer, operation: dict[str, Any], **kwargs: Any) -> Any:
    settings: dict[str, Any] = {
        "base_url": BASE_URL,
        "transport": server.transport,
        "project_timezone": "Europe/Prague",
        **kwargs,
    }
    if "enterprise" in operation["x-carecloud-api"]:
        return EnterpriseClient(bearer_token=SECRET_TOKEN, **settings)
    store = InMemoryTokenStore()
    store._tokens["device-1"] = SECRET_TOKEN
    return CustomerClient(
        external_application_id="app",
        device=DeviceInfo(device_id="device-1"),
        token_store=store,
        **settings,
    )


def _required_arguments(module: ModuleType) -> dict[str, Any]:
    """A value for every argument the endpoint requires (all of them are strings here)."""
    signature = inspect.signature(module._get_kwargs)
    return {
        name: f"x-{name}"
        for name, parameter in signature.parameters.items()
        if parameter.default is inspect.Parameter.empty and name != "body"
    }


# --- the PHP-rules server itself ---------------------------------------------------------


def test_the_php_server_keeps_the_last_plain_key_and_collects_bracketed_ones() -> None:
    """The rule that makes repeated plain keys lose data, and the syntax that does not."""
    assert parse_php_query("a=1&a=2") == {"a": "2"}
    assert parse_php_query("a[]=1&a[]=2&b=x+y") == {"a": ["1", "2"], "b": "x y"}
    assert parse_php_query("m[k]=v&m[j][]=1&first.name=Jo") == {
        "m": {"k": "v", "j": ["1"]},
        "first_name": "Jo",
    }
    assert parse_php_query("e%5B%5D=a%40b.cz&e%5B%5D=c") == {"e": ["a@b.cz", "c"]}


# --- arrays ------------------------------------------------------------------------------


def test_the_array_cases_are_the_declared_arrays_plus_the_documented_ones() -> None:
    """Cross-check with the pinned spec: arrays it declares, and strings documenting name[]=."""
    pinned = load_spec(PINNED_SPEC)
    declared, documented = set(), set()
    for path, method, operation in iter_operations(pinned):
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                parameter = resolve_ref(pinned, parameter["$ref"])
            if parameter.get("in") != "query":
                continue
            key = (method, path, parameter["name"])
            if parameter["schema"].get("type") == "array":
                declared.add(key)
            elif f"{parameter['name']}[]=" in parameter.get("description", ""):
                documented.add(key)
    assert declared
    assert documented
    assert {(m, p, n) for m, p, n, _o in ARRAY_PARAMETERS} == declared | documented


@pytest.mark.parametrize("case", ARRAY_PARAMETERS, ids=_id)
async def test_every_array_query_parameter_arrives_as_a_list_of_every_value(
    case: tuple[str, str, str, dict[str, Any]],
) -> None:
    """Two values through ``client.call`` arrive as a two-element list, nothing else lost."""
    method, path, name, operation = case
    module = _module(method, path)
    server = PhpQueryServer()
    values = ["first@example.cz", "second value&more"]
    async with _client(server, operation) as client:
        await client.call(module, **_required_arguments(module), **{name: values})
    (understood,) = server.understood
    assert understood[name] == values


async def test_a_single_value_for_an_array_filter_still_arrives_as_a_list() -> None:
    """One value is sent as name[]=v: the server sees the list the filter documents."""
    from carecloud_openapi.api.vouchers import get_vouchers

    server = PhpQueryServer()
    async with _client(server, {"x-carecloud-api": ["enterprise"]}) as client:
        await client.call(get_vouchers, reward_id=["r1"])
        await client.call(get_vouchers, reward_id="r2")  # a plain string, as before
    assert server.understood == [
        {"count": "100", "offset": "0", "reward_id": ["r1"]},
        {"count": "100", "offset": "0", "reward_id": ["r2"]},
    ]


def _page(field: str, total: int) -> Any:
    def respond(request: httpx.Request, query: dict[str, Any]) -> httpx.Response:
        offset = int(query["offset"])
        customer = schema_example("Customer")
        items = [dict(customer, customer_id=f"c{i}") for i in range(offset, min(offset + 2, total))]
        return httpx.Response(200, json={"data": {field: items, "total_items": total}})

    return respond


async def test_pagination_sends_every_value_of_a_multi_value_filter_on_every_page() -> None:
    """Each page request carries the whole filter, not its last value."""
    from carecloud_openapi.api.customers import get_customers

    server = PhpQueryServer(respond=_page("customers", 5))
    ids = ["a1", "b2", "c3"]
    async with _client(server, {"x-carecloud-api": ["enterprise"]}) as client:
        items = [c async for c in client.paginate(get_customers, page_size=2, customer_ids=ids)]
    assert len(items) == 5
    assert len(server.understood) == 3
    assert all(query["customer_ids"] == ids for query in server.understood)


async def test_helpers_send_multi_value_filters_with_brackets() -> None:
    """The customer search helper and the external-id lookup use the same wire form."""
    server = PhpQueryServer(respond=_page("customers", 1))
    emails = ["a@example.cz", "b@example.cz"]
    async with _client(server, {"x-carecloud-api": ["enterprise"]}) as client:
        found = [c async for c in customer_helpers.search_customers(client, email_list=emails)]
        assert len(found) == 1
        server.respond = lambda request, query: httpx.Response(
            200, json={"data": {"customer_source_records": [], "total_items": 0}}
        )
        assert (
            await customer_helpers.find_by_external_id(
                client, customer_source_id="src", external_id="ext-1"
            )
            is None
        )
    assert server.understood[0]["email_list"] == emails
    assert server.understood[1]["external_ids"] == ["ext-1"]


async def test_the_typed_surface_sends_multi_value_filters_with_brackets() -> None:
    """``client.<tag>.<method>`` and its ``paginate_`` twin go through the same wire form."""
    server = PhpQueryServer(respond=_page("customers", 1))
    ids, emails = ["a1", "b2"], ["a@example.cz", "b@example.cz"]
    async with _client(server, {"x-carecloud-api": ["enterprise"]}) as client:
        await client.customers.get_customers(customer_ids=ids, email_list=emails)
        found = [c async for c in client.customers.paginate_get_customers(customer_ids=ids)]
    assert len(found) == 1
    assert server.understood[0]["customer_ids"] == ids
    assert server.understood[0]["email_list"] == emails
    assert server.understood[1]["customer_ids"] == ids


# --- date-time and date query parameters -------------------------------------------------


def test_the_date_time_cases_cover_query_parameters_and_bodies_of_both_kinds() -> None:
    """Found from the spec's documented formats, not listed by hand."""
    assert {"payment_time_from", "valid_from", "time_to"} <= {c[2] for c in DATETIME_PARAMETERS}
    assert {"birthdate", "date_from", "due_date"} <= {c[2] for c in DATE_PARAMETERS}
    assert ("post", "/vouchers/batch") in {(m, p) for m, p, _o in BODY_DATETIME_CASES}


@pytest.mark.parametrize("case", DATETIME_PARAMETERS, ids=_id)
async def test_every_date_time_query_parameter_takes_an_aware_datetime_in_project_time(
    case: tuple[str, str, str, dict[str, Any]],
) -> None:
    """A Tokyo datetime arrives as Prague wall time, in the documented format."""
    method, path, name, operation = case
    module = _module(method, path)
    server = PhpQueryServer()
    async with _client(server, operation) as client:
        await client.call(module, **_required_arguments(module), **{name: AWARE})
    assert server.understood[0][name] == PRAGUE_WALL


@pytest.mark.parametrize("case", DATE_PARAMETERS, ids=_id)
async def test_every_date_query_parameter_takes_a_date(
    case: tuple[str, str, str, dict[str, Any]],
) -> None:
    """A ``date`` arrives as YYYY-MM-DD."""
    method, path, name, operation = case
    module = _module(method, path)
    server = PhpQueryServer()
    async with _client(server, operation) as client:
        await client.call(module, **_required_arguments(module), **{name: date(2030, 2, 28)})
    assert server.understood[0][name] == "2030-02-28"


async def test_query_strings_keep_working_and_offsets_are_converted_not_misread() -> None:
    """A project-local string is sent as given; one in UTC is converted, not taken as local."""
    from carecloud_openapi.api.purchases import get_purchases

    server = PhpQueryServer()
    async with _client(server, {"x-carecloud-api": ["enterprise"]}) as client:
        await client.call(
            get_purchases,
            payment_time_from="2030-01-05T00:00:00",
            payment_time_to="2030-01-05T12:00:00Z",
        )
    assert server.understood[0]["payment_time_from"] == "2030-01-05T00:00:00"
    assert server.understood[0]["payment_time_to"] == "2030-01-05 13:00:00"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("payment_time_from", "next tuesday", "payment_time_from: 'next tuesday' is not a"),
        ("payment_time_from", date(2030, 1, 5), "payment_time_from: takes a date and time"),
    ],
)
async def test_bad_date_time_query_values_are_refused_naming_the_parameter(
    name: str, value: Any, message: str
) -> None:
    """Refused before anything is sent, with the operation and parameter named."""
    from carecloud_openapi.api.purchases import get_purchases

    server = PhpQueryServer()
    async with _client(server, {"x-carecloud-api": ["enterprise"]}) as client:
        with pytest.raises(ConfigurationError, match=f"getPurchases: {message}"):
            await client.call(get_purchases, **{name: value})
    assert server.understood == []


# --- body fields -------------------------------------------------------------------------


def _marked_paths(node: Any, value: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths (keys and list indexes) of the marked fields present in an example body."""
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _marked_paths(node, item, (*where, i))]
    if isinstance(node, str):
        return [where] if isinstance(value, str) else []
    if isinstance(value, dict) and isinstance(node, dict):
        return [
            p
            for key, sub in node.items()
            if key in value
            for p in _marked_paths(sub, value[key], (*where, key))
        ]
    return []


def _fill_missing(node: Any, value: Any) -> None:
    """Add the marked fields an example left out, wherever their parent object is present."""
    if isinstance(value, list):
        for item in value:
            _fill_missing(node, item)
    elif isinstance(value, dict) and isinstance(node, dict):
        for key, sub in node.items():
            if isinstance(sub, str):
                value.setdefault(key, "placeholder")
            elif key in value:
                _fill_missing(sub, value[key])


def _set(body: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        body = body[step]
    body[path[-1]] = value


def _get(body: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        body = body[step]
    return body


def _kind(node: Any, path: tuple[Any, ...]) -> str:
    for step in path:
        if isinstance(step, str):
            node = node[step]
    return str(node)


def _body_cases() -> list[tuple[str, str, dict[str, Any]]]:
    spec = normalized_spec()
    cases = []
    for path, method, operation in iter_operations(spec):
        if formats_from_spec(spec, method, path).body is not None:
            cases.append((method, path, operation))
    return cases


BODY_DATETIME_CASES = _body_cases()


@pytest.mark.parametrize("case", BODY_DATETIME_CASES, ids=lambda c: f"{c[0].upper()} {c[1]}")
async def test_body_date_time_fields_take_aware_datetimes_and_dates(
    case: tuple[str, str, dict[str, Any]],
) -> None:
    """Every marked field of the example body, set to a datetime or date, arrives formatted."""
    method, path, operation = case
    spec = normalized_spec()
    shape = wire_formats(method.upper(), path).body
    media = _resolved(operation["requestBody"])["content"]["application/json"]
    body = example(spec, media["schema"])
    _fill_missing(shape, body)
    paths = _marked_paths(shape, body)
    assert paths, "the example body holds none of the marked fields"
    for field_path in paths:
        kind = _kind(shape, field_path)
        _set(body, field_path, AWARE if kind == "datetime" else date(2030, 2, 28))
    module = _module(method, path)
    server = PhpQueryServer()
    async with _client(server, operation) as client:
        await client.call(module, **_required_arguments(module), body=body)
    (sent,) = server.bodies
    for field_path in paths:
        expected = PRAGUE_WALL if _kind(shape, field_path) == "datetime" else "2030-02-28"
        assert _get(sent, field_path) == expected, field_path


async def test_a_model_body_holding_a_datetime_is_sent_in_project_time() -> None:
    """Helpers build models themselves: a datetime set on one still goes out formatted."""
    server = PhpQueryServer()
    async with _client(server, {"x-carecloud-api": ["enterprise"]}) as client:
        await card_helpers.create_card(
            client,
            card_type_id="t1",
            card_number="123",
            valid_from=datetime(2030, 1, 1, 6, 0, tzinfo=UTC),
            valid_to="2030-12-31T23:00:00+00:00",
        )
    card = server.bodies[0]["card"]
    assert (card["valid_from"], card["valid_to"]) == ("2030-01-01 07:00:00", "2031-01-01 00:00:00")


async def test_a_bad_body_date_time_is_refused_naming_the_field_path() -> None:
    """The error names the operation and where in the body the value sits."""
    from carecloud_openapi.api.vouchers import post_bulk_vouchers

    server = PhpQueryServer()
    body = {"vouchers": [{"reward_id": "r"}, {"reward_id": "r", "valid_to": "31.12.2030"}]}
    async with _client(server, {"x-carecloud-api": ["enterprise"]}) as client:
        with pytest.raises(ConfigurationError, match=r"body\.vouchers\[1\]\.valid_to: '31\.12"):
            await client.call(post_bulk_vouchers, body=body)
    assert server.bodies == []


# --- the conversion rules ----------------------------------------------------------------


def test_naive_datetimes_are_project_local_wall_time() -> None:
    """The documented rule: a naive datetime means the same as an offset-less string."""
    assert to_wire(datetime(2030, 3, 31, 2, 30), "datetime", PRAGUE, "p") == "2030-03-31 02:30:00"


def test_aware_datetimes_cross_dst_and_date_lines_correctly() -> None:
    """Winter and summer offsets of the project zone are both honoured."""
    winter = datetime(2030, 1, 1, 0, 0, tzinfo=UTC)
    summer = datetime(2030, 7, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert to_wire(winter, "datetime", PRAGUE, "p") == "2030-01-01 01:00:00"
    assert to_wire(summer, "datetime", PRAGUE, "p") == "2030-07-01 07:00:00"


def test_strings_are_checked_and_converted_only_when_they_carry_an_offset() -> None:
    """Documented forms pass as given; offsets are converted; fractions are dropped then."""
    for given in ("2030-01-05 10:00:00", "2030-01-05T10:00:00", "2030-01-05 10:00:00.123", ""):
        assert to_wire(given, "datetime", PRAGUE, "p") == given
    assert to_wire("2030-01-05T10:00:00.5+05:30", "datetime", PRAGUE, "p") == "2030-01-05 05:30:00"
    assert to_wire("2030-01-05 10:00:00z", "datetime", PRAGUE, "p") == "2030-01-05 11:00:00"
    assert to_wire("1.1.2030", "date", PRAGUE, "p") == "1.1.2030"  # dates have no zone


def test_dates_and_datetimes_are_not_mixed_up() -> None:
    """A date-only input refuses a datetime; a date-time input refuses a date."""
    with pytest.raises(ConfigurationError, match="valid_from: takes a date only"):
        to_wire(AWARE, "date", PRAGUE, "valid_from")
    with pytest.raises(ConfigurationError, match="time_from: takes a date and time"):
        to_wire(date(2030, 1, 1), "datetime", PRAGUE, "time_from")


def test_every_documented_example_passes_the_string_check_unchanged() -> None:
    """The check is not stricter than the spec's own examples."""
    spec = normalized_spec()
    seen = 0
    for node in _walk(spec):
        kind = node.get(DATETIME_EXTENSION)
        value = node.get("example", (node.get("schema") or {}).get("example"))
        if kind == "datetime" and isinstance(value, str):
            assert to_wire(value, "datetime", PRAGUE, "example") == value
            seen += 1
    assert seen > 100


def _walk(node: Any) -> list[dict[str, Any]]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.append(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


# --- no project time zone given ------------------------------------------------------------


async def test_an_aware_datetime_without_project_timezone_is_refused_before_sending() -> None:
    """Without the project's zone an aware filter would go out as UTC wall time, an hour off
    in Prague: it is refused, naming project_timezone and the parameter."""
    from carecloud_openapi.api.purchases import get_purchases

    server = PhpQueryServer()
    prague_noon = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("Europe/Prague"))
    async with EnterpriseClient(
        base_url=BASE_URL, bearer_token=SECRET_TOKEN, transport=server.transport
    ) as client:
        for value in (prague_noon, "2026-01-01T12:00:00+01:00", "2026-01-01 11:00:00Z"):
            with pytest.raises(ConfigurationError) as caught:
                await client.call(get_purchases, payment_time_from=value)
            message = str(caught.value)
            assert "project_timezone" in message
            assert message.startswith("getPurchases: payment_time_from: ")
    assert server.understood == []


async def test_naive_values_without_project_timezone_are_sent_as_project_local() -> None:
    """The documented meaning of naive datetimes and offset-less strings does not change."""
    from carecloud_openapi.api.purchases import get_purchases

    server = PhpQueryServer()
    async with EnterpriseClient(
        base_url=BASE_URL, bearer_token=SECRET_TOKEN, transport=server.transport
    ) as client:
        await client.call(
            get_purchases,
            payment_time_from=datetime(2026, 1, 1, 12, 0),
            payment_time_to="2026-01-02 12:00:00",
        )
    (query,) = server.understood
    assert (query["payment_time_from"], query["payment_time_to"]) == (
        "2026-01-01 12:00:00",
        "2026-01-02 12:00:00",
    )


async def test_an_aware_body_datetime_without_project_timezone_names_its_json_path() -> None:
    """Body fields follow the same rule, and the error says where in the body the value is."""
    from carecloud_openapi.api.vouchers import post_bulk_vouchers

    server = PhpQueryServer()
    body = {"vouchers": [{"reward_id": "r", "valid_to": datetime(2030, 1, 1, tzinfo=UTC)}]}
    async with EnterpriseClient(
        base_url=BASE_URL, bearer_token=SECRET_TOKEN, transport=server.transport
    ) as client:
        with pytest.raises(
            ConfigurationError, match=r"body\.vouchers\[0\]\.valid_to: .*project_timezone"
        ):
            await client.call(post_bulk_vouchers, body=body)
    assert server.bodies == []
