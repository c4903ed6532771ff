"""Walk ``count``/``offset`` list endpoints page by page, optionally several pages at once.

The list to yield is found from the spec (``Operation.list_field``), so any
generated list endpoint works without a table. With ``concurrency > 1`` the
offsets after the first page are known from ``total_items``: up to
``concurrency`` pages are in flight while items still come out in server order,
and no more than ``concurrency`` pages are held in memory.

Offsets are positions in a list that can change while you read it: a record
created or deleted mid-run shifts later records by one, so one may be skipped
or seen twice. For long ETL runs sort ascending on a field new records only
add at the end of (``sort_field="payment_time"`` for purchases; never a field
that changes, such as ``last_change``) and de-duplicate by id.

Close the iterator when you stop early (``async with contextlib.aclosing(...)``
or ``await it.aclose()``) so in-flight requests are cancelled at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Generic, TypeVar

from carecloud_async._errors import ConfigurationError
from carecloud_async._operations import operation_of

__all__ = ["MAX_PAGE_SIZE", "Page", "pages", "paginate"]

ItemT = TypeVar("ItemT")

MAX_PAGE_SIZE = 1000
"""The API documents no maximum for ``count``; larger pages only cost memory and latency."""


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    """One page of a list endpoint."""

    items: list[ItemT]
    offset: int
    total_items: int | None


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


async def pages(
    client: Any,
    endpoint: ModuleType | Callable[..., Awaitable[Any]],
    /,
    *,
    page_size: int = 100,
    max_items: int | None = None,
    start_offset: int = 0,
    concurrency: int = 1,
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
    list_field = operation.list_field
    end = None if max_items is None else start_offset + max_items

    async def fetch(offset: int) -> Page[Any]:
        count = page_size if end is None else min(page_size, end - offset)
        response = await client.call_raw(endpoint, count=count, offset=offset, **filters)
        data = response.data
        items = list(_unset_to(getattr(data, list_field, None), []))
        total = _unset_to(getattr(data, "total_items", None), None)
        return Page(items[:count], offset, total if isinstance(total, int) else None)

    if end is not None and end <= start_offset:
        return
    in_flight: dict[int, asyncio.Task[Page[Any]]] = {}
    next_offset = start_offset
    known_total: int | None = None
    first = True
    try:
        while True:
            limit = end if known_total is None else min(known_total, end or known_total)
            window = 1 if first else concurrency
            while len(in_flight) < window and (limit is None or next_offset < limit):
                in_flight[next_offset] = asyncio.ensure_future(fetch(next_offset))
                next_offset += page_size
                if first:
                    break
            if not in_flight:
                return
            offset = min(in_flight)
            page = await in_flight.pop(offset)
            first = False
            if page.total_items is not None:
                known_total = page.total_items
            if page.items:
                yield page
            requested = page_size if end is None else min(page_size, end - offset)
            if len(page.items) < requested:
                return  # a short page is the end, whatever total_items said before
    finally:
        for task in in_flight.values():
            task.cancel()
        if in_flight:
            await asyncio.gather(*in_flight.values(), return_exceptions=True)


async def paginate(
    client: Any,
    endpoint: ModuleType | Callable[..., Awaitable[Any]],
    /,
    **options: Any,
) -> AsyncGenerator[Any, None]:
    """Yield every item of every page in server order; options as for ``pages``."""
    page_iter = pages(client, endpoint, **options)
    try:
        async for page in page_iter:
            for item in page.items:
                yield item
    finally:
        await page_iter.aclose()
