"""What type checkers see on the typed surface; checked by mypy --strict and pyright strict.

Never run: ``tests/test_typing.py`` type-checks this file and expects no error.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import assert_type

from carecloud_openapi.api.purchases import get_purchase, get_purchases
from carecloud_openapi.api.stores import get_store
from carecloud_openapi.models import (
    AcceptedPayment,
    Booking,
    Card,
    Customer,
    Event,
    GetWalletPointsGetWalletPoints200ResponseData,
    PostCustomerPostCustomers201ResponseData,
    PostPurchaseSendPostPurchaseSend200ResponseData,
    PostTokenLoginPostTokenLogin200ResponseData,
    Product,
    Purchase,
    PutPurchaseBody,
    Reward,
    Segment,
    Store,
    UserLoginResponseData,
    Voucher,
    VoucherGiftCardBalance,
)
from carecloud_openapi.namespaces import OperationCaller
from carecloud_openapi.typed.lists import GetPurchasesData
from carecloud_openapi.types import Unset

from carecloud_async import ApiResponse, CustomerClient, EnterpriseClient, Page


def clients_serve_their_namespaces(enterprise: EnterpriseClient, customer: CustomerClient) -> None:
    """The generated namespaces need of a client only what ``OperationCaller`` names."""
    callers: list[OperationCaller] = [enterprise, customer]
    assert callers


async def enterprise_reads(client: EnterpriseClient) -> None:
    assert_type(await client.purchases.get_purchase(purchase_id="p1"), Purchase)
    assert_type(
        await client.purchases.get_purchases(count=10, sort_direction="DESC"),
        GetPurchasesData,
    )
    assert_type(await client.customers.get_customer(customer_id="c1"), Customer)
    assert_type(await client.stores.get_store(store_id="s1", timeout=5.0), Store)
    assert_type(await client.bookings.get_booking(booking_id="b1"), Booking)
    assert_type(await client.cards.get_card(card_id="c1"), Card)
    assert_type(await client.vouchers.get_voucher(voucher_id="v1"), Voucher)
    assert_type(await client.segments.get_segment(segment_id="s1"), Segment)
    assert_type(await client.events.get_event(event_id="e1"), Event)
    assert_type(await client.products.get_product(product_id="p1", deadline=3.0), Product)
    customer = await client.customers.get_customer(customer_id="c1")
    assert_type(customer.customer_id, str | Unset)


async def enterprise_writes(client: EnterpriseClient) -> None:
    sent = await client.purchases.post_purchase_send(body={"bill": {}}, retry_unsafe=True)
    assert_type(sent, PostPurchaseSendPostPurchaseSend200ResponseData)
    created = await client.customers.post_customer(body={"customer": {}})
    assert_type(created, PostCustomerPostCustomers201ResponseData)
    assert_type(
        await client.purchases.post_purchase_accept_payment(body={"bill": {}}), AcceptedPayment
    )
    login = await client.users.post_user_login(
        body={"login": "a", "password": "b", "external_application_id": "c"}
    )
    assert_type(login, UserLoginResponseData)
    balance = await client.vouchers.post_voucher_gift_card_balance(body={"code": "x"})
    assert_type(balance, VoucherGiftCardBalance)


async def no_content(client: EnterpriseClient, body: PutPurchaseBody) -> None:
    assert_type(await client.bookings.delete_booking(booking_id="b1"), None)
    assert_type(await client.purchases.put_purchase(purchase_id="p1", body=body), None)
    assert_type(
        await client.segments.post_segment_add_customer(segment_id="s1", body={"customer_id": "c"}),
        None,
    )
    assert_type(
        await client.customers.delete_sub_customer_property(
            customer_id="c1", property_record_id="r1"
        ),
        None,
    )


async def pagination(client: EnterpriseClient) -> None:
    items = client.purchases.paginate_get_purchases(store_id="s1", concurrency=4, max_items=10)
    assert_type(items, AsyncGenerator[Purchase, None])
    async with aclosing(items) as purchases:
        async for purchase in purchases:
            assert_type(purchase, Purchase)
    async for page in client.stores.pages_get_stores(page_size=50):
        assert_type(page, Page[Store])
        assert_type(page.items, list[Store])
    async for store in client.stores.paginate_get_stores():
        assert_type(store, Store)
    async for found in client.customers.paginate_get_customers(accept_language="en"):
        assert_type(found, Customer)


async def customer_api(client: CustomerClient) -> None:
    token = await client.device_token()
    login = await client.tokens.post_token_login(
        token_id=token, body={"login_type": "email", "login_value": "a@b.c", "password": "x"}
    )
    assert_type(login, PostTokenLoginPostTokenLogin200ResponseData)
    assert_type(await client.tokens.post_token_logout(token_id=token), None)
    assert_type(await client.customers.get_customer(customer_id="c1"), Customer)
    points = await client.wallet.get_wallet_points(customer_id="c1")
    assert_type(points, GetWalletPointsGetWalletPoints200ResponseData)
    async for reward in client.rewards.paginate_get_rewards():
        assert_type(reward, Reward)


async def dynamic_path(client: EnterpriseClient) -> None:
    assert_type(await client.call(get_purchase, purchase_id="p1"), Purchase)
    raw = await client.call_raw(get_store, store_id="s1")
    assert_type(raw, ApiResponse[Store])
    assert_type(raw.data, Store)
    async for purchase in client.paginate(get_purchases, page_size=10):
        assert_type(purchase, Purchase)
    async with aclosing(client.pages(get_purchases)) as pages:
        async for page in pages:
            assert_type(page, Page[Purchase])
    async for text in client.paginate(get_purchases, raw="bytes"):
        assert_type(text, bytes)
    async with aclosing(client.pages(get_purchases, raw="bytes")) as text_pages:
        async for text_page in text_pages:
            assert_type(text_page, Page[bytes])
