"""ETL: stream every purchase with several pages in flight, in a stable order.

Offsets count positions in a list that can change while you read it. Sorting
ascending on a field new records only ever add at the end of (here
``payment_time``) keeps purchases arriving mid-run from shifting the pages
still to come; deletions can still shift them, so de-duplicate by id anyway.
"""

from __future__ import annotations

import asyncio
import contextlib

from _connect import enterprise_client


async def main() -> None:
    # For a big project, share a limiter:
    # EnterpriseClient(..., rate_limiter=carecloud_async.RateLimiter(20, max_concurrency=8)).
    async with enterprise_client() as client:
        seen: set[str] = set()
        iterator = client.purchases.paginate_get_purchases(
            page_size=100, concurrency=4, sort_field="payment_time", max_items=10_000
        )
        async with contextlib.aclosing(iterator):
            async for purchase in iterator:  # typed: Purchase
                if not purchase.purchase_id or purchase.purchase_id in seen:
                    continue
                seen.add(purchase.purchase_id)
        print(f"streamed {len(seen)} purchases")


if __name__ == "__main__":
    asyncio.run(main())
