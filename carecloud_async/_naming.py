"""How Python names are derived from the spec: one small, pure rule set.

* A namespace attribute on the client is the operation's tag in snake case:
  ``"Purchase item types"`` -> ``client.purchase_item_types``.
* A method is the operationId in snake case: ``postPurchaseSend`` ->
  ``post_purchase_send`` (the same name as its generated endpoint module).
* A list operation also gets ``paginate_<method>`` (its items, one by one) and
  ``pages_<method>`` (whole pages), like ``client.paginate`` / ``client.pages``.
* A name that is a Python keyword or already taken on the client gets a
  trailing underscore.
* The operation's page in CareCloud's reference is
  ``https://carecloud.readme.io/reference/<operationid in lower case>``.

The generator (``scripts/typed_surface.py``) and ``find_operation`` both use
these functions, so what the reference says and what Python offers agree.
"""

from __future__ import annotations

import keyword
import re

__all__ = [
    "REFERENCE_URL",
    "method_name",
    "namespace_name",
    "pages_name",
    "paginate_name",
    "reference_url",
    "snake_case",
]

REFERENCE_URL = "https://carecloud.readme.io/reference/"

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^0-9a-zA-Z]+")

RESERVED = frozenset(
    {
        "accept_language",
        "aclose",
        "api",
        "auth",
        "base_url",
        "call",
        "call_raw",
        "customer_logged_in",
        "device_token",
        "from_env",
        "http",
        "interface",
        "login_customer",
        "logout_customer",
        "pages",
        "paginate",
        "project_timezone",
    }
)
"""Attributes the clients already have; a namespace never shadows one."""


def snake_case(text: str) -> str:
    """``"getPurchaseItems"`` or ``"Purchase item types"`` -> lower snake case."""
    words = _NOT_WORD.sub(" ", _CAMEL_BOUNDARY.sub(" ", text)).split()
    name = "_".join(word.lower() for word in words)
    if not name or name[0].isdigit():
        name = f"op_{name}"
    return name


def _safe(name: str, taken: frozenset[str] = frozenset()) -> str:
    return f"{name}_" if keyword.iskeyword(name) or name in taken else name


def namespace_name(tag: str) -> str:
    """The client attribute grouping a tag's operations."""
    return _safe(snake_case(tag), RESERVED)


def method_name(operation_id: str) -> str:
    """The namespace method calling an operation."""
    return _safe(snake_case(operation_id))


def paginate_name(operation_id: str) -> str:
    """The namespace method iterating over a list operation's items."""
    return f"paginate_{snake_case(operation_id)}"


def pages_name(operation_id: str) -> str:
    """The namespace method iterating over a list operation's pages."""
    return f"pages_{snake_case(operation_id)}"


def reference_url(operation_id: str) -> str:
    """The operation's page in CareCloud's API reference."""
    return REFERENCE_URL + operation_id.lower()
