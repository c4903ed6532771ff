"""Pagination over any generated list endpoint: order, limits, changes mid-run, cancellation."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
from carecloud_openapi.api.customers import get_customers
from carecloud_openapi.api.purchases import get_purchase, get_purchases
from carecloud_openapi.api.stores import get_stores

from carecloud_async._errors import ConfigurationError, NotFoundError
from tests.conftest import SECRET_TOKEN, Recorder, enterprise, json_response
from tests.spec_examples import schema_example

PURCHASE = schema_example("Purchase")
STORE = schema_example("Store")


class Collection:
    """A server-side list that answers count/offset pages, with hooks to change it mid-run."""

    def __init__(self, field: str, template: dict[str, Any], id_key: str, size: int) -> None:
        self.field = field
        self.records = [dict(template, **{id_key: f"id-{i:04d}"}) for i in range(size)]
        self.delay_for: dict[int, int] = {}  # offset -> how many extra loop turns to answer
        self.after_page: Any = None
        self.served: list[int] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        count = int(request.url.params.get("count", 100))
        for _ in range(self.delay_for.get(offset, 0)):
            await asyncio.sleep(0)
        self.served.append(offset)
        page = self.records[offset : offset + count]
        total = len(self.records)
        if self.after_page:
            self.after_page(offset)
        return json_response(200, {self.field: page, "total_items": total})


def _client(collection: Collection) -> Any:
    return enterprise(Recorder(collection), bearer_token=SECRET_TOKEN)


async def test_iterates_every_item_of_several_endpoints_with_different_list_fields() -> None:
    """The list field comes from the spec: purchases, stores, customers alike."""
    for endpoint, field, template, key in (
        (get_purchases, "purchases", PURCHASE, "purchase_id"),
        (get_stores, "stores", STORE, "store_id"),
        (get_customers, "customers", schema_example("Customer"), "customer_id"),
    ):
        collection = Collection(field, template, key, 23)
        async with _client(collection) as client:
            ids = [getattr(item, key) async for item in client.paginate(endpoint, page_size=5)]
        assert ids == [f"id-{i:04d}" for i in range(23)]
        assert collection.served == [0, 5, 10, 15, 20]


async def test_max_items_and_start_offset_bound_the_walk() -> None:
    """Stop after max_items, asking only for what is needed."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 50)
    async with _client(collection) as client:
        ids = [
            p.purchase_id
            async for p in client.paginate(
                get_purchases, page_size=10, start_offset=5, max_items=12
            )
        ]
    assert ids == [f"id-{i:04d}" for i in range(5, 17)]
    assert collection.served == [5, 15]


async def test_an_empty_collection_yields_nothing_after_one_request() -> None:
    """One request, no items, no error."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 0)
    async with _client(collection) as client:
        assert [p async for p in client.paginate(get_purchases, concurrency=4)] == []
    assert collection.served == [0]


async def test_concurrent_fetches_keep_server_order_even_when_answers_arrive_out_of_order() -> None:
    """Later pages answering first must not reorder items."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 64)
    collection.delay_for = {8: 20, 16: 10, 40: 30}
    async with _client(collection) as client:
        ids = [
            p.purchase_id async for p in client.paginate(get_purchases, page_size=8, concurrency=8)
        ]
    assert ids == [f"id-{i:04d}" for i in range(64)]
    assert sorted(collection.served) == list(range(0, 64, 8))
    assert collection.served != sorted(collection.served)  # they really did finish out of order


async def test_pages_report_offset_and_total_items() -> None:
    """pages() yields whole pages with their position."""
    collection = Collection("stores", STORE, "store_id", 7)
    async with _client(collection) as client:
        pages = [
            (p.offset, len(p.items), p.total_items)
            async for p in client.pages(get_stores, page_size=3)
        ]
    assert pages == [(0, 3, 7), (3, 3, 7), (6, 1, 7)]


