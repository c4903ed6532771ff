"""Workflows over the generated endpoints: checkout, customers, cards, product sync,
marketing events and segments. Each helper exists because it adds a rule, an
order of calls or a safer default; for anything else call the endpoint directly."""

from carecloud_async.helpers._common import InsufficientBalanceError, unset_to_none
from carecloud_async.helpers.checkout import Checkout

__all__ = ["Checkout", "InsufficientBalanceError", "unset_to_none"]
