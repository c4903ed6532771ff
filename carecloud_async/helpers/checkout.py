"""Checkout at a POS or e-shop: rewards, payment, the purchase itself, cancellation.

``send_purchase`` is the call that must never be doubled: CareCloud has no
idempotency key, so a purchase whose answer was lost is reconciled by its
``bill_id`` (the purchase's ``external_purchase_id``) instead of being resent.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import OutcomeUnknownError
from carecloud_async.helpers._common import (
    InsufficientBalanceError,
    build_body,
    exactly_one,
    unset_to_none,
    without_none,
)

__all__ = ["Checkout", "WalletOverview"]


@dataclass(frozen=True)
class WalletOverview:
    """What a customer can pay with right now."""

    available_points: float
    available_credits: float


def _as_dict(bill: Any) -> dict[str, Any]:
    return bill.to_dict() if hasattr(bill, "to_dict") else dict(bill)


@dataclass
class Checkout:
    """One store's cash desk talking to the Enterprise API."""

    client: EnterpriseClient
    store_id: str
    cashdesk_number: int

    def _base(self, customer_id: str | None, card_number: str | None) -> dict[str, Any]:
        return without_none(
            store_id=self.store_id,
            cashdesk_number=self.cashdesk_number,
            customer_id=customer_id,
            card_number=card_number,
        )

    async def recommended_rewards(
        self,
        bill: Any,
        *,
        reward_list_type: str = "A",
        customer_id: str | None = None,
        card_number: str | None = None,
    ) -> Any:
        """The best rewards for this basket (``reward_list_type`` A, C or F)."""
        from carecloud_openapi.api.purchases import post_purchase_recommended_rewards as endpoint
        from carecloud_openapi.models import PostPurchaseRecommendedRewardsBody as Body

        fields = self._base(customer_id, card_number)
        fields.update(reward_list_type=reward_list_type, bill=_as_dict(bill))
        return await self.client.call(endpoint, body=build_body(Body, fields))

    async def accept_payment(
        self,
        bill: Any,
        *,
        payment_type: str,
        customer_id: str | None = None,
        card_number: str | None = None,
        max_points: float | None = None,
        max_credit: float | None = None,
        benefit_codes: list[str] | None = None,
    ) -> Any:
        """Price the basket with loyalty payments; safe to repeat as the basket changes."""
        from carecloud_openapi.api.purchases import post_purchase_accept_payment as endpoint
        from carecloud_openapi.models import PostPurchaseAcceptPaymentBody as Body

        fields = self._base(customer_id, card_number)
        fields.update(
            without_none(max_points=max_points, max_credit=max_credit, benefit_codes=benefit_codes),
            payment_type=payment_type,
            bill=_as_dict(bill),
        )
        # A quote changes nothing on the server, so a lost answer may be asked again.
        return await self.client.call(endpoint, body=build_body(Body, fields), retry_unsafe=True)

    async def send_purchase(
        self, bill: Any, *, customer_id: str | None = None, card_number: str | None = None
    ) -> Any:
        """Record the purchase once. If the answer is lost, look it up by bill_id instead
        of sending again; raise OutcomeUnknownError only if it cannot be found yet."""
        from carecloud_openapi.api.purchases import post_purchase_send as endpoint
        from carecloud_openapi.models import PostPurchaseSendBody as Body

        fields = self._base(customer_id, card_number)
        fields["bill"] = _as_dict(bill)
        try:
            return await self.client.call(endpoint, body=build_body(Body, fields))
        except OutcomeUnknownError as lost:
            recorded = await self.find_purchase(fields["bill"]["bill_id"])
            if recorded is None:
                raise OutcomeUnknownError(
                    lost.method,
                    lost.path,
                    f"{lost.reason}; no purchase with bill_id {fields['bill']['bill_id']!r} "
                    "is recorded yet: look it up again before resending",
                ) from lost
            return recorded

    async def find_purchase(self, bill_id: str) -> Any | None:
        """The purchase recorded for a bill, or None."""
        from carecloud_openapi.api.purchases import get_purchases

        data = await self.client.call(
            get_purchases, external_purchase_id=bill_id, store_id=self.store_id, count=1
        )
        purchases = unset_to_none(getattr(data, "purchases", None)) or []
        return purchases[0] if purchases else None

    async def cancel_purchase(self, original_bill: Any, *, new_bill_id: str | None = None) -> Any:
        """Cancel a sent purchase: the same bill, ``canceled=true``, a new unique bill_id,
        and ``bill_number`` set to the original bill_id."""
        bill = _as_dict(original_bill)
        replacement = new_bill_id or uuid.uuid4().hex
        if replacement == bill["bill_id"]:
            raise ValueError("a cancellation needs a bill_id different from the original's")
        bill.update(canceled=True, bill_number=bill["bill_id"], bill_id=replacement)
        return await self.send_purchase(bill)

    async def assign_customer(
        self, bill_id: str, *, customer_id: str | None = None, card_number: str | None = None
    ) -> Any:
        """Attach a customer to an already sent purchase (by its bill_id)."""
        from carecloud_openapi.api.purchases import post_purchase_assign_customer as endpoint
        from carecloud_openapi.models import PostPurchaseAssignCustomerBody as Body

        exactly_one("assign_customer", customer_id=customer_id, card_number=card_number)
        fields = without_none(
            store_id=self.store_id,
            external_purchase_id=bill_id,
            customer_id=customer_id,
            card_number=card_number,
        )
        return await self.client.call(endpoint, body=build_body(Body, fields))

    async def payment_summary(self, purchase_id: str) -> Any:
        """How a recorded purchase was paid (points, credit, vouchers)."""
        from carecloud_openapi.api.purchases import get_purchase_payment_summary

        return await self.client.call(get_purchase_payment_summary, purchase_id=purchase_id)

    async def wallet(self, customer_id: str) -> WalletOverview:
        """Available points and credit, fetched together."""
        from carecloud_openapi.api.wallet import get_wallet_credits, get_wallet_points

        points, credits = await asyncio.gather(
            self.client.call(get_wallet_points, customer_id=customer_id),
            self.client.call(get_wallet_credits, customer_id=customer_id),
        )
        return WalletOverview(
            available_points=float(unset_to_none(points.available_points) or 0),
            available_credits=float(unset_to_none(credits.available_credits) or 0),
        )

    async def pay_with_loyalty(
        self,
        bill: Any,
        *,
        customer_id: str,
        points: float = 0,
        credit: float = 0,
        payment_type: str = "A",
    ) -> Any:
        """Accept payment with points and/or credit after checking the wallet covers them."""
        balance = await self.wallet(customer_id)
        if points > balance.available_points:
            raise InsufficientBalanceError("points", points, balance.available_points)
        if credit > balance.available_credits:
            raise InsufficientBalanceError("credit", credit, balance.available_credits)
        return await self.accept_payment(
            bill,
            payment_type=payment_type,
            customer_id=customer_id,
            max_points=points or None,
            max_credit=credit or None,
        )
