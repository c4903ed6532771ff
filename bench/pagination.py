"""Concurrent prefetch against injected latency: 100 pages, 50 ms each.

Sequential paging takes about 100 x 50 ms; with ``concurrency=8`` the ideal is
ceil(100 / 8) x 50 ms. Budget: within 1.3x of that ideal. Both runs go through
the full client stack (auth, resilient transport, parsing) in this process.
"""

from __future__ import annotations

import asyncio
import math
import sys
import time

import httpx

from carecloud_async import EnterpriseClient

PAGES = 100
PAGE_SIZE = 10
LATENCY = 0.05
CONCURRENCY = 8
BUDGET = 1.3


async def _handler(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(LATENCY)
    offset = int(request.url.params["offset"])
    stores = [
        {
            "store_id": f"s{offset + i}",
            "store_code": "c",
            "name": "Store",
            "partner_id": "p",
            "system_id": "1",
        }
        for i in range(PAGE_SIZE)
    ]
    return httpx.Response(200, json={"data": {"stores": stores, "total_items": PAGES * PAGE_SIZE}})


async def _walk(concurrency: int) -> tuple[float, int]:
    from carecloud_openapi.api.stores import get_stores

    async with EnterpriseClient(
        base_url="http://127.0.0.1:1", bearer_token="bench", transport=httpx.MockTransport(_handler)
    ) as client:
        started = time.perf_counter()
        count = 0
        async for _ in client.paginate(get_stores, page_size=PAGE_SIZE, concurrency=concurrency):
            count += 1
        return time.perf_counter() - started, count


def main() -> int:
    sequential, seq_count = asyncio.run(_walk(1))
    concurrent, con_count = asyncio.run(_walk(CONCURRENCY))
    assert seq_count == con_count == PAGES * PAGE_SIZE
    ideal = math.ceil(PAGES / CONCURRENCY) * LATENCY
    ratio = concurrent / ideal
    print(f"pagination: {PAGES} pages x {LATENCY * 1000:.0f} ms injected latency")
    print(f"  sequential (concurrency=1)   {sequential * 1000:7.0f} ms")
    print(f"  concurrency={CONCURRENCY:<17} {concurrent * 1000:7.0f} ms")
    print(f"  ideal ceil({PAGES}/{CONCURRENCY}) x {LATENCY * 1000:.0f} ms   {ideal * 1000:7.0f} ms")
    print(
        f"  ratio to ideal {ratio:.2f}x (budget {BUDGET}x), speed-up {sequential / concurrent:.1f}x"
    )
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
