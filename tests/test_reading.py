"""Answers from a server newer than the SDK: open enums, the tolerant reader, strict mode."""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

import httpx
import pytest
from carecloud_openapi.api.audiences import get_audiences
from carecloud_openapi.api.customers import get_customer
from carecloud_openapi.models import (
    AttachmentUploadMethod,
    Audience,
    Customer,
    CustomerState,
    PropertyRecord,
    PropertyRecordPropertyValueType5,
    Purchase,
)
from carecloud_openapi.types import UNSET, SchemaDeviationError, reading

from carecloud_async import ConfigurationError, ResponseParseError
from tests.conftest import SECRET_TOKEN, Recorder, enterprise

PERSON = {"language_id": "cs", "first_name": "Jana", "email": "jana.novakova@example.com"}


def _customer(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_id": "c1",
        "personal_information": dict(PERSON),
        "state": 1,
    }
    body.update(changes)
    return body


def _purchase(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_id": "c1",
        "store_id": "s1",
        "external_purchase_id": "x1",
        "payment_time": "2021-02-24 12:00:00",
        "items_count": 1,
        "type_id": "t1",
        "total_price": 660,
        "currency_id": "czk",
        "cashdesk_number": "2a",
        "purchase_items": [
            {
                "product_id": "p1",
                "purchase_item_type_id": "i1",
                "price": 10.5,
                "amount": 1,
                "vat_rate": 21,
            }
        ],
    }
    body.update(changes)
    return body


# -- open enums ---------------------------------------------------------------------------


def test_an_unknown_int_enum_value_is_a_member_equal_to_the_raw_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """CustomerState 3 is not in the spec: it parses, compares equal and round-trips."""
    with caplog.at_level(logging.WARNING, logger="carecloud_openapi"):
        first = Customer.from_dict(_customer(state=93))
        again = Customer.from_dict(_customer(state=93))
    state = first.state
    assert isinstance(state, CustomerState)
    assert state == 93
    assert state.name == "UNKNOWN_93"
    assert again.state is state
    assert first.to_dict()["state"] == 93
    assert json.dumps(first.to_dict()["state"]) == "93"
    assert CustomerState.VALUE_1 in list(CustomerState)
    assert state not in list(CustomerState)  # iteration lists the documented members only
    warnings = [r for r in caplog.records if "UNKNOWN_93" in r.getMessage()]
    assert len(warnings) == 1
    assert "CustomerState" in warnings[0].getMessage()


def test_an_unknown_str_enum_value_is_a_member_too() -> None:
    method = AttachmentUploadMethod("carrier-pigeon")
    assert isinstance(method, AttachmentUploadMethod)
    assert method == "carrier-pigeon"
    assert method.name == "UNKNOWN_carrier-pigeon"
    assert str(method) == "carrier-pigeon"


def test_an_enum_refuses_a_value_of_another_base_type() -> None:
    with pytest.raises(ValueError, match="is not a valid"):
        CustomerState("3")
    with reading() as report:  # True == 1, but JSON true is not the integer 1
        audience = Audience.from_dict({"name": "a", "communication_channel_id": "c", "state": True})
    assert audience.state is True
    assert [(d.path, d.kind) for d in report.deviations] == [("$.state", "type")]
    with pytest.raises(ValueError, match="is not a valid"):
        AttachmentUploadMethod(3)


# -- the tolerant reader ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path", "kind", "kept"),
    [
        (_customer(state=None), "$.state", "null", None),
        (_customer(state="3"), "$.state", "type", "3"),
        (_customer(personal_information=None), "$.personal_information", "null", None),
        (_customer(personal_information="x"), "$.personal_information", "type", "x"),
        (_customer(customer_id=None), "$.customer_id", "null", None),
        (_customer(customer_id=7), "$.customer_id", "type", 7),
    ],
    ids=["null-enum", "str-for-int-enum", "null-object", "str-for-object", "null-str", "int-str"],
)
def test_a_deviation_is_recorded_with_its_path_and_the_rest_is_read(
    body: dict[str, Any], path: str, kind: str, kept: Any
) -> None:
    with reading() as report:
        customer = Customer.from_dict(body)
    assert [(d.path, d.kind) for d in report.deviations] == [(path, kind)]
    field = path.removeprefix("$.")
    assert getattr(customer, field) == kept
    assert customer.customer_id == body["customer_id"]
    assert customer.to_dict()[field] == kept  # what was kept goes back out as it came


def test_a_missing_required_field_becomes_none() -> None:
    body = _customer()
    del body["personal_information"]
    with reading() as report:
        customer = Customer.from_dict(body)
    assert customer.personal_information is None
    assert [(d.path, d.kind, d.expected) for d in report.deviations] == [
        ("$.personal_information", "missing", "PersonalInformation")
    ]
    assert "required PersonalInformation is missing" in str(report.deviations[0])


