"""Walk ``count``/``offset`` list endpoints page by page, optionally several pages at once.

The list to yield is found from the spec (``Operation.list_field``), so any
generated list endpoint works without a table. With ``concurrency > 1`` the
offsets after the first page are known from ``total_items``: up to
``concurrency`` pages are in flight while items still come out in server order.
An answer is read into models only when its turn comes, after the request that
replaces it has been sent, so the CPU spent reading overlaps the network time
of the others; no more than ``concurrency`` answers wait unread.

Offsets are positions in a list that can change while you read it: a record
created or deleted mid-run shifts later records by one, so one may be skipped
or seen twice. For long ETL runs sort ascending on a field new records only
add at the end of (``sort_field="payment_time"`` for purchases; never a field
that changes, such as ``last_change``) and de-duplicate by id.

One record that does not match the schema never loses its page: pages are read
tolerantly and ``on_invalid_item`` decides what happens to an item with a
deviation (see ``_reading``): ``"keep"`` yields the model as read (the default;
None or the raw value where the record deviates), ``"skip"`` drops it, ``"raw"``
yields the item's plain dict, ``"raise"`` yields the items before it and then
raises ``ResponseParseError`` with its JSON path (the default on a strict client).
Each ``Page`` counts its invalid items; pass ``stats=WalkStats()`` to ``paginate``
for totals. ``raw=True`` yields plain dicts and skips the models altogether;
``raw="bytes"`` yields each item's JSON text as the server sent it (``_item_texts``).

Close the iterator when you stop early (``async with contextlib.aclosing(...)``
or ``await it.aclose()``) so in-flight requests are cancelled at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar, get_args

from carecloud_async._call_options import RawReading
from carecloud_async._errors import ConfigurationError, ResponseParseError
from carecloud_async._item_texts import item_texts_reader
from carecloud_async._operations import Operation, operation_of
from carecloud_async._pipeline import Answer, ApiResponse, CallSettings, Endpoint
from carecloud_async._reading import Deviation, body_excerpt, item_index, loads

__all__ = [
    "MAX_PAGE_SIZE",
    "AnswerSource",
    "InvalidItemPolicy",
    "Page",
    "WalkStats",
    "pages",
    "paginate",
]

logger = logging.getLogger("carecloud_async.pagination")

# Event-loop turns a new request takes to reach the socket through httpx on a pooled
# connection (3 measured with httpx 0.28), plus one to spare.
_TURNS_TO_SEND = 4

InvalidItemPolicy = Literal["keep", "skip", "raw", "raise"]

ItemT = TypeVar("ItemT")

MAX_PAGE_SIZE = 1000
"""The API documents no maximum for ``count``; larger pages only cost memory and latency."""


class AnswerSource(Protocol):
    """What a walk needs of a client: its strictness and the prepare-and-send step."""

    @property
    def strict(self) -> bool: ...

    async def fetch(
        self, endpoint: Endpoint, settings: CallSettings, params: Mapping[str, object], /
    ) -> Answer: ...


@dataclass(frozen=True, repr=False)
class Page(Generic[ItemT]):
    """One page of a list endpoint. Its repr counts the items and never shows them: plain
    dicts and JSON texts (``raw=True``/``"bytes"``) are not masked as models are."""

    items: list[ItemT]
    offset: int
    total_items: int | None
    invalid_items: int = 0
    """Items of this page that did not match the schema (whatever became of them)."""
    deviations: tuple[Deviation, ...] = ()
    """Every deviation of the page's answer, with its JSON path."""
    span: int | None = None
    """How many records of the server's list this page covers, when skipped items make
    that more than ``len(items)``."""

    def __repr__(self) -> str:
        return (
            f"Page(offset={self.offset}, items=<{len(self.items)}>, "
            f"total_items={self.total_items}, invalid_items={self.invalid_items})"
        )

    @property
    def next_offset(self) -> int:
        """Where a walk resuming after this page starts (skipped items included)."""
        return self.offset + (len(self.items) if self.span is None else self.span)


