"""Marketing automation: events (with their property records) and segment membership."""

from __future__ import annotations

from collections.abc import Sequence

from carecloud_openapi.api.events import post_event
from carecloud_openapi.api.segments import post_segment_add_customer
from carecloud_openapi.models import PostSegmentAddCustomerBody

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import ConfigurationError
from carecloud_async.helpers._common import (
    JsonObject,
    fields_of,
    records_of,
    unset_to_none,
    without_none,
)

__all__ = ["add_customer_to_segment", "create_event"]


async def create_event(
    client: EnterpriseClient,
    *,
    event: JsonObject,
    property_records: Sequence[JsonObject] = (),
) -> str | None:
    """Record a customer event with its properties in one call; returns the event id."""

    records = records_of(property_records, "create_event", "property_records")
    for index, record in enumerate(records):
        if "property_id" not in record or "property_value" not in record:
            raise ConfigurationError(
                f"create_event: property_records[{index}] needs property_id and property_value"
            )
    body = without_none(
        event=fields_of(event, "create_event", "event"),
        property_records=records or None,
    )
    data = await client.call(post_event, body=body)
    return unset_to_none(data.event_id)


async def add_customer_to_segment(
    client: EnterpriseClient, segment_id: str, customer_id: str
) -> None:
    """Put a customer into a static segment (adding twice is harmless, so retried)."""

    await client.call(
        post_segment_add_customer,
        segment_id=segment_id,
        body=PostSegmentAddCustomerBody(customer_id=customer_id),
        retry_unsafe=True,
    )
