"""Customer workflows: sign-up, credentials, search, external ids, safe full updates.

``PUT /customers/{id}`` replaces the whole record: a field you leave out is
erased. ``update_customer`` therefore always starts from the record as the
server has it now and merges your changes in, so nothing is wiped by accident.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from carecloud_openapi.api.customer_properties import get_customer_properties
from carecloud_openapi.api.customer_source_records import get_customer_source_records
from carecloud_openapi.api.customer_sources import get_customer_sources
from carecloud_openapi.api.customers import get_customer, get_customers, post_customer, put_customer
from carecloud_openapi.api.customers_actions import (
    get_customer_search,
    post_customer_newsletters_sign_up,
    post_customer_verify_credentials,
)
from carecloud_openapi.api.stores import get_stores
from carecloud_openapi.models import GetCustomerSearchMode

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import ConfigurationError
from carecloud_async._typed_endpoint import TypedListEndpoint
from carecloud_async.helpers._common import (
    JsonObject,
    exactly_one,
    fields_of,
    is_object,
    records_of,
    required_text,
    unset_to_none,
    without_none,
)

if TYPE_CHECKING:
    from carecloud_openapi.models import (
        Customer,
        CustomerSearchResult,
        CustomerSource,
        PostCustomerVerifyCredentialsPostCustomerVerifyCredentials200ResponseData,
        Property,
        Store,
    )

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

ItemT = TypeVar("ItemT")

# Fields the server computes; sending them back in a PUT is refused or ignored.
READ_ONLY_CUSTOMER_FIELDS = frozenset(
    {"customer_id", "doi_email", "doi_phone", "last_change", "state"}
)


@dataclass(frozen=True)
class SignUpContext:
    """What a sign-up form needs before it can be shown."""

    stores: list[Store]
    customer_sources: list[CustomerSource]
    customer_properties: list[Property]


async def _items(client: EnterpriseClient, endpoint: TypedListEndpoint[ItemT]) -> list[ItemT]:
    return [item async for item in client.paginate(endpoint)]


async def sign_up_context(client: EnterpriseClient) -> SignUpContext:
    """Stores, customer sources and customer properties, fetched together."""

    stores, sources, properties = await asyncio.gather(
        _items(client, get_stores),
        _items(client, get_customer_sources),
        _items(client, get_customer_properties),
    )
    return SignUpContext(stores, sources, properties)


async def sign_up(
    client: EnterpriseClient,
    customer: JsonObject,
    *,
    customer_source: JsonObject,
    password: str | None = None,
    autologin: bool = False,
    property_records: Sequence[JsonObject] | None = None,
) -> str | None:
    """Create a customer; returns the new customer id (None if the answer named none)."""

    body = without_none(
        customer=fields_of(customer, "sign_up", "customer"),
        customer_source=fields_of(customer_source, "sign_up", "customer_source"),
        password=password,
        autologin=autologin,
        property_records=(
            records_of(property_records, "sign_up", "property_records")
            if property_records
            else None
        ),
    )
    data = await client.call(post_customer, body=body)
    return unset_to_none(data.customer_id)


async def verify_credentials(
    client: EnterpriseClient,
    *,
    password: str,
    email: str | None = None,
    card_number: str | None = None,
) -> PostCustomerVerifyCredentialsPostCustomerVerifyCredentials200ResponseData:
    """Check a customer's email or card number with a password; returns the customer."""

    kind, value = exactly_one("verify_credentials", email=email, card_number=card_number)
    body = {
        "login_type": "email" if kind == "email" else "card",
        "login_value": value,
        "password": password,
    }
    return await client.call(post_customer_verify_credentials, body=body, retry_unsafe=True)


def search_customers(client: EnterpriseClient, **filters: object) -> AsyncGenerator[Customer, None]:
    """All customers matching ``GET /customers`` filters (email, phone, names...), paged."""

    # The client checks each filter against the operation; here they only pass through.
    options: dict[str, Any] = dict(filters)
    return client.paginate(get_customers, **options)


async def search_customers_strict(
    client: EnterpriseClient,
    *,
    first_name: str,
    last_name: str,
    birthdate: str,
    card_number: str | None = None,
) -> CustomerSearchResult:
    """The strict ``search-customers`` action: every given field must match."""

    filters: dict[str, Any] = without_none(
        first_name=first_name, last_name=last_name, birthdate=birthdate, card_number=card_number
    )
    found: CustomerSearchResult = await client.call(
        get_customer_search, mode=GetCustomerSearchMode.STRICT, **filters
    )
    return found