@dataclass
class WalkStats:
    """Totals of one walk, filled in as it goes (``paginate(..., stats=WalkStats())``)."""

    pages: int = 0
    items: int = 0
    """Items yielded."""
    invalid_items: int = 0
    skipped_items: int = 0
    deviations: list[Deviation] = field(default_factory=list)


def _check(page_size: int, max_items: int | None, start_offset: int, concurrency: int) -> None:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ConfigurationError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}"
        )
    if max_items is not None and max_items < 0:
        raise ConfigurationError(f"max_items must be >= 0, got {max_items}")
    if start_offset < 0:
        raise ConfigurationError(f"start_offset must be >= 0, got {start_offset}")
    if concurrency < 1:
        raise ConfigurationError(f"concurrency must be >= 1, got {concurrency}")


def _unset_to(value: Any, default: Any) -> Any:
    return default if value is None or type(value).__name__ == "Unset" else value


def _check_policy(policy: str) -> None:
    if policy not in get_args(InvalidItemPolicy):
        raise ConfigurationError(
            f"on_invalid_item must be one of {', '.join(get_args(InvalidItemPolicy))}, "
            f"got {policy!r}"
        )


def _raw_items(content: bytes, list_field: str) -> list[Any]:
    try:
        items = loads(content)["data"][list_field]
    except (ValueError, KeyError, TypeError):
        return []
    return items if isinstance(items, list) else []


def _apply_policy(
    page: Page[Any],
    response: ApiResponse[Any],
    operation: Operation,
    policy: str,
    strict: bool,
) -> tuple[Page[Any], ResponseParseError | None]:
    """Sort the page's deviations by item and apply ``policy``; a deviation outside
    the items is an error only for a strict client."""
    list_field = operation.list_field or ""
    bad: dict[int, Deviation] = {}
    for deviation in page.deviations:
        index = item_index(deviation.path, list_field)
        if index is None:
            if strict:
                return page, _error(response, operation, deviation)
        else:
            bad.setdefault(index, deviation)
    if not bad:
        return page, None
    logger.warning(
        "%s: %d item(s) of the page at offset %d do not match the schema (on_invalid_item=%r)",
        operation.operation_id,
        len(bad),
        page.offset,
        policy,
    )
    items = page.items
    error = None
    span = None
    if policy == "raise":
        first = min(bad)
        items, error = items[:first], _error(response, operation, bad[first])
    elif policy == "skip":
        span = len(items)
        items = [item for i, item in enumerate(items) if i not in bad]
    elif policy == "raw":
        raw = _raw_items(response.content, list_field)
        items = [raw[i] if i in bad and i < len(raw) else item for i, item in enumerate(items)]
    return Page(items, page.offset, page.total_items, len(bad), page.deviations, span), error


def _error(
    response: ApiResponse[Any], operation: Operation, deviation: Deviation
) -> ResponseParseError:
    return ResponseParseError(
        operation.method,
        operation.path_template,
        response.status,
        str(deviation),
        json_path=deviation.path,
        operation_id=operation.operation_id,
        body_excerpt=body_excerpt(response.content, deviation.path),
    )


