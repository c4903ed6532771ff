"""What the typed methods' wider signatures promise, at run time: the calls work as typed."""

from __future__ import annotations

import ast
import inspect
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from carecloud_openapi.models import (
    GetCardsState,
    GetPurchasesGetPurchases200ResponseData,
    Store,
)
from carecloud_openapi.typed import lists
from carecloud_openapi.typed.enterprise.purchases import Purchases
from carecloud_openapi.typed.enterprise.stores import Stores

from carecloud_async import WalkStats
from tests.conftest import SECRET_TOKEN, Recorder, enterprise, json_response
from tests.spec_examples import schema_example

STORE = schema_example("Store")


def _stores(request: httpx.Request) -> httpx.Response:
    """Three stores, the second of them broken (an int for its name)."""
    stores = [{**STORE, "store_id": f"s{i}"} for i in range(3)]
    stores[1]["name"] = 42
    offset, count = int(request.url.params["offset"]), int(request.url.params["count"])
    return json_response(200, {"stores": stores[offset : offset + count], "total_items": 3})


def _listing(request: httpx.Request) -> httpx.Response:
    return json_response(200, {"purchases": [], "cards": [], "customers": [], "total_items": 0})


async def test_a_date_time_filter_takes_a_datetime_and_a_list_filter_a_tuple() -> None:
    """payment_time_from=datetime(...) and card_number_list=(...) are sent as the API wants."""
    recorder = Recorder(_listing)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await client.purchases.get_purchases(payment_time_from=datetime(2026, 1, 2, 8, 30))
        await client.cards.get_cards(card_number_list=("1000", "2000"), state=1)
        await client.cards.get_cards(state=GetCardsState.VALUE_0)
        await client.customers.get_customers(birthdate=date(1990, 1, 2))
    purchases, cards, by_member, customers = recorder.requests
    assert purchases.url.params["payment_time_from"] == "2026-01-02 08:30:00"
    assert cards.url.params.get_list("card_number_list[]") == ["1000", "2000"]
    assert cards.url.params["state"] == "1"
    assert by_member.url.params["state"] == "0"
    assert customers.url.params["birthdate"] == "1990-01-02"


async def test_typed_paginate_fills_stats_and_skips_an_invalid_item() -> None:
    """stats and on_invalid_item reach the walk: the broken store is skipped and counted."""
    stats = WalkStats()
    async with enterprise(Recorder(_stores), bearer_token=SECRET_TOKEN) as client:
        walk = client.stores.paginate_get_stores(page_size=2, stats=stats, on_invalid_item="skip")
        ids = [store.store_id async for store in walk]
    assert ids == ["s0", "s2"]
    assert (stats.pages, stats.items, stats.invalid_items, stats.skipped_items) == (2, 2, 1, 1)


async def test_typed_walks_give_plain_dicts_with_raw_and_for_invalid_items_kept_raw() -> None:
    """raw=True: every item a dict; on_invalid_item="raw": only the broken one."""
    async with enterprise(Recorder(_stores), bearer_token=SECRET_TOKEN) as client:
        raw = [item async for item in client.stores.paginate_get_stores(raw=True)]
        mixed = [item async for item in client.stores.paginate_get_stores(on_invalid_item="raw")]
        pages = [page async for page in client.stores.pages_get_stores(raw=True, page_size=2)]
    assert [type(item) for item in raw] == [dict, dict, dict]
    assert [type(item) for item in mixed] == [Store, dict, Store]
    assert [type(item) for page in pages for item in page.items] == [dict, dict, dict]


async def test_pages_refuse_an_invalid_item_when_told_to_raise() -> None:
    """on_invalid_item="raise" on pages_*: the error names the item's JSON path."""
    from carecloud_async import ResponseParseError

    async with enterprise(Recorder(_stores), bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ResponseParseError) as caught:
            async for _page in client.stores.pages_get_stores(on_invalid_item="raise"):
                pass
    assert caught.value.json_path == "$.data.stores[1].name"


def test_a_list_answers_typed_name_is_the_model_class_at_run_time() -> None:
    """typed.lists names resolve to the models (isinstance and construction work)."""
    assert lists.GetPurchasesData is GetPurchasesGetPurchases200ResponseData
    for name in lists.__all__:
        assert getattr(lists, name).__module__.startswith("carecloud_openapi.models.")
    with pytest.raises(AttributeError, match="NoSuchData"):
        lists.NoSuchData  # noqa: B018


def _overloads(cls: type[Any], name: str) -> list[str]:
    """The ``raw`` annotation of each overload of a method, from its source."""
    tree = ast.parse(inspect.getsource(cls))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            (raw,) = (a for a in node.args.kwonlyargs if a.arg == "raw")
            assert raw.annotation is not None
            found.append(ast.unparse(raw.annotation))
    return found


def test_typed_walks_are_overloaded_by_raw() -> None:
    """Four overloads and the implementation, for paginate_* and pages_* alike; only
    paginate_* takes stats (each Page carries its own counts)."""
    for cls, name in ((Purchases, "get_purchases"), (Stores, "get_stores")):
        for walk in (f"paginate_{name}", f"pages_{name}"):
            assert _overloads(cls, walk) == [
                "Literal[False]",
                "Literal[True]",
                "Literal['bytes']",
                "bool",
                "bool | Literal['bytes']",
            ]
        assert "stats" in inspect.signature(getattr(cls, f"paginate_{name}")).parameters
        assert "stats" not in inspect.signature(getattr(cls, f"pages_{name}")).parameters
