"""``pages``/``paginate`` with ``raw="bytes"``: each item as the JSON text the server sent."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import httpx
import pytest
from carecloud_openapi.api.purchases import get_purchase, get_purchases
from carecloud_openapi.api.stores import get_stores

from carecloud_async import ConfigurationError, ResponseParseError
from carecloud_async._item_texts import item_texts_reader
from tests.conftest import SECRET_TOKEN, Recorder, enterprise

pytest.importorskip("msgspec")

# Spacing, a price written with its trailing zero, an integer past 64 bits, an escape
# and raw UTF-8: what decoding and encoding again would each change.
TEXTS = [
    b'{"purchase_id": "p1", "total_price": 12.50}',
    b'{"purchase_id":"p2","points":1180591620717411303424,"note":"Caf\\u00e9 \xc5\xa0"}',
    b"{}",
]


def _page(texts: list[bytes], total: int | None, *, field: str = "purchases") -> bytes:
    total_text = b"" if total is None else b', "total_items": %d' % total
    return b'{"data": {"%s": [ %s ]%s}}' % (field.encode(), b" ,\n ".join(texts), total_text)


def _answer(content: bytes) -> Recorder:
    return Recorder(lambda request: httpx.Response(200, content=content))


async def test_each_item_is_the_servers_text_byte_for_byte() -> None:
    recorder = _answer(_page(TEXTS, 3))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        pages = [page async for page in client.pages(get_purchases, raw="bytes")]
    assert len(pages) == 1
    assert pages[0].items == TEXTS
    assert pages[0].total_items == 3
    assert all(type(item) is bytes for item in pages[0].items)
    assert [json.loads(text) for text in TEXTS][1]["points"] == 2**70


async def test_an_item_spread_over_lines_comes_back_on_one_with_its_values_as_sent() -> None:
    """A line break between tokens becomes a space: one line each, ready for a line-framed
    sink, and nothing else changes (``12.50`` stays, inner spacing stays)."""
    spread = b'{\r\n  "purchase_id": "p1",\n  "total_price": 12.50,\n  "tags": [\n    "a b"\n  ]\n}'
    recorder = _answer(_page([spread, TEXTS[0]], 2))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        items = [item async for item in client.paginate(get_purchases, raw="bytes")]
    assert items == [
        b'{    "purchase_id": "p1",   "total_price": 12.50,   "tags": [     "a b"   ] }',
        TEXTS[0],
    ]
    assert json.loads(items[0]) == json.loads(spread)


async def test_a_walk_in_texts_goes_through_every_page_in_server_order() -> None:
    stores = [b'{"store_id": "s%d"}' % i for i in range(23)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset, count = int(request.url.params["offset"]), int(request.url.params["count"])
        return httpx.Response(
            200, content=_page(stores[offset : offset + count], len(stores), field="stores")
        )

    recorder = Recorder(answer)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        items = [
            item
            async for item in client.paginate(get_stores, raw="bytes", page_size=5, concurrency=3)
        ]
    assert items == stores
    assert len(recorder.requests) == 5


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b'{"data": {"purchases": [{"a": 1},]}}', "JSON is malformed"),
        (b'{"data": {"purchases": [{"name": "\xff"}]}}', "UnicodeDecodeError"),
        (b'{"data": []}', "$.data"),
        (b'{"data": {"purchases": "none"}}', "$.data.purchases"),
        (b'{"data": {"total_items": 0}}', "'data.purchases' list"),
        (b'{"error": null}', "'data' member"),
    ],
    ids=["not-json", "not-utf8", "data-not-object", "list-not-list", "no-list", "no-data"],
)
async def test_a_page_that_cannot_be_cut_into_items_is_an_error_naming_why(
    content: bytes, named: str
) -> None:
    """Never an empty page where the server sent something unreadable."""
    async with enterprise(_answer(content), bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ResponseParseError) as caught:
            async for _ in client.pages(get_purchases, raw="bytes"):
                pass
    assert named in str(caught.value)


async def test_texts_are_refused_before_sending_where_they_cannot_be_read() -> None:
    recorder = _answer(_page(TEXTS, 3))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ConfigurationError, match="use it with pages"):
            await client.call(get_purchases, raw="bytes")  # type: ignore[call-overload]
        with pytest.raises(ConfigurationError, match="is not a paginated list"):
            async for _ in client.pages(get_purchase, raw="bytes", purchase_id="p1"):
                pass
        with pytest.raises(ConfigurationError, match="raw must be True, False or 'bytes'"):
            async for _ in client.pages(get_purchases, raw="text"):  # type: ignore[call-overload]
                pass
    assert recorder.requests == []


@pytest.fixture
def without_msgspec(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(sys.modules, "msgspec", None)
    item_texts_reader.cache_clear()
    yield
    item_texts_reader.cache_clear()


@pytest.mark.usefixtures("without_msgspec")
async def test_without_msgspec_texts_are_refused_before_sending_naming_the_extra() -> None:
    recorder = _answer(_page(TEXTS, 3))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ConfigurationError, match=r"carecloud-async\[fast\]"):
            async for _ in client.pages(get_purchases, raw="bytes"):
                pass
    assert recorder.requests == []


async def test_a_page_repr_counts_its_items_and_shows_none() -> None:
    """Texts and plain dicts are not masked as models are: a repr in a log or a traceback
    must not carry them."""
    email = b'{"purchase_id": "p1", "email": "jane.doe@example.com"}'
    async with enterprise(_answer(_page([email], 1)), bearer_token=SECRET_TOKEN) as client:
        for raw in (True, "bytes"):
            async for page in client.pages(get_purchases, raw=raw):
                assert "jane.doe" not in repr(page)
                assert repr(page) == "Page(offset=0, items=<1>, total_items=1, invalid_items=0)"


async def test_the_typed_walks_hand_back_texts_too() -> None:
    store = b'{"store_id": "s1",  "name": "One"}'
    recorder = _answer(_page([store], 1, field="stores"))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        items = [item async for item in client.stores.paginate_get_stores(raw="bytes")]
        pages = [page async for page in client.stores.pages_get_stores(raw="bytes")]
    assert items == [store]
    assert pages[0].items == [store]


async def test_a_page_ending_in_a_line_break_hands_back_the_very_texts_it_holds() -> None:
    recorder = _answer(_page(TEXTS, 3).replace(b" ,\n ", b", ") + b"\n")
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        items = [item async for item in client.paginate(get_purchases, raw="bytes")]
    assert items == TEXTS
