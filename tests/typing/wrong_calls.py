"""Calls the type checkers must refuse: every line marked ``# wrong`` has to be reported.

Never run: ``tests/test_typing.py`` type-checks this file with mypy --strict and
pyright strict and fails if a marked line passes or an unmarked line is reported.
"""

from __future__ import annotations

from datetime import date

from carecloud_openapi.api.purchases import get_purchase

from carecloud_async import CustomerClient, EnterpriseClient


async def wrong(client: EnterpriseClient, app: CustomerClient) -> None:
    await client.purchases.get_purchase(purchase_idd="p1")  # wrong: misspelled keyword
    await client.purchases.get_purchase(purchase_id=42)  # wrong: int for a string id
    await client.purchases.get_purchase()  # wrong: missing required parameter
    await client.purchases.get_purchases(count="ten")  # wrong: str for an integer
    await client.purchases.get_purchases(sort_direction="DOWN")  # wrong: not an enum value
    await client.purchases.post_purchase_send(body=42)  # wrong: body of a wrong type
    await client.purchases.post_purchase_send()  # wrong: missing body
    await client.tokens.post_token_logout(token_id="t")  # wrong: customer-only operation
    await app.users.get_users()  # wrong: enterprise-only operation on the customer client
    await client.purchases.get_purchase(purchase_id="p1", timeout="5")  # wrong: option type
    purchase = await client.purchases.get_purchase(purchase_id="p1")
    print(purchase.purchase_idd)  # wrong: typo on a result attribute
    customer = await client.customers.get_customer(customer_id="c1")
    print(customer.personal_informaton)  # wrong: typo on a result attribute
    raw = await client.call(get_purchase, purchase_id="p1")
    print(raw.purchase_idd)  # wrong: typo on the result of the dynamic path
    async for item in client.purchases.paginate_get_purchases():
        print(item.purchase_idd)  # wrong: typo on a list item
    async for page in client.stores.pages_get_stores():
        print(page.itemz)  # wrong: typo on a page
    client.purchases.paginate_get_purchases(count=5)  # wrong: paging sets count itself
    await client.purchases.get_purchases(payment_time_from=date(2026, 1, 1))  # wrong: a date
    await client.cards.get_cards(card_number_list=[1000])  # wrong: ints in a list of strings
    await client.cards.get_cards(state=3)  # wrong: not one of the enum's values
    client.stores.paginate_get_stores(on_invalid_item="drop")  # wrong: no such policy
    client.stores.pages_get_stores(stats=None)  # wrong: pages count on each Page, no stats
    data = await client.purchases.get_purchases()
    print(data.purchases.total)  # wrong: the list is a list
    await client.call(get_purchase, purchase_id="p1", raw="bytes")  # wrong: texts are for walks
    client.purchases.paginate_get_purchases(raw="text")  # wrong: not a reading