async def pages(
    client: AnswerSource,
    endpoint: Endpoint,
    /,
    *,
    page_size: int = 100,
    max_items: int | None = None,
    start_offset: int = 0,
    concurrency: int = 1,
    on_invalid_item: InvalidItemPolicy | None = None,
    raw: RawReading = False,
    **filters: Any,
) -> AsyncGenerator[Page[Any], None]:
    """Yield whole pages in server order; see the module docstring."""
    operation = operation_of(endpoint)
    if operation.list_field is None:
        raise ConfigurationError(
            f"{operation.method} {operation.path_template} ({operation.operation_id}) "
            "is not a paginated list endpoint"
        )
    _check(page_size, max_items, start_offset, concurrency)
    if raw not in (False, True, "bytes"):
        raise ConfigurationError(f"raw must be True, False or 'bytes', got {raw!r}")
    if raw == "bytes":
        item_texts_reader(operation.list_field)  # refused here, before sending, without msgspec
    settings, params = CallSettings.split(filters)
    strict = client.strict if settings.strict is None else settings.strict
    # Pages are read tolerantly: the policy decides what an invalid item costs.
    settings = dataclasses.replace(settings, strict=False, raw=raw)
    policy = on_invalid_item or ("raise" if strict else "keep")
    _check_policy(policy)
    list_field = operation.list_field
    end = None if max_items is None else start_offset + max_items

    in_flight: dict[int, asyncio.Task[tuple[Answer, int]]] = {}
    next_offset = start_offset

    async def fetch(offset: int) -> tuple[Answer, int]:
        count = page_size if end is None else min(page_size, end - offset)
        answer = await client.fetch(
            endpoint, settings, {**params, "count": count, "offset": offset}
        )
        return answer, count

    def read(
        answer: Answer, offset: int, count: int
    ) -> tuple[Page[Any], int, ResponseParseError | None]:
        response = answer.read()
        data = response.data
        if isinstance(data, dict):  # raw=True: plain JSON; raw="bytes": a list of texts
            items, total = data.get(list_field) or [], data.get("total_items")
        else:
            items = _unset_to(getattr(data, list_field, None), [])
            total = _unset_to(getattr(data, "total_items", None), None)
        items = list(items)[:count] if isinstance(items, list) else []
        page = Page(
            items,
            offset,
            total if isinstance(total, int) and not isinstance(total, bool) else None,
            deviations=response.deviations,
        )
        received = len(items)
        if not page.deviations:
            return page, received, None
        page, error = _apply_policy(page, response, operation, policy, strict)
        return page, received, error

    def launch(window: int, limit: int | None) -> None:
        nonlocal next_offset
        while len(in_flight) < window and (limit is None or next_offset < limit):
            in_flight[next_offset] = asyncio.ensure_future(fetch(next_offset))
            next_offset += page_size

    if end is not None and end <= start_offset:
        return
    known_total: int | None = None
    first = True
    try:
        while True:
            limit = end if known_total is None else min(known_total, end or known_total)
            window = 1 if first else concurrency
            launch(window, limit)
            if not in_flight:
                return
            offset = min(in_flight)
            answer, count = await in_flight.pop(offset)
            if not first:
                # Send the next request before reading this answer, and let it leave: the
                # CPU spent on models then overlaps the network time of the others.
                launch(window, limit)
                for _ in range(_TURNS_TO_SEND):
                    await asyncio.sleep(0)
            page, received, error = read(answer, offset, count)
            first = False
            if page.total_items is not None:
                known_total = page.total_items
            if page.items:
                yield page
            if error is not None:
                raise error
            if received < count:
                return  # a short page is the end, whatever total_items said before
    finally:
        for task in in_flight.values():
            task.cancel()
        if in_flight:
            await asyncio.gather(*in_flight.values(), return_exceptions=True)


async def paginate(
    client: AnswerSource,
    endpoint: Endpoint,
    /,
    *,
    stats: WalkStats | None = None,
    **options: Any,
) -> AsyncGenerator[Any, None]:
    """Yield every item of every page in server order; options as for ``pages``.

    ``stats`` (a ``WalkStats``) is updated as pages arrive.
    """
    page_iter = pages(client, endpoint, **options)
    try:
        async for page in page_iter:
            if stats is not None:
                stats.pages += 1
                stats.items += len(page.items)
                stats.invalid_items += page.invalid_items
                stats.deviations.extend(page.deviations)
                if options.get("on_invalid_item") == "skip":
                    stats.skipped_items += page.invalid_items
            for item in page.items:
                yield item
    finally:
        await page_iter.aclose()
