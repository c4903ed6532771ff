"""Arguments are checked against the spec before anything is sent: nothing reaches the server."""

from __future__ import annotations

import copy
from collections import deque
from datetime import datetime
from typing import Any

import httpx
import pytest
from carecloud_openapi.api.booking_tickets import get_booking_tickets
from carecloud_openapi.api.bookings import get_bookings
from carecloud_openapi.api.campaign_products import get_campaign_products
from carecloud_openapi.api.purchases import post_purchase_send
from carecloud_openapi.api.stores import get_store, get_stores
from carecloud_openapi.models import GetStoresSortDirection, PostPurchaseSendBody

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import ConfigurationError
from tests.conftest import SECRET_TOKEN, Recorder, enterprise, json_response
from tests.spec_examples import request_body_example

STORES = {"stores": [], "total_items": 0}
SEND_PURCHASE = ("POST", "/purchases/actions/send-purchase")


def _server() -> Recorder:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/purchases/actions/send-purchase":
            return json_response(201, {"purchase_id": "p-1"})
        if request.url.path.startswith("/stores/"):
            return json_response(200, {"store_id": "s-1"})
        return json_response(200, {**STORES, "booking_tickets": [], "campaign_products": []})

    return Recorder(handle)


def _client(recorder: Recorder) -> EnterpriseClient:
    return enterprise(recorder, bearer_token=SECRET_TOKEN)


async def _refused(endpoint: Any, **params: Any) -> str:
    """The refusal's message; asserts that not a single request was sent."""
    recorder = _server()
    async with _client(recorder) as client:
        with pytest.raises(ConfigurationError) as caught:
            await client.call(endpoint, **params)
    assert recorder.requests == []
    message = str(caught.value)
    assert "_get_kwargs" not in message
    return message


async def _sent(endpoint: Any, **params: Any) -> httpx.Request:
    recorder = _server()
    async with _client(recorder) as client:
        await client.call(endpoint, **params)
    assert len(recorder.requests) == 1
    return recorder.requests[0]


def _send_purchase_body() -> dict[str, Any]:
    body = request_body_example(*SEND_PURCHASE)
    assert isinstance(body, dict)
    return copy.deepcopy(body)


# path parameters


@pytest.mark.parametrize("value", [None, ""])
async def test_a_path_parameter_needs_a_value(value: str | None) -> None:
    message = await _refused(get_store, store_id=value)
    assert message.startswith("getStore: path parameter 'store_id' needs a value")


async def test_a_missing_path_parameter_is_named() -> None:
    message = await _refused(get_store)
    assert message == "getStore: missing required path parameter 'store_id'"


async def test_a_number_for_a_string_id_is_refused() -> None:
    message = await _refused(get_store, store_id=42)
    assert "path parameter 'store_id' expects a string, got 42" in message


# unknown keyword arguments


async def test_an_unknown_keyword_gets_a_did_you_mean() -> None:
    message = await _refused(get_stores, sort_directon="DESC")
    assert message == "getStores: unknown parameter 'sort_directon'; did you mean 'sort_direction'?"


async def test_a_misspelled_call_option_is_caught_too() -> None:
    message = await _refused(get_stores, timout=5)
    assert "did you mean 'timeout'?" in message


async def test_an_unknown_keyword_without_a_near_miss_lists_what_the_operation_takes() -> None:
    message = await _refused(get_store, store_id="s-1", colour="red")
    assert "unknown parameter 'colour' (it takes: store_id, accept_language)" in message


# types, formats, bounds


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"count": "ten"}, "query parameter 'count' expects an integer >= 1, got a string"),
        ({"count": -5}, "query parameter 'count' expects an integer >= 1, got -5"),
        ({"count": 0}, "query parameter 'count' expects an integer >= 1, got 0"),
        ({"count": True}, "query parameter 'count' expects an integer >= 1, got True"),
        ({"offset": 2.5}, "query parameter 'offset' expects an integer >= 0, got 2.5"),
        ({"sort_field": 7}, "query parameter 'sort_field' expects a string, got 7"),
    ],
)
async def test_values_outside_type_or_bounds_are_refused(
    params: dict[str, Any], expected: str
) -> None:
    message = await _refused(get_stores, **params)
    assert message == f"getStores: {expected}"


