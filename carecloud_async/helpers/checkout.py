"""Checkout at a POS or e-shop: rewards, payment, the purchase itself, cancellation.

``send_purchase`` is the call that must never be doubled: CareCloud has no
idempotency key, so a purchase whose answer was lost is reconciled by its
``bill_id`` (the purchase's ``external_purchase_id``) instead of being resent.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, TypeAlias

from carecloud_openapi.api.purchases import (
    get_purchase_payment_summary,
    get_purchases,
    post_purchase_accept_payment,
    post_purchase_assign_customer,
    post_purchase_recommended_rewards,
    post_purchase_send,
)
from carecloud_openapi.api.wallet import get_wallet_credits, get_wallet_points
from carecloud_openapi.types import Unset

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import CareCloudError, ConfigurationError, OutcomeUnknownError
from carecloud_async._operations import operation_of
from carecloud_async._param_checks import fit_body
from carecloud_async.helpers._common import (
    InsufficientBalanceError,
    JsonObject,
    exactly_one,
    fields_of,
    required_text,
    unset_to_none,
    without_none,
)

if TYPE_CHECKING:
    from carecloud_openapi.models import (
        AcceptedPayment,
        Bill,
        FinalBill,
        GetPurchasePaymentSummaryGetPurchasePaymentSummary200ResponseData,
        PostPurchaseRecommendedRewardsPostPurchaseRecommendedRewards200ResponseData,
        Purchase,
    )

__all__ = [
    "BillInput",
    "Checkout",
    "PurchaseOutcomeUnknownError",
    "RecordedPurchase",
    "WalletOverview",
]

BillInput: TypeAlias = "FinalBill | Bill | JsonObject"
"""A bill as you have it: the generated ``FinalBill`` (or ``Bill``) or a plain dict."""

SEND_PATH = "/purchases/actions/send-purchase"
LOOKUP_PAGE_SIZE = 10
"""Enough to see that a bill matches more than one purchase."""


def _now() -> float:
    return asyncio.get_running_loop().time()


class PurchaseOutcomeUnknownError(OutcomeUnknownError):
    """A purchase may or may not be recorded; resending the bill could book it twice.

    ``bill_id`` names the bill; ``purchase_ids`` the matches when more than one
    purchase carries it. Settle it with ``Checkout.reconcile(bill_id)`` later.
    """

    def __init__(self, bill_id: str, reason: str, *, purchase_ids: Sequence[str] = ()) -> None:
        self.bill_id = bill_id
        self.purchase_ids = list(purchase_ids)
        super().__init__("POST", SEND_PATH, f"bill_id {bill_id!r}: {reason}")


@dataclass(frozen=True)
class RecordedPurchase:
    """A purchase CareCloud has recorded: what ``send_purchase`` returns either way."""

    purchase_id: str
    bill_id: str
    found_by_lookup: bool = False
    """True when the answer to the send was lost and the lookup by ``bill_id`` found it."""


@dataclass(frozen=True)
class WalletOverview:
    """What a customer can pay with right now."""

    available_points: float
    available_credits: float


def _bill_fields(bill: BillInput, where: str) -> dict[str, object]:
    """The bill as a fresh dict with a usable ``bill_id``, or a ConfigurationError naming it."""
    fields = fields_of(bill, where, "bill")
    required_text(fields, "bill_id", where, "bill")
    return fields


def _quoted(endpoint: ModuleType, fields: dict[str, object]) -> dict[str, object]:
    """The bill as a quote operation takes it: the same bill later goes to send-purchase,
    whose schema declares more of it, so what a quote does not declare is left out."""
    quoted: dict[str, object] = fit_body(operation_of(endpoint), endpoint, fields)
    return quoted


def _purchase_ids(purchases: Sequence[Purchase]) -> list[str]:
    return [str(unset_to_none(purchase.purchase_id)) for purchase in purchases]


@dataclass
class Checkout:
    """One store's cash desk talking to the Enterprise API."""

    client: EnterpriseClient
    store_id: str
    cashdesk_number: int

    def _base(self, customer_id: str | None, card_number: str | None) -> dict[str, object]:
        return without_none(
            store_id=self.store_id,
            cashdesk_number=self.cashdesk_number,
            customer_id=customer_id,
            card_number=card_number,
        )

    async def recommended_rewards(
        self,
        bill: BillInput,
        *,
        reward_list_type: str = "A",
        customer_id: str | None = None,
        card_number: str | None = None,
        deadline: float | None = None,
    ) -> PostPurchaseRecommendedRewardsPostPurchaseRecommendedRewards200ResponseData:
        """The best rewards for this basket (``reward_list_type`` A, C or F)."""

        fields = self._base(customer_id, card_number)
        bill_fields = _bill_fields(bill, "Checkout.recommended_rewards")
        fields.update(reward_list_type=reward_list_type, bill=bill_fields)
        return await self.client.call(
            post_purchase_recommended_rewards,
            body=_quoted(post_purchase_recommended_rewards, fields),
            deadline=deadline,
        )

    async def accept_payment(
        self,
        bill: BillInput,
        *,
        payment_type: str,
        customer_id: str | None = None,
        card_number: str | None = None,
        max_points: float | None = None,
        max_credit: float | None = None,
        benefit_codes: list[str] | None = None,
        deadline: float | None = None,
    ) -> AcceptedPayment:
        """Price the basket with loyalty payments; safe to repeat as the basket changes."""

        fields = self._base(customer_id, card_number)
        fields.update(
            without_none(max_points=max_points, max_credit=max_credit, benefit_codes=benefit_codes),
            payment_type=payment_type,
            bill=_bill_fields(bill, "Checkout.accept_payment"),
        )
        # A quote changes nothing on the server, so a lost answer may be asked again.
        return await self.client.call(
            post_purchase_accept_payment,
            body=_quoted(post_purchase_accept_payment, fields),
            retry_unsafe=True,
            deadline=deadline,
        )

    async def send_purchase(
        self,
        bill: BillInput,
        *,
        customer_id: str | None = None,
        card_number: str | None = None,
        deadline: float | None = None,
    ) -> RecordedPurchase:
        """Record the purchase once. If the answer is lost, look it up by bill_id instead
        of sending again (see ``reconcile``); either way you get a ``RecordedPurchase``.

        Raises ``PurchaseOutcomeUnknownError`` whenever the purchase may or may not be
        recorded: never resend the bill then, settle it later with ``reconcile``.
        ``deadline`` bounds the send and the lookup together.
        """

        fields = self._base(customer_id, card_number)
        bill_fields = fields["bill"] = _bill_fields(bill, "Checkout.send_purchase")
        bill_id = str(bill_fields["bill_id"])
        started = _now()
        try:
            sent = await self.client.call(post_purchase_send, body=fields, deadline=deadline)
        except OutcomeUnknownError as lost:
            remaining = None if deadline is None else deadline - (_now() - started)
            if remaining is not None and remaining <= 0:
                raise PurchaseOutcomeUnknownError(
                    bill_id, f"{lost.reason}; no time left to look it up"
                ) from lost
            try:
                found = await self.reconcile(bill_id, deadline=remaining)
            except PurchaseOutcomeUnknownError as unknown:
                if unknown.__cause__ is None:
                    raise unknown from lost
                raise
            return _recorded(bill_id, found.purchase_id, found_by_lookup=True)
        purchase_id: object = getattr(sent, "purchase_id", None)  # a tolerant reader's view
        if not isinstance(purchase_id, str) or not purchase_id:
            # Recorded, but the answer did not say as what: the lookup names it.
            found = await self.reconcile(bill_id, deadline=deadline)
            return _recorded(bill_id, found.purchase_id, found_by_lookup=True)
        return _recorded(bill_id, purchase_id, found_by_lookup=False)

    async def reconcile(self, bill_id: str, *, deadline: float | None = None) -> Purchase:
        """The purchase recorded for ``bill_id`` at this store and cash desk.

        For a purchase whose outcome is unknown (a lost answer, a cancelled task):
        returns it if it is recorded exactly once; raises ``PurchaseOutcomeUnknownError``
        if the lookup fails, finds nothing (yet) or finds more than one match.
        """
        try:
            matches = await self._matching_purchases(bill_id, deadline=deadline)
        except CareCloudError as failure:
            raise PurchaseOutcomeUnknownError(
                bill_id,
                f"the lookup by bill_id failed ({type(failure).__name__}: {failure})",
            ) from failure
        if len(matches) == 1:
            return matches[0]
        if not matches:
            error = PurchaseOutcomeUnknownError(
                bill_id,
                "no purchase with this bill_id is recorded yet: reconcile again later "
                "before deciding to resend",
            )
        else:
            ids = _purchase_ids(matches)
            error = PurchaseOutcomeUnknownError(
                bill_id, f"{len(matches)} purchases match: {', '.join(ids)}", purchase_ids=ids
            )
        raise error

    async def find_purchase(
        self, bill_id: str, *, deadline: float | None = None
    ) -> Purchase | None:
        """The purchase recorded for a bill at this store and cash desk, or None.

        Raises ``PurchaseOutcomeUnknownError`` if more than one purchase matches.
        """
        matches = await self._matching_purchases(bill_id, deadline=deadline)
        if len(matches) > 1:
            ids = _purchase_ids(matches)
            raise PurchaseOutcomeUnknownError(
                bill_id, f"{len(matches)} purchases match: {', '.join(ids)}", purchase_ids=ids
            )
        return matches[0] if matches else None

    async def _matching_purchases(self, bill_id: str, *, deadline: float | None) -> list[Purchase]:
        """Purchases the server lists for the bill, kept only if they really are this bill's:
        a server that ignores the filter must not hand us somebody else's purchase."""

        data = await self.client.call(
            get_purchases,
            external_purchase_id=bill_id,
            store_id=self.store_id,
            count=LOOKUP_PAGE_SIZE,
            deadline=deadline,
        )
        listed = unset_to_none(data.purchases) or []
        return [purchase for purchase in listed if self._is_this_bill(purchase, bill_id)]

    def _is_this_bill(self, purchase: Purchase, bill_id: str) -> bool:
        # Read tolerantly: a field the server left out or sent oddly must not match by accident.
        if getattr(purchase, "external_purchase_id", None) != bill_id:
            return False
        store: object = unset_to_none(getattr(purchase, "store_id", None))
        if store is not None and str(store) != self.store_id:
            return False
        desk: object = unset_to_none(getattr(purchase, "cashdesk_number", None))
        return desk is None or str(desk) == str(self.cashdesk_number)

    async def cancel_purchase(
        self,
        original_bill: BillInput,
        *,
        new_bill_id: str | None = None,
        deadline: float | None = None,
    ) -> RecordedPurchase:
        """Cancel a sent purchase: the same bill, ``canceled=true``, a new unique bill_id,
        and ``bill_number`` set to the original bill_id."""
        bill = fields_of(original_bill, "Checkout.cancel_purchase", "original_bill")
        original_id = required_text(bill, "bill_id", "Checkout.cancel_purchase", "original_bill")
        replacement = new_bill_id or uuid.uuid4().hex
        if replacement == original_id:
            raise ConfigurationError(
                "Checkout.cancel_purchase: new_bill_id must differ from original_bill.bill_id"
            )
        bill.update(canceled=True, bill_number=original_id, bill_id=replacement)
        return await self.send_purchase(bill, deadline=deadline)

    async def assign_customer(
        self,
        bill_id: str,
        *,
        customer_id: str | None = None,
        card_number: str | None = None,
        deadline: float | None = None,
    ) -> None:
        """Attach a customer to an already sent purchase (by its bill_id)."""

        exactly_one("assign_customer", customer_id=customer_id, card_number=card_number)
        fields = without_none(
            store_id=self.store_id,
            external_purchase_id=bill_id,
            customer_id=customer_id,
            card_number=card_number,
        )
        await self.client.call(post_purchase_assign_customer, body=fields, deadline=deadline)

    async def payment_summary(
        self, purchase_id: str, *, deadline: float | None = None
    ) -> GetPurchasePaymentSummaryGetPurchasePaymentSummary200ResponseData:
        """How a recorded purchase was paid (points, credit, vouchers)."""

        return await self.client.call(
            get_purchase_payment_summary, purchase_id=purchase_id, deadline=deadline
        )

    async def wallet(self, customer_id: str, *, deadline: float | None = None) -> WalletOverview:
        """Available points and credit, fetched together."""

        points, credits = await asyncio.gather(
            self.client.call(get_wallet_points, customer_id=customer_id, deadline=deadline),
            self.client.call(get_wallet_credits, customer_id=customer_id, deadline=deadline),
        )
        return WalletOverview(
            available_points=float(unset_to_none(points.available_points) or 0),
            available_credits=float(unset_to_none(credits.available_credits) or 0),
        )

    async def pay_with_loyalty(
        self,
        bill: BillInput,
        *,
        customer_id: str,
        points: float = 0,
        credit: float = 0,
        payment_type: str = "A",
        deadline: float | None = None,
    ) -> AcceptedPayment:
        """Accept payment with points and/or credit after checking the wallet covers them."""
        started = _now()
        balance = await self.wallet(customer_id, deadline=deadline)
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
            deadline=None if deadline is None else max(0.001, deadline - (_now() - started)),
        )


def _recorded(bill_id: str, purchase_id: str | Unset, *, found_by_lookup: bool) -> RecordedPurchase:
    if isinstance(purchase_id, Unset) or not purchase_id:
        raise PurchaseOutcomeUnknownError(
            bill_id, "recorded, but CareCloud named no purchase_id: do not resend; reconcile later"
        )
    return RecordedPurchase(purchase_id, bill_id, found_by_lookup=found_by_lookup)
