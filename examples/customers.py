"""Customers: sign-up context, sign-up, verification, search, sync by external id, updates."""

from __future__ import annotations

import asyncio

from _connect import enterprise_client

from carecloud_async.helpers import (
    change_password,
    newsletter_sign_up,
    search_customers,
    search_customers_strict,
    sign_up,
    sign_up_context,
    synchronize_customer,
    update_customer,
    verify_credentials,
)


async def main() -> None:
    async with enterprise_client() as client:
        context = await sign_up_context(client)
        print(
            f"sign-up form: {len(context.stores)} stores, {len(context.customer_sources)} sources"
        )
        source = {"customer_source_id": "84b5e55448fbd6c0b22b4d", "external_id": "eshop-1042"}
        record = {
            "personal_information": {
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.com",
                "language_id": "en",
            }
        }
        new_id = await sign_up(client, record, customer_source=source, password="S3cure-pass")
        print("signed up:", new_id)
        await verify_credentials(client, email="jane@example.com", password="S3cure-pass")
        matches = [
            c.customer_id
            async for c in search_customers(client, email="jane@example.com", max_items=10)
        ]
        print("search:", matches)
        strict = await search_customers_strict(
            client, first_name="Jane", last_name="Doe", birthdate="1990-01-01"
        )
        print("strict search:", type(strict).__name__)
        customer_id, created = await synchronize_customer(
            client, customer_source=source, record=record
        )
        print("synchronized:", customer_id, "created" if created else "updated")
        if customer_id is None:
            return
        await update_customer(client, customer_id, {"personal_information": {"first_name": "Jana"}})
        await change_password(client, customer_id, "N3w-pass!")
        await newsletter_sign_up(
            client, email="news@example.com", customer_source_id=source["customer_source_id"]
        )
        print("done")


if __name__ == "__main__":
    asyncio.run(main())