@pytest.mark.parametrize(
    ("birthdate", "expected", "deviations"),
    [
        ("1985-02-12", datetime.date(1985, 2, 12), []),
        ("1985-02-12 00:00:00", datetime.date(1985, 2, 12), []),
        ("0000-00-00", "0000-00-00", [("$.personal_information.birthdate", "format")]),
        (None, None, [("$.personal_information.birthdate", "null")]),
        (19850212, 19850212, [("$.personal_information.birthdate", "type")]),
    ],
)
def test_odd_dates_do_not_lose_the_record(
    birthdate: Any, expected: Any, deviations: list[tuple[str, str]]
) -> None:
    body = _customer(personal_information={**PERSON, "birthdate": birthdate})
    with reading() as report:
        customer = Customer.from_dict(body)
    assert customer.personal_information.birthdate == expected
    assert [(d.path, d.kind) for d in report.deviations] == deviations
    out = customer.to_dict()["personal_information"]["birthdate"]
    assert out == (expected.isoformat() if isinstance(expected, datetime.date) else expected)


def test_paths_reach_into_lists_and_nested_objects() -> None:
    body = _purchase()
    body["purchase_items"].append(None)
    body["purchase_items"][0]["price"] = "10.5"
    body["property_records"] = [{"property_id": "p", "property_value": {"id": 5}}, {}]
    with reading() as report:
        purchase = Purchase.from_dict(body)
    assert [(d.path, d.kind) for d in report.deviations] == [
        ("$.purchase_items[0].price", "type"),
        ("$.purchase_items[1]", "null"),
        ("$.property_records[1].property_id", "missing"),
    ]
    assert isinstance(purchase.property_records, list)
    value = purchase.property_records[0].property_value
    assert isinstance(value, PropertyRecordPropertyValueType5)
    assert value.to_dict() == {"id": 5}


def test_a_valid_body_has_no_deviations_and_keeps_unknown_keys() -> None:
    body = _purchase(brand_new_field={"a": 1})
    with reading() as report:
        purchase = Purchase.from_dict(body)
    assert report.deviations == []
    assert purchase.additional_properties == {"brand_new_field": {"a": 1}}
    assert purchase.to_dict() == body
    assert body["purchase_items"][0]["price"] == 10.5  # the source is not changed


_RECORD = {
    "property_id": "note",
    "property_record_id": "note:1",
    "property_name": "Note",
    "property_value": "desk",
    "last_change": "2024-02-02 10:11:12",
}


@pytest.mark.parametrize(
    ("body", "deviations", "extra"),
    [
        (_RECORD, [], {}),
        ({**_RECORD, "brand_new": 1}, [], {"brand_new": 1}),
        ({**_RECORD, "property_id": 7}, [("$.property_id", "type")], {}),
        (
            {k: v for k, v in _RECORD.items() if k != "property_id"} | {"brand_new": 1},
            [("$.property_id", "missing")],
            {"brand_new": 1},
        ),
        (
            {k: v for k, v in _RECORD.items() if k != "last_change"} | {"a": 1, "b": 2},
            [],
            {"a": 1, "b": 2},
        ),
        ({"property_id": "note", "brand_new": 1}, [], {"brand_new": 1}),
    ],
    ids=["all-declared", "one-more", "odd-type", "undeclared-instead", "two-more", "few-keys"],
)
def test_every_mix_of_declared_and_undeclared_keys_is_read_alike(
    body: dict[str, Any], deviations: list[tuple[str, str]], extra: dict[str, Any]
) -> None:
    """Whether the object has every declared key, fewer keys or undeclared ones in place of
    declared ones, the values, deviations and kept extra keys are the same."""
    with reading() as report:
        record = PropertyRecord.from_dict(body)
    assert [(d.path, d.kind) for d in report.deviations] == deviations
    assert record.additional_properties == extra
    for key, value in body.items():
        if key not in extra and key != "property_id":
            assert getattr(record, key) == value
    assert record.property_record_id == body.get("property_record_id", UNSET)


def test_property_record_values_of_every_documented_shape() -> None:
    for value in ["VIP", 42, 149.9, True, [{"id": "x", "name": "Blue"}], "1985-06-15"]:
        with reading(strict=True):
            record = PropertyRecord.from_dict({"property_id": "p", "property_value": value})
        assert record.property_value == value
        assert record.to_dict()["property_value"] == value


def test_each_place_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="carecloud_openapi"):
        for _ in range(3):
            Audience.from_dict({"name": "a", "communication_channel_id": "c", "state": None})
    logged = [r.getMessage() for r in caplog.records if "$.state" in r.getMessage()]
    assert logged == [
        "response does not match the schema: $.state: expected AudienceState, found null"
    ]


# -- strict mode --------------------------------------------------------------------------


