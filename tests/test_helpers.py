"""The rules the helpers add: no double purchase, no wiped fields, checked cards, ordered sync."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from carecloud_async import ConfigurationError, OutcomeUnknownError
from carecloud_async.helpers import (
    CardUnavailableError,
    Checkout,
    InsufficientBalanceError,
    RecordedPurchase,
    assign_free_card,
    create_event,
    sync_products,
    update_customer,
)
from tests.conftest import SECRET_TOKEN, Recorder, enterprise, json_response
from tests.spec_examples import request_body_example, schema_example

SEND = "/purchases/actions/send-purchase"


def _bill() -> dict[str, Any]:
    return request_body_example("POST", SEND)["bill"]


def _send_lost_then(purchases: list[dict[str, Any]]) -> Recorder:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == SEND:
            raise httpx.ReadTimeout("answer lost", request=request)
        return json_response(200, {"purchases": purchases, "total_items": len(purchases)})

    return Recorder(handle)


async def test_a_lost_purchase_answer_is_reconciled_by_bill_id_not_resent() -> None:
    """The purchase was recorded: it is found by bill_id and returned; one send only."""
    recorded = dict(
        schema_example("Purchase"),
        external_purchase_id=_bill()["bill_id"],
        store_id="s1",
        cashdesk_number="1",
    )
    recorder = _send_lost_then([recorded])
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        found = await Checkout(client, store_id="s1", cashdesk_number=1).send_purchase(_bill())
    assert found.bill_id == _bill()["bill_id"]
    assert found.purchase_id == recorded["purchase_id"]
    assert found.found_by_lookup
    assert len(recorder.paths(SEND)) == 1
    lookup = recorder.paths("/purchases")[0]
    assert lookup.url.params["external_purchase_id"] == _bill()["bill_id"]


async def test_a_lost_purchase_that_is_not_found_raises_outcome_unknown() -> None:
    """Not recorded yet: the caller is told to look again, not resend blindly."""
    recorder = _send_lost_then([])
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(OutcomeUnknownError, match="no purchase with this bill_id"):
            await Checkout(client, store_id="s1", cashdesk_number=1).send_purchase(_bill())
    assert len(recorder.paths(SEND)) == 1


async def test_cancelling_sends_the_bill_again_marked_canceled_under_a_new_id() -> None:
    """canceled=true, a new unique bill_id, bill_number = the original bill_id."""
    recorder = Recorder(lambda request: json_response(201, {"purchase_id": "p-2"}))
    original = _bill()
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await Checkout(client, store_id="s1", cashdesk_number=1).cancel_purchase(original)
        with pytest.raises(ConfigurationError, match=r"must differ from original_bill\.bill_id"):
            await Checkout(client, store_id="s1", cashdesk_number=1).cancel_purchase(
                original, new_bill_id=original["bill_id"]
            )
    sent = json.loads(recorder.paths(SEND)[0].content)["bill"]
    assert sent["canceled"] is True
    assert sent["bill_number"] == original["bill_id"]
    assert sent["bill_id"] != original["bill_id"]
    assert sent["bill_items"] == original["bill_items"]


async def test_paying_with_more_points_than_the_wallet_holds_sends_nothing() -> None:
    """The wallet is checked first; accept-payment is not called."""

    def handle(request: httpx.Request) -> httpx.Response:
        if "points-overview" in request.url.path:
            return json_response(200, {"available_points": 10})
        return json_response(200, {"available_credits": 0})

    recorder = Recorder(handle)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        checkout = Checkout(client, store_id="s1", cashdesk_number=1)
        with pytest.raises(InsufficientBalanceError, match="requested 50, available 10"):
            await checkout.pay_with_loyalty(_bill(), customer_id="c1", points=50)
    assert recorder.paths("accept-payment") == []


async def test_one_bill_serves_the_quote_and_the_purchase_each_in_its_own_schema() -> None:
    """A quote's schema declares less of the bill than send-purchase: the extra fields of
    the same bill are left out of the quote, and a typo is still refused at send-purchase."""
    recorder = Recorder(lambda request: json_response(200, {}))
    bill = _bill()
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        checkout = Checkout(client, store_id="s1", cashdesk_number=1)
        await checkout.recommended_rewards(bill)
        sent = json.loads(recorder.requests[0].content)["bill"]
        with pytest.raises(ConfigurationError, match=r"body\.bill\.bill_idd is not a field"):
            await checkout.send_purchase({**bill, "bill_idd": "typo"})
    assert set(sent) < set(bill), "the quote got only the fields its schema declares"
    assert sent["bill_id"] == bill["bill_id"]
    assert len(recorder.requests) == 1, "nothing was sent for the refused purchase"


async def test_update_customer_merges_into_the_current_record_so_nothing_is_wiped() -> None:
    """Fetch, merge the changed field, PUT the full record without read-only fields."""
    current = schema_example("Customer")
    recorder = Recorder(
        lambda request: (
            json_response(200, current) if request.method == "GET" else httpx.Response(204)
        )
    )
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await update_customer(client, "c-1", {"personal_information": {"first_name": "Jana"}})
    put = json.loads(recorder.requests[-1].content)["customer"]
    assert put["personal_information"]["first_name"] == "Jana"
    for key, value in current["personal_information"].items():
        if key != "first_name":
            assert put["personal_information"][key] == value
    assert "customer_id" not in put
    assert "last_change" not in put


async def test_update_customer_refuses_none_before_sending_anything() -> None:
    """An unset variable must not erase a field on the server."""
    recorder = Recorder(lambda request: json_response(200, schema_example("Customer")))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(
            ConfigurationError, match=r"customer.personal_information.email is None"
        ):
            await update_customer(client, "c-1", {"personal_information": {"email": None}})
    assert [r.method for r in recorder.requests] == ["GET"]


async def test_assign_free_card_checks_existence_and_owner_before_updating() -> None:
    """Unknown card or a card owned by someone else: refused; a free card gets its owner."""
    free = dict(schema_example("Card"), customer_id=None, card_number="1000000000016")
    owned = dict(free, customer_id="other")
    answers = {"none": [], "owned": [owned], "free": [free]}
    mode = {"value": "none"}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            return httpx.Response(204)
        cards = answers[mode["value"]]
        return json_response(200, {"cards": cards, "total_items": len(cards)})

    recorder = Recorder(handle)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(CardUnavailableError, match="no such card") as caught:
            await assign_free_card(client, "1000000000016", "c-1")
        assert "1000000000016" not in str(caught.value)
        mode["value"] = "owned"
        with pytest.raises(CardUnavailableError, match="already assigned"):
            await assign_free_card(client, "1000000000016", "c-1")
        mode["value"] = "free"
        await assign_free_card(client, "1000000000016", "c-1")
    puts = [r for r in recorder.requests if r.method == "PUT"]
    assert len(puts) == 1
    card = json.loads(puts[0].content)["card"]
    assert card["customer_id"] == "c-1"
    assert "card_id" not in card


async def test_product_sync_sends_brands_groups_products_in_chunks_of_at_most_1000() -> None:
    """Order matters (products refer to brands and groups); each chunk is reported."""
    recorder = Recorder(lambda request: json_response(200, {"results": []}))
    product = schema_example("ProductBatch")
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        results = await sync_products(
            client,
            brands=[schema_example("ProductBrand")] * 3,
            groups=[schema_example("ProductGroup")] * 1001,
            products=[product] * 2500,
        )
    assert [(r.kind, r.first_index, r.size) for r in results] == [
        ("product_brands", 0, 3),
        ("product_groups", 0, 1000),
        ("product_groups", 1000, 1),
        ("products", 0, 1000),
        ("products", 1000, 1000),
        ("products", 2000, 500),
    ]
    assert [r.url.path for r in recorder.requests] == [
        "/product-brands/batch",
        "/product-groups/batch",
        "/product-groups/batch",
        "/products/batch",
        "/products/batch",
        "/products/batch",
    ]


async def test_product_sync_stops_at_the_first_failed_chunk() -> None:
    """Groups failing means products are not sent against missing groups."""

    def handle(request: httpx.Request) -> httpx.Response:
        if "product-groups" in request.url.path:
            return httpx.Response(400, json={"error": {"type": "invalid"}})
        return json_response(200, {})

    recorder = Recorder(handle)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        results = await sync_products(
            client,
            groups=[schema_example("ProductGroup")],
            products=[schema_example("ProductBatch")],
        )
    assert [(r.kind, r.ok) for r in results] == [("product_groups", False)]
    assert recorder.paths("/products/batch") == []


async def test_a_missing_required_field_is_named_before_sending() -> None:
    """Helpers send plain fields through the client's checks: the error names the JSON path."""
    recorder = Recorder(lambda request: json_response(200, {}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(
            ConfigurationError, match=r"postEvent: body\.event\.event_type_id is required"
        ):
            await create_event(client, event={"external_id": "x"})
    assert recorder.requests == []


async def test_send_purchase_returns_the_same_type_when_recorded_directly() -> None:
    """A direct 201 gives a RecordedPurchase too, saying it was not found by a lookup."""
    recorder = Recorder(lambda request: json_response(201, {"purchase_id": "p-7"}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        sent = await Checkout(client, store_id="s1", cashdesk_number=1).send_purchase(_bill())
    assert sent == RecordedPurchase("p-7", _bill()["bill_id"], found_by_lookup=False)


@pytest.mark.parametrize(
    ("bill", "message"),
    [
        ({"total_price": 1}, r"Checkout\.send_purchase: bill\.bill_id is required but missing"),
        ({"bill_id": 7}, r"bill\.bill_id must be a non-empty string, got 7"),
        ([("bill_id", "B-1")], r"Checkout\.send_purchase: bill must be an object .*got a list"),
        ("B-1", r"bill must be an object .*got a string"),
    ],
    ids=["no-bill-id", "int-bill-id", "list", "string"],
)
async def test_a_bad_bill_is_a_configuration_error_naming_the_path(
    bill: object, message: str
) -> None:
    """Not a bare KeyError or TypeError: the helper names bill.bill_id, and sends nothing."""
    recorder = Recorder(lambda request: json_response(201, {"purchase_id": "p-1"}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ConfigurationError, match=message):
            await Checkout(client, store_id="s1", cashdesk_number=1).send_purchase(bill)  # type: ignore[arg-type]
    assert recorder.requests == []


async def test_a_bad_record_late_in_a_product_sync_stops_it_before_anything_is_sent() -> None:
    """Every record is checked first, so a catalogue is never left half sent by a typo."""
    recorder = Recorder(lambda request: json_response(200, {}))
    brands = [schema_example("ProductBrand")] * 3
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ConfigurationError, match=r"sync_products: products\[1\] must be"):
            await sync_products(
                client,
                brands=brands,
                products=[schema_example("ProductBatch"), ["oops"]],  # type: ignore[list-item]
            )
    assert recorder.requests == []
