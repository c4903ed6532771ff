"""One record that does not match the schema never loses its page or ends the walk."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import pytest
from carecloud_openapi.api.purchases import get_purchases
from carecloud_openapi.models import CustomerState, Purchase

from carecloud_async import ResponseParseError, WalkStats
from carecloud_async._errors import ConfigurationError
from tests.test_pagination import PURCHASE, Collection, _client

BAD = 150  # page 2 of 3 with page_size=100


def _collection(**bad_fields: Any) -> Collection:
    collection = Collection("purchases", PURCHASE, "purchase_id", 300)
    collection.records[BAD].update(bad_fields)
    return collection


async def _walk(collection: Collection, **options: Any) -> tuple[list[Any], WalkStats]:
    stats = WalkStats()
    async with _client(collection) as client:
        items = [
            item
            async for item in client.paginate(get_purchases, page_size=100, stats=stats, **options)
        ]
    return items, stats


async def test_by_default_the_bad_record_is_kept_and_counted() -> None:
    items, stats = await _walk(_collection(items_count=None, total_price="660"))
    assert len(items) == 300
    assert all(isinstance(item, Purchase) for item in items)
    assert items[BAD].items_count is None
    assert items[BAD].total_price == "660"
    assert (stats.pages, stats.items, stats.invalid_items, stats.skipped_items) == (3, 300, 1, 0)
    assert [d.path for d in stats.deviations] == [
        "$.data.purchases[50].items_count",
        "$.data.purchases[50].total_price",
    ]


async def test_skip_drops_only_the_bad_record(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="carecloud_async.pagination"):
        items, stats = await _walk(_collection(customer_id=None), on_invalid_item="skip")
    assert [r.getMessage() for r in caplog.records if r.name == "carecloud_async.pagination"] == [
        "getPurchases: 1 item(s) of the page at offset 100 do not match the schema "
        "(on_invalid_item='skip')"
    ]
    ids = [item.purchase_id for item in items]
    assert len(ids) == 299
    assert f"id-{BAD:04d}" not in ids
    assert ids[-1] == "id-0299"
    assert (stats.invalid_items, stats.skipped_items) == (1, 1)


async def test_raw_yields_the_plain_dict_of_the_bad_record() -> None:
    items, _ = await _walk(_collection(payment_time=None), on_invalid_item="raw")
    assert len(items) == 300
    assert items[BAD] == dict(PURCHASE, purchase_id=f"id-{BAD:04d}", payment_time=None)
    assert isinstance(items[BAD + 1], Purchase)


async def _drain(walk: Any, seen: list[Any]) -> None:
    async with contextlib.aclosing(walk) as items:
        async for item in items:
            seen.append(item)


async def test_raise_yields_the_records_before_it_then_names_its_path() -> None:
    collection = _collection(store_id=12)
    seen: list[Any] = []
    async with _client(collection) as client:
        walk = client.paginate(get_purchases, page_size=100, on_invalid_item="raise")
        with pytest.raises(ResponseParseError) as caught:
            await _drain(walk, seen)
    assert [item.purchase_id for item in seen] == [f"id-{i:04d}" for i in range(BAD)]
    assert caught.value.json_path == "$.data.purchases[50].store_id"
    assert caught.value.operation_id == "getPurchases"
    assert caught.value.body_excerpt is not None
    assert f'"purchase_id": "id-{BAD:04d}"' in caught.value.body_excerpt


async def test_a_strict_client_raises_by_default_but_can_skip() -> None:
    collection = _collection(store_id=None)
    async with _client(collection) as client:
        client.strict = True
        with pytest.raises(ResponseParseError, match=r"purchases\[50\]\.store_id"):
            await _drain(client.paginate(get_purchases, page_size=100), [])
        items: list[Any] = []
        await _drain(client.paginate(get_purchases, page_size=100, on_invalid_item="skip"), items)
    assert len(items) == 299


async def test_unknown_enum_values_are_not_invalid() -> None:
    collection = Collection(
        "customers", {"personal_information": {"language_id": "cs"}}, "customer_id", 3
    )
    collection.records[1]["state"] = 3
    from carecloud_openapi.api.customers import get_customers

    async with _client(collection) as client:
        pages = [page async for page in client.pages(get_customers, page_size=10)]
    assert pages[0].invalid_items == 0
    assert pages[0].items[1].state == CustomerState(3)


async def test_an_unknown_policy_is_refused() -> None:
    async with _client(_collection()) as client:
        with pytest.raises(ConfigurationError, match="on_invalid_item must be one of"):
            async for _ in client.paginate(get_purchases, on_invalid_item="ignore"):
                pass


async def test_raw_pagination_yields_plain_dicts_even_for_odd_records() -> None:
    items, stats = await _walk(_collection(customer_id=None), raw=True)
    assert len(items) == 300
    assert all(isinstance(item, dict) for item in items)
    assert items[BAD]["customer_id"] is None
    assert (stats.invalid_items, stats.deviations) == (0, [])