async def test_a_string_for_a_boolean_is_refused() -> None:
    message = await _refused(get_booking_tickets, valid_only="yes")
    assert "query parameter 'valid_only' expects a boolean (True or False), got a string" in (
        message
    )


async def test_several_problems_are_reported_together() -> None:
    message = await _refused(get_stores, count="ten", offset=-1)
    assert "'count' expects" in message
    assert "'offset' expects" in message


async def test_array_filters_check_their_items_and_their_length() -> None:
    message = await _refused(get_bookings, booking_statuses=["a", 5])
    assert "query parameter 'booking_statuses'[1] expects a string, got 5" in message
    message = await _refused(get_bookings, booking_statuses=["a"] * 1001)
    assert "'booking_statuses' takes at most 1000 items, got 1001" in message
    message = await _refused(get_bookings, booking_statuses=5)
    assert "query parameter 'booking_statuses' expects a string, got 5" in message


async def test_date_time_parameters_take_datetimes_and_refuse_other_types() -> None:
    request = await _sent(get_booking_tickets, valid_from=datetime(2030, 1, 2, 3, 4, 5))
    assert request.url.params["valid_from"] == "2030-01-02 03:04:05"
    message = await _refused(get_booking_tickets, valid_from=20300102)
    assert "'valid_from' expects a datetime or a string, got 20300102" in message


async def test_none_for_an_optional_parameter_means_not_given() -> None:
    request = await _sent(get_stores, count=None, sort_direction=None)
    assert "sort_direction" not in request.url.params
    assert request.url.params["count"] == "100"  # the default, as if left out


# enums


async def test_an_enum_parameter_takes_the_plain_value() -> None:
    request = await _sent(get_stores, sort_direction="DESC")
    assert request.url.params["sort_direction"] == "DESC"


async def test_an_enum_parameter_takes_the_member() -> None:
    request = await _sent(get_stores, sort_direction=GetStoresSortDirection.ASC)
    assert request.url.params["sort_direction"] == "ASC"


async def test_an_integer_enum_takes_the_plain_number() -> None:
    request = await _sent(get_campaign_products, value_type_id=2)
    assert request.url.params["value_type_id"] == "2"


async def test_an_invalid_enum_value_lists_the_valid_ones() -> None:
    message = await _refused(get_stores, sort_direction="down")
    assert message == (
        "getStores: query parameter 'sort_direction' must be one of 'ASC', 'DESC' "
        "(or a GetStoresSortDirection member), got 'down'"
    )
    message = await _refused(get_stores, sort_direction="desc")
    assert message.endswith("got 'desc'; did you mean 'DESC'?")
    message = await _refused(get_campaign_products, value_type_id=3)
    assert "'value_type_id' must be one of 1, 2 " in message


# URL length


async def test_a_url_too_long_is_a_configuration_error_not_a_raw_httpx_error() -> None:
    """The list filter that made it long is named, with its count, and split advice."""
    message = await _refused(get_bookings, booking_statuses=["s" * 80] * 1000)
    assert message.startswith("getBookings: the request URL cannot be sent")
    assert "too long" in message
    assert "query parameter 'booking_statuses' (1,000 values, " in message
    assert "fewer values" in message


async def test_a_path_parameter_too_long_is_named_without_list_advice() -> None:
    """A path parameter is one id: the advice is to check it, not to split a list."""
    message = await _refused(get_store, store_id="s" * 70_000)
    assert "path parameter 'store_id' takes 70,000 characters" in message
    assert "check the value" in message
    assert "split" not in message
    assert "s" * 100 not in message  # the value itself is never echoed


async def test_a_single_query_value_too_long_is_named_with_shorten_advice() -> None:
    """One long value of a plain query parameter: shorten it (there is no list to split)."""
    message = await _refused(get_stores, sort_field="f" * 70_000, sort_direction="ASC")
    assert "query parameter 'sort_field' (" in message
    assert "pass a shorter value" in message
    assert "split" not in message