async def find_by_external_id(
    client: EnterpriseClient, *, customer_source_id: str, external_id: str
) -> Customer | None:
    """The customer another system knows as ``external_id``, via customer source records."""

    customer_id = await _customer_id_of(client, customer_source_id, external_id)
    if customer_id is None:
        return None
    return await client.call(get_customer, customer_id=customer_id)


async def _customer_id_of(
    client: EnterpriseClient, customer_source_id: str, external_id: str
) -> str | None:

    data = await client.call(
        get_customer_source_records,
        customer_source_id=customer_source_id,
        external_ids=[external_id],  # the single-value filter is deprecated upstream
        count=1,
    )
    records = unset_to_none(data.customer_source_records) or []
    return (unset_to_none(records[0].customer_id) or None) if records else None


def merge_changes(
    current: JsonObject, changes: JsonObject, *, where: str = "customer"
) -> dict[str, object]:
    """``current`` with ``changes`` merged in, nested objects field by field.

    ``None`` in ``changes`` would erase a field on the server; it is refused so
    that an unset variable cannot wipe data. Use an empty string to clear text.
    """
    merged = fields_of(current, "merge_changes", where)
    for key, value in fields_of(changes, "merge_changes", where).items():
        if value is None:
            raise ConfigurationError(
                f"{where}.{key} is None: refusing to erase it (pass '' to clear)"
            )
        existing = merged.get(key)
        if is_object(value) and is_object(existing):
            merged[key] = merge_changes(
                fields_of(existing, "merge_changes", f"{where}.{key}"),
                fields_of(value, "merge_changes", f"{where}.{key}"),
                where=f"{where}.{key}",
            )
        else:
            merged[key] = value
    return merged


async def update_customer(
    client: EnterpriseClient,
    customer_id: str,
    changes: JsonObject,
    *,
    password: str | None = None,
    property_records: Sequence[JsonObject] | None = None,
) -> None:
    """Change some fields of a customer without erasing the others (fetch, merge, full PUT)."""

    current = (await client.call(get_customer, customer_id=customer_id)).to_dict()
    record = merge_changes(current, changes)
    for field in READ_ONLY_CUSTOMER_FIELDS:
        record.pop(field, None)
    body = without_none(
        customer=record,
        password=password,
        property_records=(
            records_of(property_records, "update_customer", "property_records")
            if property_records
            else None
        ),
    )
    await client.call(put_customer, customer_id=customer_id, body=body)


async def change_password(client: EnterpriseClient, customer_id: str, new_password: str) -> None:
    """Set a new password; the record itself is sent back unchanged."""
    if not new_password:
        raise ConfigurationError("change_password: new_password is empty")
    await update_customer(client, customer_id, {}, password=new_password)


async def synchronize_customer(
    client: EnterpriseClient,
    *,
    customer_source: JsonObject,
    record: JsonObject,
) -> tuple[str | None, bool]:
    """Find the customer by the source's external id and update it, or create it.

    ``customer_source`` holds ``customer_source_id`` and ``external_id``.
    Returns (customer id, whether it was created).
    """
    where = "synchronize_customer"
    source = fields_of(customer_source, where, "customer_source")
    source_id = required_text(source, "customer_source_id", where, "customer_source")
    external_id = required_text(source, "external_id", where, "customer_source")
    fields_of(record, where, "record")
    existing_id = await _customer_id_of(client, source_id, external_id)
    if existing_id is None:
        return await sign_up(client, record, customer_source=source), True
    await update_customer(client, existing_id, record)
    return existing_id, False


async def newsletter_sign_up(
    client: EnterpriseClient,
    *,
    email: str,
    customer_source_id: str,
    language_id: str | None = None,
    agreements: JsonObject | None = None,
) -> None:
    """Subscribe an email to newsletters (creating a contact, not a full customer)."""

    body = without_none(
        contact=email,
        customer_source_id=customer_source_id,
        language_id=language_id,
        agreements=fields_of(agreements, "newsletter_sign_up", "agreements")
        if agreements
        else None,
    )
    await client.call(post_customer_newsletters_sign_up, body=body)