def test_strict_reading_raises_at_the_first_deviation_with_its_path() -> None:
    body = _purchase()
    body["purchase_items"][0]["amount"] = None
    with pytest.raises(SchemaDeviationError) as caught, reading(strict=True):
        Purchase.from_dict(body)
    assert caught.value.path == "$.purchase_items[0].amount"
    assert isinstance(caught.value, ValueError)


def test_strict_mode_allows_unknown_enum_values() -> None:
    with reading(strict=True) as report:
        audience = Audience.from_dict({"name": "a", "communication_channel_id": "c", "state": 2})
    assert audience.state == 2
    assert report.deviations == []


# -- through the client -----------------------------------------------------------------


def _answer(body: Any) -> Recorder:
    return Recorder(lambda request: httpx.Response(200, json=body))


async def test_call_raw_lists_the_deviations_and_returns_the_data() -> None:
    body = {
        "data": _customer(state=None, personal_information={**PERSON, "birthdate": "0000-00-00"})
    }
    async with enterprise(_answer(body), bearer_token=SECRET_TOKEN) as client:
        response = await client.call_raw(get_customer, customer_id="c1")
    assert response.data.customer_id == "c1"
    assert [(d.path, d.kind) for d in response.deviations] == [
        ("$.data.personal_information.birthdate", "format"),
        ("$.data.state", "null"),
    ]


async def test_a_strict_client_raises_with_path_operation_and_masked_excerpt() -> None:
    body = {"data": _customer(state="3", personal_information={**PERSON, "phone": "+420777123456"})}
    async with enterprise(_answer(body), bearer_token=SECRET_TOKEN, strict=True) as client:
        with pytest.raises(ResponseParseError) as caught:
            await client.call(get_customer, customer_id="c1")
    error = caught.value
    assert error.json_path == "$.data.state"
    assert error.operation_id == "getCustomer"
    assert error.body_excerpt is not None
    assert '"state": "3"' in error.body_excerpt
    assert "jana.novakova@example.com" not in str(error)
    assert "GET /customers/c1 -> 200" in str(error)
    assert "$.data.state: expected CustomerState, found string" in str(error)


async def test_strict_can_be_set_per_call() -> None:
    body = {"data": _customer(customer_id=None)}
    async with enterprise(_answer(body), bearer_token=SECRET_TOKEN) as client:
        assert (await client.call(get_customer, customer_id="c1")).customer_id is None
        with pytest.raises(ResponseParseError, match=r"\$\.data\.customer_id"):
            await client.call(get_customer, customer_id="c1", strict=True)
    async with enterprise(_answer(body), bearer_token=SECRET_TOKEN, strict=True) as client:
        data = await client.call(get_customer, customer_id="c1", strict=False)
        assert data.customer_id is None


async def test_a_wrong_list_type_is_kept_tolerantly_and_refused_strictly() -> None:
    body = {"data": {"audiences": "not-a-list", "total_items": 1}}
    async with enterprise(_answer(body), bearer_token=SECRET_TOKEN) as client:
        response = await client.call_raw(get_audiences)
        assert [(d.path, d.kind) for d in response.deviations] == [("$.data.audiences", "type")]
        with pytest.raises(ResponseParseError, match="expected array, found string"):
            await client.call(get_audiences, strict=True)


async def test_a_plain_dict_body_is_checked_strictly() -> None:
    from carecloud_openapi.api.segments import post_segment_add_customer

    recorder = Recorder(lambda request: httpx.Response(204))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ConfigurationError, match=r"body\.customer_id expects a string, got 5"):
            await client.call(post_segment_add_customer, segment_id="s1", body={"customer_id": 5})
    assert recorder.requests == []


# -- the raw path ----------------------------------------------------------------------


async def test_raw_calls_return_plain_json_without_models() -> None:
    body = {"data": _customer(state=None, surprise=[1, 2])}
    async with enterprise(_answer(body), bearer_token=SECRET_TOKEN, strict=True) as client:
        data = await client.call(get_customer, customer_id="c1", raw=True)
        response = await client.call_raw(get_customer, customer_id="c1", raw=True)
    assert data == body["data"]
    assert response.parsed == body
    assert response.deviations == ()


async def test_raw_calls_still_refuse_a_body_that_is_not_json() -> None:
    recorder = Recorder(lambda request: httpx.Response(200, text="<html>oops</html>"))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ResponseParseError, match="getCustomer"):
            await client.call(get_customer, customer_id="c1", raw=True)


def test_the_raw_decoder_falls_back_to_the_standard_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib as real_importlib

    from carecloud_async import _reading

    def no_orjson(name: str) -> Any:
        if name == "orjson":
            raise ImportError(name)
        return real_importlib.import_module(name)

    monkeypatch.setattr(_reading.importlib, "import_module", no_orjson)
    assert _reading._json_decoder() is json.loads
