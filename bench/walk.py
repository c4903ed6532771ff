"""A long typed walk against bare httpx doing the same walk: 25,000 purchases.

Pages of 100, ``concurrency=8``, 50 ms injected latency per page, the same
100-purchase body for every page. Bare httpx runs 8 workers that fetch and
``.json()`` the pages; the client runs ``paginate`` with typed models and with
``raw=True``. Budget: the typed walk within 1.3x of the bare one, and memory
flat: the peak of a 12,500-item walk within 1.5x of a 2,500-item one (traced
with tracemalloc in separate runs, latency off).
"""

from __future__ import annotations

import asyncio
import sys
import time
import tracemalloc
from typing import Any

import httpx

from bench.parsing import page_body

TOTAL = 25_000
PAGE = 100
CONCURRENCY = 8
LATENCY = 0.05
BUDGET = 1.3
MEMORY_BUDGET = 1.5
ROUNDS = 3


def _handler_for(body: bytes) -> Any:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(LATENCY)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return handler


async def _bare(body: bytes) -> tuple[float, int]:
    offsets = iter(range(0, TOTAL, PAGE))
    count = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal count
        for offset in offsets:
            response = await client.get("/purchases", params={"count": PAGE, "offset": offset})
            count += len(response.json()["data"]["purchases"])

    transport = httpx.MockTransport(_handler_for(body))
    async with httpx.AsyncClient(base_url="http://127.0.0.1:1", transport=transport) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
        return time.perf_counter() - started, count


async def _sdk(body: bytes, *, raw: bool, total: int = TOTAL) -> tuple[float, int]:
    from carecloud_openapi.api.purchases import get_purchases

    from carecloud_async import EnterpriseClient

    transport = httpx.MockTransport(_handler_for(body))
    async with EnterpriseClient(
        base_url="http://127.0.0.1:1", bearer_token="bench", transport=transport
    ) as client:
        started = time.perf_counter()
        count = 0
        async for _ in client.paginate(
            get_purchases, page_size=PAGE, concurrency=CONCURRENCY, raw=raw, max_items=total
        ):
            count += 1
        return time.perf_counter() - started, count


def _peak(content: bytes, total: int) -> int:
    global LATENCY
    latency, LATENCY = LATENCY, 0.0
    tracemalloc.start()
    try:
        asyncio.run(_sdk(content, raw=False, total=total))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        LATENCY = latency


def main() -> int:
    import json

    body = json.loads(page_body(PAGE))
    body["data"]["total_items"] = TOTAL
    content = json.dumps(body).encode()
    rounds = []
    for _ in range(ROUNDS):  # the three walks side by side, the median round
        bare, bare_count = asyncio.run(_bare(content))
        typed, typed_count = asyncio.run(_sdk(content, raw=False))
        raw, raw_count = asyncio.run(_sdk(content, raw=True))
        assert bare_count == typed_count == raw_count == TOTAL
        rounds.append((typed / bare, raw / bare, bare, typed, raw))
    ratio, raw_ratio, bare, typed, raw = sorted(rounds)[ROUNDS // 2]
    ideal = TOTAL / PAGE / CONCURRENCY * LATENCY
    print(f"walk: {TOTAL} purchases, pages of {PAGE}, concurrency {CONCURRENCY}, ")
    print(f"  {LATENCY * 1000:.0f} ms injected latency (latency alone: {ideal:.2f} s)")
    print(f"  bare httpx + .json()       {bare:7.2f} s")
    print(f"  paginate (typed)           {typed:7.2f} s")
    print(f"  paginate raw=True          {raw:7.2f} s")
    print(
        f"  ratio typed {ratio:.2f}x (budget {BUDGET}x), raw {raw_ratio:.2f}x; median of {ROUNDS}"
    )
    small, large = _peak(content, TOTAL // 10), _peak(content, TOTAL // 2)
    growth = large / small
    print(f"  peak traced memory: {TOTAL // 10} items {small / 2**20:.1f} MB, ", end="")
    print(f"{TOTAL // 2} items {large / 2**20:.1f} MB ({growth:.2f}x, budget {MEMORY_BUDGET}x)")
    return 0 if ratio <= BUDGET and growth <= MEMORY_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
