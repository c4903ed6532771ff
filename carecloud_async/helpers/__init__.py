"""Workflows over the generated endpoints: checkout, customers, cards, product sync,
marketing events and segments. Each helper exists because it adds a rule, an
order of calls or a safer default; for anything else call the endpoint directly.

Each helper module is loaded on first use, so one whose operation a new spec removed
breaks only itself (and what uses it), not every helper."""

from __future__ import annotations

from typing import TYPE_CHECKING

from carecloud_async._lazy import lazy_exports

if TYPE_CHECKING:
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

_EXPORTS: dict[str, str] = {
    "BillInput": "checkout",
    "CardUnavailableError": "cards",
    "Checkout": "checkout",
    "ChunkResult": "products",
    "InsufficientBalanceError": "_common",
    "JsonObject": "_common",
    "MAX_BATCH": "products",
    "PurchaseOutcomeUnknownError": "checkout",
    "RecordedPurchase": "checkout",
    "SignUpContext": "customers",
    "WalletOverview": "checkout",
    "add_customer_to_segment": "marketing",
    "assign_free_card": "cards",
    "change_password": "customers",
    "create_card": "cards",
    "create_event": "marketing",
    "find_by_external_id": "customers",
    "merge_changes": "customers",
    "newsletter_sign_up": "customers",
    "search_customers": "customers",
    "search_customers_strict": "customers",
    "sign_up": "customers",
    "sign_up_context": "customers",
    "sync_products": "products",
    "synchronize_customer": "customers",
    "unset_to_none": "_common",
    "update_customer": "customers",
    "verify_credentials": "customers",
}

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
