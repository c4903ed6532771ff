"""Marketing automation: an event with its property records, and a segment membership."""

from __future__ import annotations

import asyncio

from _connect import enterprise_client

from carecloud_async.helpers import add_customer_to_segment, create_event


async def main() -> None:
    async with enterprise_client() as client:
        event_id = await create_event(
            client,
            event={
                "customer_id": "8ea2591121e636086a4a9c0992",
                "event_type_id": "8bed991c68a470e7aaeffbf048",
                "external_id": "cart-2026-11-22-0001",
                "created_at": "2026-11-22 10:00:00",
                "data": "cart abandoned",
            },
            property_records=[{"property_id": "cart_value", "property_value": "49.90"}],
        )
        print("event:", event_id)
        await add_customer_to_segment(
            client, "86e05affc7a7abefcd513ab400", "8ea2591121e636086a4a9c0992"
        )
        print("added to segment")


if __name__ == "__main__":
    asyncio.run(main())
