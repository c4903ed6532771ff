"""Customer workflows: sign-up, credentials, search, external ids, safe full updates.

``PUT /customers/{id}`` replaces the whole record: a field you leave out is
erased. ``update_customer`` therefore always starts from the record as the
server has it now and merges your changes in, so nothing is wiped by accident.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import ConfigurationError
from carecloud_async.helpers._common import exactly_one, unset_to_none, without_none

__all__ = [
    "SignUpContext",
    "change_password",
    "find_by_external_id",
    "merge_changes",
    "newsletter_sign_up",
    "search_customers",
    "search_customers_strict",
    "sign_up",
    "sign_up_context",
    "synchronize_customer",
    "update_customer",
    "verify_credentials",
]

# Fields the server computes; sending them back in a PUT is refused or ignored.
READ_ONLY_CUSTOMER_FIELDS = frozenset(
    {"customer_id", "doi_email", "doi_phone", "last_change", "state"}
)


@dataclass(frozen=True)
class SignUpContext:
    """What a sign-up form needs before it can be shown."""

    stores: list[Any]
    customer_sources: list[Any]
    customer_properties: list[Any]


async def _items(client: EnterpriseClient, endpoint: Any, field: str, **filters: Any) -> list[Any]:
    return [item async for item in client.paginate(endpoint, **filters)]


async def sign_up_context(client: EnterpriseClient) -> SignUpContext:
    """Stores, customer sources and customer properties, fetched together."""
    from carecloud_openapi.api.customer_properties import get_customer_properties
    from carecloud_openapi.api.customer_sources import get_customer_sources
    from carecloud_openapi.api.stores import get_stores

    stores, sources, properties = await asyncio.gather(
        _items(client, get_stores, "stores"),
        _items(client, get_customer_sources, "customer_sources"),
        _items(client, get_customer_properties, "customer_properties"),
    )
    return SignUpContext(stores, sources, properties)


async def sign_up(
    client: EnterpriseClient,
    customer: Mapping[str, Any],
    *,
    customer_source: Mapping[str, Any],
    password: str | None = None,
    autologin: bool = False,
    property_records: list[Mapping[str, Any]] | None = None,
) -> str | None:
    """Create a customer; returns the new customer id."""
    from carecloud_openapi.api.customers import post_customer

    body = without_none(
        customer=dict(customer),
        customer_source=dict(customer_source),
        password=password,
        autologin=autologin,
        property_records=[dict(r) for r in property_records] if property_records else None,
    )
    data = await client.call(post_customer, body=body)
    customer_id = unset_to_none(getattr(data, "customer_id", None))
    return customer_id if isinstance(customer_id, str) else None


async def verify_credentials(
    client: EnterpriseClient,
    *,
    password: str,
    email: str | None = None,
    card_number: str | None = None,
) -> Any:
    """Check a customer's email or card number with a password; returns the customer."""
    from carecloud_openapi.api.customers_actions import post_customer_verify_credentials as endpoint

    kind, value = exactly_one("verify_credentials", email=email, card_number=card_number)
    body = {
        "login_type": "email" if kind == "email" else "card",
        "login_value": value,
        "password": password,
    }
    return await client.call(endpoint, body=body, retry_unsafe=True)


def search_customers(client: EnterpriseClient, **filters: Any) -> Any:
    """All customers matching ``GET /customers`` filters (email, phone, names...), paged."""
    from carecloud_openapi.api.customers import get_customers

    return client.paginate(get_customers, **filters)


async def search_customers_strict(
    client: EnterpriseClient,
    *,
    first_name: str,
    last_name: str,
    birthdate: str,
    card_number: str | None = None,
) -> Any:
    """The strict ``search-customers`` action: every given field must match."""
    from carecloud_openapi.api.customers_actions import get_customer_search
    from carecloud_openapi.models import GetCustomerSearchMode

    filters = without_none(
        first_name=first_name, last_name=last_name, birthdate=birthdate, card_number=card_number
    )
    return await client.call(get_customer_search, mode=GetCustomerSearchMode.STRICT, **filters)


