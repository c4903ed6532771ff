"""Loyalty cards: hand out a free physical card, or issue a new card of a card type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from carecloud_openapi.api.cards import get_cards, post_card, put_card

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import CareCloudError
from carecloud_async.helpers._common import unset_to_none, without_none

if TYPE_CHECKING:
    from carecloud_openapi.models import Card, PostCardPostCards201ResponseData

__all__ = ["CardUnavailableError", "assign_free_card", "create_card"]

READ_ONLY_CARD_FIELDS = frozenset({"card_id", "last_change"})


class CardUnavailableError(CareCloudError):
    """The card number does not exist, or the card already belongs to someone; nothing changed."""

    def __init__(self, card_number_tail: str, reason: str) -> None:
        self.reason = reason
        super().__init__(f"card ...{card_number_tail}: {reason}")


async def assign_free_card(client: EnterpriseClient, card_number: str, customer_id: str) -> Card:
    """Give the customer a card that exists and has no owner yet (look up, check, update).

    Returns the card as it now is, owned by ``customer_id``, whether it was just
    assigned or already was.
    """

    tail = card_number[-4:]  # card numbers are personal data: errors show the last digits only
    data = await client.call(get_cards, card_number=card_number, count=1)
    cards = unset_to_none(data.cards) or []
    if not cards:
        raise CardUnavailableError(tail, "no such card")
    card = cards[0]
    owner = unset_to_none(card.customer_id)
    if owner == customer_id:
        return card  # already done: assigning again is a no-op, not an error
    if owner:
        raise CardUnavailableError(tail, "already assigned to another customer")
    card_id = unset_to_none(card.card_id)
    if not card_id:
        raise CardUnavailableError(tail, "CareCloud listed it without a card_id")
    fields = card.to_dict()
    record = {k: v for k, v in fields.items() if k not in READ_ONLY_CARD_FIELDS}
    record["customer_id"] = customer_id
    await client.call(put_card, card_id=card_id, body={"card": record})
    return type(card).from_dict({**fields, "customer_id": customer_id})


async def create_card(
    client: EnterpriseClient,
    *,
    card_type_id: str,
    card_number: str,
    customer_id: str | None = None,
    valid_from: str | datetime | None = None,
    valid_to: str | datetime | None = None,
    store_id: str | None = None,
    state: int = 1,
) -> PostCardPostCards201ResponseData:
    """Issue a card of a card type (``state`` 1 is active), optionally owned from the start.

    ``valid_from`` and ``valid_to`` take a datetime (sent in project time) or an API string.
    """

    card = without_none(
        state=state,
        card_type_id=card_type_id,
        customer_id=customer_id,
        card_number=card_number,
        valid_from=valid_from,
        valid_to=valid_to,
        store_id=store_id,
    )
    return await client.call(post_card, body={"card": card})
