"""A web service's module, as type checkers see it: wider inputs, walk options, pydantic.

Never run: ``tests/test_typing.py`` type-checks this file with mypy --strict and
pyright strict and expects no error. What it uses at run time is tested in
``tests/test_pydantic_support.py`` and ``tests/test_typed_inputs.py``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date, datetime
from typing import Any, assert_type

from carecloud_openapi.api.purchases import get_purchases
from carecloud_openapi.models import (
    Customer,
    GetCardsState,
    GetPurchasesSortDirection,
    Purchase,
    Store,
)
from carecloud_openapi.typed.lists import GetCardsData, GetPurchasesData
from fastapi import FastAPI
from pydantic import BaseModel, TypeAdapter

from carecloud_async import EnterpriseClient, Page, WalkStats


async def wider_inputs(client: EnterpriseClient) -> None:
    """``datetime`` / ``date`` for date-time inputs, any sequence for a list, enum values."""
    since = datetime(2026, 1, 1, 8, 30)
    data = await client.purchases.get_purchases(
        payment_time_from=since,
        payment_time_to="2026-01-31 23:59:59",
        sort_direction=GetPurchasesSortDirection.DESC,
    )
    assert_type(data, GetPurchasesData)
    assert_type(list(data.purchases), list[Purchase])
    cards = await client.cards.get_cards(card_number_list=("1000", "2000"), state=1)
    assert_type(cards, GetCardsData)
    await client.cards.get_cards(card_number_list=["1000"], state=GetCardsState.VALUE_0)
    await client.customers.get_customers(birthdate=date(1990, 1, 2))
    assert_type((await client.call(get_purchases)).purchases, list[Purchase])


async def walk_options(client: EnterpriseClient) -> None:
    """``stats``, ``on_invalid_item`` and ``raw`` on the typed walks, typed by overloads."""
    stats = WalkStats()
    items = client.purchases.paginate_get_purchases(
        stats=stats, on_invalid_item="skip", payment_time_from=datetime(2026, 1, 1)
    )
    assert_type(items, AsyncGenerator[Purchase, None])
    async for purchase in items:
        assert_type(purchase, Purchase)
    assert_type(stats.invalid_items, int)
    raw = client.purchases.paginate_get_purchases(raw=True, stats=stats)
    assert_type(raw, AsyncGenerator[dict[str, Any], None])
    kept_raw = client.stores.paginate_get_stores(on_invalid_item="raw")
    assert_type(kept_raw, AsyncGenerator[Store | dict[str, Any], None])
    async for page in client.stores.pages_get_stores(on_invalid_item="raise"):
        assert_type(page, Page[Store])
    async for raw_page in client.stores.pages_get_stores(raw=True):
        assert_type(raw_page, Page[dict[str, Any]])
    async for text_page in client.stores.pages_get_stores(raw="bytes"):
        assert_type(text_page, Page[bytes])
    texts = client.purchases.paginate_get_purchases(raw="bytes", stats=stats)
    assert_type(texts, AsyncGenerator[bytes, None])


def pydantic_and_fastapi() -> FastAPI:
    """SDK models in pydantic fields, ``TypeAdapter`` and a FastAPI ``response_model``."""
    adapter = TypeAdapter(Customer)
    customer = adapter.validate_python({"personal_information": {"language_id": "cs"}})
    assert_type(customer, Customer)
    assert_type(adapter.dump_python(customer, mode="json"), Any)

    class Visit(BaseModel):
        customer: Customer
        store: Store | None = None

    visit = Visit(customer=customer)
    assert_type(visit.customer, Customer)
    app = FastAPI()

    @app.get("/customers/{customer_id}", response_model=Customer)
    async def get_customer(customer_id: str) -> Customer:
        return Customer.from_dict({"customer_id": customer_id})

    return app