async def find_by_external_id(
    client: EnterpriseClient, *, customer_source_id: str, external_id: str
) -> Any | None:
    """The customer another system knows as ``external_id``, via customer source records."""
    from carecloud_openapi.api.customer_source_records import get_customer_source_records
    from carecloud_openapi.api.customers import get_customer

    data = await client.call(
        get_customer_source_records,
        customer_source_id=customer_source_id,
        external_ids=[external_id],  # the single-value filter is deprecated upstream
        count=1,
    )
    records = unset_to_none(getattr(data, "customer_source_records", None)) or []
    if not records:
        return None
    return await client.call(get_customer, customer_id=records[0].customer_id)


def merge_changes(
    current: Mapping[str, Any], changes: Mapping[str, Any], *, where: str = "customer"
) -> dict[str, Any]:
    """``current`` with ``changes`` merged in, nested objects field by field.

    ``None`` in ``changes`` would erase a field on the server; it is refused so
    that an unset variable cannot wipe data. Use an empty string to clear text.
    """
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            raise ConfigurationError(
                f"{where}.{key} is None: refusing to erase it (pass '' to clear)"
            )
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_changes(merged[key], value, where=f"{where}.{key}")
        else:
            merged[key] = value
    return merged


async def update_customer(
    client: EnterpriseClient,
    customer_id: str,
    changes: Mapping[str, Any],
    *,
    password: str | None = None,
    property_records: list[Mapping[str, Any]] | None = None,
) -> Any:
    """Change some fields of a customer without erasing the others (fetch, merge, full PUT)."""
    from carecloud_openapi.api.customers import get_customer, put_customer

    current = (await client.call(get_customer, customer_id=customer_id)).to_dict()
    record = merge_changes(current, changes)
    for field in READ_ONLY_CUSTOMER_FIELDS:
        record.pop(field, None)
    body = without_none(
        customer=record,
        password=password,
        property_records=[dict(r) for r in property_records] if property_records else None,
    )
    return await client.call(
        put_customer,
        customer_id=customer_id,
        body=body,
    )


async def change_password(client: EnterpriseClient, customer_id: str, new_password: str) -> Any:
    """Set a new password; the record itself is sent back unchanged."""
    if not new_password:
        raise ConfigurationError("new_password is empty")
    return await update_customer(client, customer_id, {}, password=new_password)


async def synchronize_customer(
    client: EnterpriseClient,
    *,
    customer_source: Mapping[str, Any],
    record: Mapping[str, Any],
) -> tuple[str | None, bool]:
    """Find the customer by the source's external id and update it, or create it.

    ``customer_source`` holds ``customer_source_id`` and ``external_id``.
    Returns (customer id, whether it was created).
    """
    source_id = customer_source.get("customer_source_id")
    external_id = customer_source.get("external_id")
    if not source_id or not external_id:
        raise ConfigurationError("customer_source needs customer_source_id and external_id")
    existing = await find_by_external_id(
        client, customer_source_id=str(source_id), external_id=str(external_id)
    )
    if existing is None:
        return await sign_up(client, record, customer_source=customer_source), True
    await update_customer(client, existing.customer_id, record)
    return existing.customer_id, False


async def newsletter_sign_up(
    client: EnterpriseClient,
    *,
    email: str,
    customer_source_id: str,
    language_id: str | None = None,
    agreements: Mapping[str, Any] | None = None,
) -> Any:
    """Subscribe an email to newsletters (creating a contact, not a full customer)."""
    from carecloud_openapi.api.customers_actions import (
        post_customer_newsletters_sign_up as endpoint,
    )

    body = without_none(
        contact=email,
        customer_source_id=customer_source_id,
        language_id=language_id,
        agreements=dict(agreements) if agreements else None,
    )
    return await client.call(endpoint, body=body)
