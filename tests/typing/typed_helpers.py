"""What type checkers see of the helpers, from a user's module: precise models, no Any.

Never run: ``tests/test_typing.py`` type-checks this file with mypy --strict and
pyright strict and expects no error.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import assert_type

from carecloud_openapi.models import (
    AcceptedPayment,
    Card,
    Customer,
    FinalBill,
    GetPurchasePaymentSummaryGetPurchasePaymentSummary200ResponseData,
    PostPurchaseRecommendedRewardsPostPurchaseRecommendedRewards200ResponseData,
    Purchase,
    Store,
)

from carecloud_async import EnterpriseClient
from carecloud_async.helpers import (
    Checkout,
    ChunkResult,
    RecordedPurchase,
    WalletOverview,
    assign_free_card,
    find_by_external_id,
    merge_changes,
    search_customers,
    sign_up,
    sign_up_context,
    sync_products,
    unset_to_none,
)

BILL: dict[str, object] = {"bill_id": "B-1", "total_price": 12.5, "bill_items": []}


async def checkout(client: EnterpriseClient, final_bill: FinalBill) -> None:
    till = Checkout(client, store_id="s1", cashdesk_number=1)
    sent = await till.send_purchase(BILL, customer_id="c1", deadline=10.0)
    assert_type(sent, RecordedPurchase)
    assert_type(sent.purchase_id, str)
    assert_type(sent.found_by_lookup, bool)
    assert_type(await till.send_purchase(final_bill), RecordedPurchase)
    assert_type(await till.reconcile("B-1"), Purchase)
    assert_type(await till.find_purchase("B-1"), Purchase | None)
    assert_type(await till.cancel_purchase(BILL), RecordedPurchase)
    assert_type(await till.accept_payment(BILL, payment_type="A"), AcceptedPayment)
    assert_type(await till.pay_with_loyalty(BILL, customer_id="c1", points=5), AcceptedPayment)
    assert_type(
        await till.recommended_rewards(BILL),
        PostPurchaseRecommendedRewardsPostPurchaseRecommendedRewards200ResponseData,
    )
    assert_type(
        await till.payment_summary(sent.purchase_id),
        GetPurchasePaymentSummaryGetPurchasePaymentSummary200ResponseData,
    )
    assert_type(await till.wallet("c1"), WalletOverview)
    assert_type(await till.assign_customer("B-1", customer_id="c1"), None)


async def customers(client: EnterpriseClient) -> None:
    context = await sign_up_context(client)
    assert_type(context.stores, list[Store])
    assert_type(await sign_up(client, {"email": "a@b.cz"}, customer_source={}), str | None)
    found = await find_by_external_id(client, customer_source_id="s", external_id="e")
    assert_type(found, Customer | None)
    if found is not None:
        assert_type(unset_to_none(found.customer_id), str | None)
    assert_type(search_customers(client, email="a@b.cz"), AsyncGenerator[Customer, None])
    assert_type(merge_changes({"a": 1}, {"b": {"c": 2}}), dict[str, object])
    assert_type(await assign_free_card(client, "1000", "c1"), Card)
    assert_type(await sync_products(client, products=[{"code": "p"}]), list[ChunkResult])
