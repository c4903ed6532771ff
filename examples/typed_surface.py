"""The typed surface: find an operation from the API reference, call it, page through a list."""

from __future__ import annotations

import asyncio
import contextlib

from _connect import enterprise_client

from carecloud_async import find_operation


async def main() -> None:
    found = find_operation("GET /stores")
    print(found)  # GET /stores (getStores): client.stores.get_stores(...) on ...
    async with enterprise_client() as client:
        stores = await client.stores.get_stores(count=5)  # typed: the answer's data model
        print("stores in the project:", stores.total_items)
        async for store in client.stores.paginate_get_stores(max_items=3):  # typed: Store
            print("store:", store.store_id, store.name or "")
        pages = client.purchases.pages_get_purchases(page_size=2, max_items=4)
        async with contextlib.aclosing(pages):
            async for page in pages:  # typed: Page[Purchase]
                print("purchases page at", page.offset, "of", page.total_items, len(page.items))


if __name__ == "__main__":
    asyncio.run(main())
