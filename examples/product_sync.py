"""Catalogue sync: brands, then groups, then products, 1,000 records per batch call."""

from __future__ import annotations

import asyncio

from _connect import enterprise_client

from carecloud_async.helpers import sync_products

BRANDS = [{"name": f"Brand {i}", "external_id": f"ext-b{i}"} for i in range(3)]
GROUPS = [{"name": "Coffee", "external_id": "ext-g1"}]
PRODUCTS = [
    {"name": f"Product {i}", "plu_ids": [{"list_code": "EAN", "code": f"859{i:010d}"}]}
    for i in range(2500)
]


async def main() -> None:
    async with enterprise_client() as client:
        for chunk in await sync_products(client, brands=BRANDS, groups=GROUPS, products=PRODUCTS):
            status = "ok" if chunk.ok else f"failed: {chunk.error}"
            print(
                f"{chunk.kind:15} records {chunk.first_index}-{chunk.first_index + chunk.size - 1}: {status}"
            )


if __name__ == "__main__":
    asyncio.run(main())