async def test_a_list_filter_takes_any_sequence() -> None:
    """A deque or a tuple for a list filter is sent as the values it holds."""
    queued = await _sent(get_campaign_products, type_id=deque(["a", "b"]))
    paired = await _sent(get_campaign_products, type_id=("c",))
    assert queued.url.params.get_list("type_id[]") == ["a", "b"]
    assert paired.url.params.get_list("type_id[]") == ["c"]


# bodies


async def test_a_valid_body_dict_is_sent() -> None:
    request = await _sent(post_purchase_send, body=_send_purchase_body())
    assert request.method == "POST"


async def test_a_body_of_the_wrong_kind_is_refused() -> None:
    message = await _refused(post_purchase_send, body=42)
    assert message == ("postPurchaseSend: body expects a dict or a PostPurchaseSendBody, got 42")


async def test_a_missing_body_is_refused() -> None:
    message = await _refused(post_purchase_send)
    assert message == "postPurchaseSend: missing required parameter 'body'"


async def test_an_unknown_body_field_gets_a_did_you_mean() -> None:
    body = _send_purchase_body()
    body["cashdesk_numbr"] = body.pop("cashdesk_number")
    message = await _refused(post_purchase_send, body=body)
    assert "body.cashdesk_numbr is not a field of this object; did you mean 'cashdesk_number'?" in (
        message
    )
    assert "body.cashdesk_number is required but missing" in message


async def test_a_missing_nested_field_is_named_by_its_json_path() -> None:
    body = _send_purchase_body()
    del body["bill"]["bill_items"][0]["plu_ids"][0]["code"]
    message = await _refused(post_purchase_send, body=body)
    assert message == (
        "postPurchaseSend: body.bill.bill_items[0].plu_ids[0].code is required but missing"
    )


async def test_wrong_types_in_a_body_are_named_by_their_json_path() -> None:
    body = _send_purchase_body()
    body["cashdesk_number"] = "one"
    body["bill"]["bill_items"][0]["quantity"] = "2"
    body["bill"]["fiscal"] = "yes"
    message = await _refused(post_purchase_send, body=body)
    assert "body.cashdesk_number expects an integer, got a string" in message
    assert "body.bill.bill_items[0].quantity expects a number, got a string" in message
    assert "body.bill.fiscal expects a boolean (True or False), got a string" in message


async def test_none_for_a_body_field_is_refused_unless_nullable() -> None:
    body = _send_purchase_body()
    body["card_number"] = None
    message = await _refused(post_purchase_send, body=body)
    assert "body.card_number is None; leave the field out instead" in message


async def test_free_text_is_never_echoed_in_a_refusal() -> None:
    body = _send_purchase_body()
    body["customer_id"] = ["jane.doe@example.com"]
    body["cashdesk_number"] = "jane.doe@example.com"
    message = await _refused(post_purchase_send, body=body)
    assert "jane.doe" not in message


async def test_a_generated_model_body_is_still_accepted() -> None:
    model = PostPurchaseSendBody.from_dict(_send_purchase_body())
    request = await _sent(post_purchase_send, body=model)
    assert request.method == "POST"


# what counts as required


def test_a_required_parameter_with_a_default_may_be_left_out() -> None:
    """The spec requires token_type, but it has a default: leaving it out sends the default."""
    from carecloud_openapi.api.tokens import get_token_authentication

    from carecloud_async._operations import operation_of
    from carecloud_async._param_checks import check_params

    operation = operation_of(get_token_authentication)
    check_params(
        operation, get_token_authentication, {"token_id": "t", "external_application_id": "a"}
    )
    with pytest.raises(ConfigurationError) as caught:
        check_params(operation, get_token_authentication, {"token_id": "t"})
    assert str(caught.value) == (
        "getTokenAuthentication: missing required query parameter 'external_application_id'"
    )


async def test_call_raw_runs_the_same_checks() -> None:
    recorder = _server()
    async with _client(recorder) as client:
        with pytest.raises(ConfigurationError, match="did you mean 'sort_direction'"):
            await client.call_raw(get_stores, sort_directon="DESC")
        with pytest.raises(ConfigurationError, match=r"body\.cashdesk_number expects an integer"):
            await client.call_raw(
                post_purchase_send, body={**_send_purchase_body(), "cashdesk_number": "1"}
            )
    assert recorder.requests == []
