"""Workflows over the generated endpoints: checkout, customers, cards, product sync,
marketing events and segments. Each helper exists because it adds a rule, an
order of calls or a safer default; for anything else call the endpoint directly."""

from carecloud_async.helpers._common import InsufficientBalanceError, JsonObject, unset_to_none
from carecloud_async.helpers.cards import CardUnavailableError, assign_free_card, create_card
from carecloud_async.helpers.checkout import (
    BillInput,
    Checkout,
    PurchaseOutcomeUnknownError,
    RecordedPurchase,
    WalletOverview,
)
from carecloud_async.helpers.customers import (
    SignUpContext,
    change_password,
    find_by_external_id,
    merge_changes,
    newsletter_sign_up,
    search_customers,
    search_customers_strict,
    sign_up,
    sign_up_context,
    synchronize_customer,
    update_customer,
    verify_credentials,
)
from carecloud_async.helpers.marketing import add_customer_to_segment, create_event
from carecloud_async.helpers.products import MAX_BATCH, ChunkResult, sync_products

__all__ = [
    "MAX_BATCH",
    "BillInput",
    "CardUnavailableError",
    "Checkout",
    "ChunkResult",
    "InsufficientBalanceError",
    "JsonObject",
    "PurchaseOutcomeUnknownError",
    "RecordedPurchase",
    "SignUpContext",
    "WalletOverview",
    "add_customer_to_segment",
    "assign_free_card",
    "change_password",
    "create_card",
    "create_event",
    "find_by_external_id",
    "merge_changes",
    "newsletter_sign_up",
    "search_customers",
    "search_customers_strict",
    "sign_up",
    "sign_up_context",
    "sync_products",
    "synchronize_customer",
    "unset_to_none",
    "update_customer",
    "verify_credentials",
]
