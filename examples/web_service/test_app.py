"""Tests of the service, against the SDK's in-process mock (the pytest plugin's fixtures)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from app import create_app
from errors import ANSWERS

from carecloud_async.testing import MockRouter

BILL: dict[str, Any] = {
    "bill_id": "web-bill-1",
    "payment_time": "2026-11-22 10:15:00",
    "currency_id": "8fd7a1f1e2b3c4d5e6f70812",
    "total_price": 12.5,
    "purchase_type_id": "8bed991c68a470e7aaeffbf048",
    "canceled": False,
    "payment_type": "A",
    "bill_items": [
        {
            "bill_item_id": "1",
            "plu_ids": [{"list_code": "EAN", "code": "8590000000001"}],
            "plu_name": "Espresso",
            "vat_rate": 21,
            "quantity": 1,
            "price": 12.5,
            "paid_amount": 12.5,
            "loyalty_off": False,
            "purchase_item_type_id": "8bed991c68a470e7aaeffbf048",
        }
    ],
}
STORE = "store-1"


@pytest.fixture
async def service(carecloud_router: MockRouter) -> AsyncIterator[httpx.AsyncClient]:
    """The app, started and stopped as a server would, its one client answered by the mock."""
    app = create_app(carecloud_router.enterprise_client, store_id=STORE)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://service"
        ) as http,
    ):
        yield http


def _purchase_listing(purchase_id: str) -> dict[str, Any]:
    purchase = {
        "purchase_id": purchase_id,
        "customer_id": "c-1",
        "store_id": STORE,
        "external_purchase_id": BILL["bill_id"],
        "payment_time": BILL["payment_time"],
        "items_count": 1,
        "type_id": BILL["purchase_type_id"],
        "total_price": BILL["total_price"],
        "currency_id": BILL["currency_id"],
        "cashdesk_number": "1",
    }
    return {"data": {"purchases": [purchase], "total_items": 1}}


async def test_fifty_concurrent_requests_cost_one_login(
    service: httpx.AsyncClient, carecloud_router: MockRouter
) -> None:
    """One client per application: 50 requests at once share one login and its token."""
    answers = await asyncio.gather(*(service.get(f"/customers/c-{n}") for n in range(50)))
    assert {answer.status_code for answer in answers} == {200}
    assert len(carecloud_router.calls_to("getCustomer")) == 50
    assert len(carecloud_router.calls_to("postUserLogin")) == 1


async def test_a_customer_is_shown_from_carecloud(
    service: httpx.AsyncClient, carecloud_router: MockRouter
) -> None:
    """The handler asks for the customer it was given and shows the typed fields."""
    answer = await service.get("/customers/c-1")
    person = carecloud_router.example("getCustomer")["data"]["personal_information"]
    assert answer.status_code == 200
    assert answer.json()["first_name"] == person["first_name"]
    assert carecloud_router.calls_to("getCustomer")[0].path_params == {"customer_id": "c-1"}


async def test_an_sdk_model_is_returned_and_documented_as_it_is(
    service: httpx.AsyncClient, carecloud_router: MockRouter
) -> None:
    """GET /purchases/{id} answers CareCloud's purchase; the service's /openapi.json
    describes it with the SDK model's fields, not as an untyped object."""
    answer = await service.get("/purchases/p-1")
    assert answer.status_code == 200, answer.text
    assert answer.json() == carecloud_router.example("getPurchase")["data"]
    documented = (await service.get("/openapi.json")).json()
    ok = documented["paths"]["/purchases/{purchase_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Purchase"}
    fields = documented["components"]["schemas"]["Purchase"]["properties"]
    assert {"purchase_id", "payment_time", "total_price", "purchase_items"} <= set(fields)


async def test_checkout_records_the_purchase_once(
    service: httpx.AsyncClient, carecloud_router: MockRouter
) -> None:
    """The bill goes to send-purchase once, for this store; the receipt names the purchase."""
    answer = await service.post("/checkout", json={"bill": BILL, "customer_id": "c-1"})
    assert answer.status_code == 200, answer.text
    expected = carecloud_router.example("postPurchaseSend")["data"]["purchase_id"]
    assert answer.json() == {
        "purchase_id": expected,
        "bill_id": BILL["bill_id"],
        "found_by_lookup": False,
    }
    (sent,) = carecloud_router.calls_to("postPurchaseSend")
    assert sent.json()["store_id"] == STORE


async def test_a_lost_purchase_answer_says_reconcile_and_never_retry(
    service: httpx.AsyncClient, carecloud_router: MockRouter
) -> None:
    """502 on send and nothing found yet: 202 with where to ask; asking later settles it."""
    carecloud_router.respond("postPurchaseSend", status=502)
    carecloud_router.respond("getPurchases", json={"data": {"purchases": [], "total_items": 0}})
    answer = await service.post("/checkout", json={"bill": BILL})
    assert answer.status_code == 202
    assert answer.json()["error"] == "purchase_pending"
    assert answer.json()["retry"] is False
    assert answer.headers["location"] == f"/checkout/{BILL['bill_id']}"
    assert len(carecloud_router.calls_to("postPurchaseSend")) == 1, "never resent"

    carecloud_router.respond("getPurchases", json=_purchase_listing("p-9"))
    settled = await service.get(answer.headers["location"])
    assert settled.status_code == 200
    assert settled.json() == {
        "purchase_id": "p-9",
        "bill_id": BILL["bill_id"],
        "found_by_lookup": True,
    }
    assert len(carecloud_router.calls_to("postPurchaseSend")) == 1


@pytest.mark.parametrize(
    ("carecloud_status", "service_status", "code"),
    [
        (400, 422, "rejected_by_carecloud"),
        (401, 502, "upstream_login"),
        (403, 502, "upstream_permission"),
        (404, 404, "not_found"),
        (429, 503, "busy"),
        (500, 502, "upstream_error"),
        (503, 503, "busy"),
    ],
)
async def test_each_carecloud_status_becomes_the_services_answer(
    service: httpx.AsyncClient,
    carecloud_router: MockRouter,
    carecloud_status: int,
    service_status: int,
    code: str,
) -> None:
    """The SDK's error class decides the status; busy answers carry Retry-After."""
    headers = {"retry-after": "7"} if carecloud_status in (429, 503) else None
    carecloud_router.respond("getCustomer", status=carecloud_status, headers=headers)
    answer = await service.get("/customers/c-1")
    assert answer.status_code == service_status
    assert answer.json()["error"] == code
    if headers:
        assert answer.headers["retry-after"] == "7"


async def test_a_malformed_bill_is_422_naming_the_field_and_nothing_is_sent(
    service: httpx.AsyncClient, carecloud_router: MockRouter
) -> None:
    """The SDK refuses it before sending; the caller learns which field to fix."""
    answer = await service.post("/checkout", json={"bill": {"total_price": 1}})
    assert answer.status_code == 422
    assert "bill.bill_id is required" in answer.json()["detail"]
    assert carecloud_router.calls_to("postPurchaseSend") == []


def test_every_answer_is_reachable() -> None:
    """No class in the table is shadowed by a broader one listed before it."""
    classes = [cls for cls, _ in ANSWERS]
    for index, cls in enumerate(classes):
        assert not any(issubclass(cls, earlier) for earlier in classes[:index]), cls
