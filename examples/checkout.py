"""POS checkout: best rewards, a payment quote, the purchase, its summary, a cancellation."""

from __future__ import annotations

import asyncio
import uuid

from _connect import enterprise_client

from carecloud_async.helpers import Checkout, unset_to_none

BILL = {
    "bill_id": f"example-{uuid.uuid4().hex[:12]}",
    "payment_time": "2026-11-22 10:15:00",
    "currency_id": "8fd7a1f1e2b3c4d5e6f70812",
    "total_price": 12.5,
    "purchase_type_id": "8bed991c68a470e7aaeffbf048",
    "canceled": False,
    "payment_type": "A",
    "bill_items": [
        {
            "bill_item_id": "1",
            "plu_ids": [{"list_code": "EAN", "code": "8590000000001"}],
            "plu_name": "Espresso",
            "vat_rate": 21,
            "quantity": 1,
            "price": 12.5,
            "paid_amount": 12.5,
            "loyalty_off": False,
            "purchase_item_type_id": "8bed991c68a470e7aaeffbf048",
        }
    ],
}


async def main() -> None:
    async with enterprise_client() as client:
        checkout = Checkout(client, store_id="81eaeea13b8984a169c490a325", cashdesk_number=1)
        customer_id = "8ea2591121e636086a4a9c0992"
        rewards = await checkout.recommended_rewards(BILL, customer_id=customer_id)
        print("rewards offered:", len(unset_to_none(rewards.recommended_best_rewards) or []))
        wallet = await checkout.wallet(customer_id)
        print("wallet:", wallet)
        quote = await checkout.accept_payment(BILL, payment_type="A", customer_id=customer_id)
        print(
            "quote, points this purchase:", unset_to_none(quote.credit_points_of_this_transaction)
        )
        sent = await checkout.send_purchase(BILL, customer_id=customer_id)
        print("purchase:", sent.purchase_id)
        summary = await checkout.payment_summary(sent.purchase_id)
        print("earned points:", unset_to_none(summary.earned_points))
        await checkout.cancel_purchase(BILL)
        print("cancelled bill", BILL["bill_id"])


if __name__ == "__main__":
    asyncio.run(main())
