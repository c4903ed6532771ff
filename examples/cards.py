"""Cards: issue a card of a card type, hand out a free card by its number."""

from __future__ import annotations

import asyncio

from _connect import enterprise_client

from carecloud_async.helpers import CardUnavailableError, assign_free_card, create_card


async def main() -> None:
    async with enterprise_client() as client:
        await create_card(
            client, card_type_id="8bed991c68a470e7aaeffbf048", card_number="2018000001234"
        )
        print("card issued")
        try:
            card = await assign_free_card(client, "1000000000016", "8ea2591121e636086a4a9c0992")
            print("card assigned:", card.card_id)
        except CardUnavailableError as exc:
            print("not assigned:", exc)


if __name__ == "__main__":
    asyncio.run(main())