async def test_total_items_shrinking_mid_run_ends_at_the_short_page() -> None:
    """Records deleted while iterating: stop at the first short page, never loop."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 30)

    def delete_some(offset: int) -> None:
        if offset == 0:
            del collection.records[12:]

    collection.after_page = delete_some
    async with _client(collection) as client:
        ids = [p.purchase_id async for p in client.paginate(get_purchases, page_size=10)]
    assert ids == [f"id-{i:04d}" for i in range(12)]


async def test_total_items_growing_mid_run_is_followed() -> None:
    """Records added while iterating are reached: the latest total_items counts."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 20)

    def add_some(offset: int) -> None:
        if offset == 0:  # page 0 already said 20; the next page will say 35
            collection.records += [dict(PURCHASE, purchase_id=f"id-{i:04d}") for i in range(20, 35)]

    collection.after_page = add_some
    async with _client(collection) as client:
        ids = [
            p.purchase_id async for p in client.paginate(get_purchases, page_size=10, concurrency=3)
        ]
    assert ids == [f"id-{i:04d}" for i in range(35)]


async def test_breaking_out_with_concurrency_8_cancels_in_flight_requests() -> None:
    """Closing early leaves no pending task behind."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 1000)
    collection.delay_for = {offset: 50 for offset in range(10, 1000, 10)}
    before = asyncio.all_tasks()
    async with _client(collection) as client:
        iterator = client.paginate(get_purchases, page_size=10, concurrency=8)
        async with contextlib.aclosing(iterator):
            async for index, _ in _enumerate(iterator):
                if index == 14:
                    break
    await asyncio.sleep(0)
    assert asyncio.all_tasks() - before == set()
    assert len(collection.served) < 30


async def test_cancelling_the_consuming_task_cancels_its_requests() -> None:
    """Task cancellation propagates into in-flight page fetches."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 1000)
    collection.delay_for = {offset: 10**6 for offset in range(10, 1000, 10)}
    before = asyncio.all_tasks()
    async with _client(collection) as client:

        async def consume() -> None:
            async for _ in client.paginate(get_purchases, page_size=10, concurrency=8):
                pass

        task = asyncio.create_task(consume())
        for _ in range(20):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert asyncio.all_tasks() - before == set()


async def test_an_error_mid_run_propagates_after_the_items_already_yielded() -> None:
    """Items before the failure stay delivered; the typed error follows."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 30)

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] == "20":
            return httpx.Response(404, json={"error": {"type": "gone"}})
        return await collection(request)

    got: list[str] = []

    async def consume(client: Any) -> None:
        async for purchase in client.paginate(get_purchases, page_size=10, concurrency=3):
            got.append(purchase.purchase_id)

    async with enterprise(Recorder(handle), bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(NotFoundError):
            await consume(client)
    assert got == [f"id-{i:04d}" for i in range(20)]


async def test_bad_options_and_non_list_endpoints_are_refused() -> None:
    """Clear errors before any request."""
    collection = Collection("purchases", PURCHASE, "purchase_id", 3)
    async with _client(collection) as client:
        with pytest.raises(ConfigurationError, match="not a paginated list endpoint"):
            [p async for p in client.paginate(get_purchase)]
        with pytest.raises(ConfigurationError, match="page_size"):
            [p async for p in client.paginate(get_purchases, page_size=0)]
        with pytest.raises(ConfigurationError, match="concurrency"):
            [p async for p in client.paginate(get_purchases, concurrency=0)]
    assert collection.served == []


async def _enumerate(iterator: Any) -> Any:
    index = 0
    async for item in iterator:
        yield index, item
        index += 1


async def test_the_next_request_leaves_before_an_answer_is_read_into_models() -> None:
    """With concurrency, reading a page (CPU) overlaps the requests of the pages after it:
    when page k is handed over, the request for page k + concurrency has been sent."""
    collection = Collection("stores", STORE, "store_id", 60)
    seen_when_yielded: dict[int, list[int]] = {}
    async with _client(collection) as client:
        async for page in client.pages(get_stores, page_size=10, concurrency=2):
            seen_when_yielded[page.offset] = list(collection.served)
    assert sorted(collection.served) == [0, 10, 20, 30, 40, 50]
    # the first page alone (its total sets the window), then two in flight
    assert seen_when_yielded[0] == [0]
    assert 30 in seen_when_yielded[10]
    assert 40 in seen_when_yielded[20]
