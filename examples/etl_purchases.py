"""ETL: stream every purchase with several pages in flight, in a stable order.

Sorting on a field that never changes (here the purchase id) keeps records from
shifting between pages while new purchases arrive; de-duplicate by id anyway.
"""

from __future__ import annotations

import asyncio
import contextlib

from _connect import enterprise_client
from carecloud_openapi.api.purchases import get_purchases

from carecloud_async import RateLimiter  # noqa: F401  (see the comment below)


async def main() -> None:
    # For a big project, share a limiter: EnterpriseClient(..., rate_limiter=RateLimiter(20)).
    async with enterprise_client() as client:
        seen: set[str] = set()
        iterator = client.paginate(
            get_purchases, page_size=100, concurrency=4, sort_field="purchase_id", max_items=10_000
        )
        async with contextlib.aclosing(iterator):
            async for purchase in iterator:
                if purchase.purchase_id in seen:
                    continue
                seen.add(purchase.purchase_id)
        print(f"streamed {len(seen)} purchases")


if __name__ == "__main__":
    asyncio.run(main())
