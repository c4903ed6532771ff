"""Which fields hold secrets or personal data, and model reprs that keep them hidden.

One rule for every place a value could leak into text: ``carecloud_async``'s
logging masks request and response bodies by it, and every generated model's
``repr()`` does (reprs end up in logs, tracebacks and error trackers). The
values themselves stay whole on the model's attributes and in ``to_dict()``.
``tests/test_log_secrets.py`` and ``tests/test_model_reprs.py`` check the rule
against every property name of the spec.
"""

from __future__ import annotations

import re

__all__ = ["MASK", "SECRET_FIELDS", "is_masked", "is_personal", "is_secret", "model_repr"]

MASK = "***"
"""What a masked value is shown as."""

SECRET_FIELDS = frozenset(
    {
        "application_id",
        "auth_token",
        "authentication_token",
        "bearer_token",
        "external_application_id",
        "login",
        "login_value",
        "password",
        "push_token",
        "social_network_credentials",
        "social_network_token",
        "sso_token",
        "token",
        "token_id",
        "user_external_application_id",
        "verification_code",
    }
)
"""Credential fields of the CareCloud API (and the login name): never shown."""
_SECRET_KEY = re.compile(
    r"password|passwd|token|secret|credential|authorization|api_?key|application_id|cvv"
    r"|(?:^|_)pin(?:$|_)|verification_code$|^login(?:_value)?$",
    re.IGNORECASE,
)
"""Keys whose values are credentials, whatever their shape."""
_PERSONAL_KEY = re.compile(
    r"e_?mail|phone|mobile|birth|address|card_?number|iban|gender"
    r"|(?:^|_)(?:street|city|zip|zip_code|postal_code|postcode)$"
    r"|^(?:first|last|middle|full|maiden|nick|user)?_?name$"
    r"|(?:first|last|middle|maiden)_?name$",
    re.IGNORECASE,
)
"""Keys whose values identify a person."""


def is_secret(key: str) -> bool:
    """Whether a field of this name holds a credential."""
    return key.lower() in SECRET_FIELDS or _SECRET_KEY.search(key) is not None


def is_personal(key: str) -> bool:
    """Whether a field of this name holds personal data (email, phone, name, address...)."""
    return _PERSONAL_KEY.search(key) is not None


def is_masked(key: str) -> bool:
    """Whether a field of this name is hidden in reprs and logs."""
    return is_secret(key) or is_personal(key)


# Per model class: (attribute, shown as, masked) for each field; the catch-all dict of
# undeclared keys is stored under "_<name>" and shown as "<name>".
_Fields = tuple[tuple[str, str, bool], ...]
_fields_by_class: dict[type, _Fields] = {}


def _fields_of(cls: type) -> _Fields:
    found = _fields_by_class.get(cls)
    if found is None:
        names = [attribute.name for attribute in getattr(cls, "__attrs_attrs__", ())]
        found = tuple(
            (name, name.lstrip("_"), not name.startswith("_") and is_masked(name)) for name in names
        )
        _fields_by_class[cls] = found  # the same for every thread that computes it
    return found


def _shown(value: object, masked: bool) -> str:
    return MASK if masked and value is not None else repr(value)


def _shown_keys(keys: dict[str, object]) -> str:
    """Undeclared keys the server sent: masked by their names like declared ones."""
    pairs = (f"{key!r}: {_shown(value, is_masked(key))}" for key, value in keys.items())
    return "{" + ", ".join(pairs) + "}"


def model_repr(model: object) -> str:
    """``Customer(customer_id='8ea2...', email=***, ...)``: secrets and personal data masked.

    Fields the JSON object did not have (``UNSET``) are left out, and so is an empty
    catch-all of undeclared keys.
    """
    parts = []
    for attribute, shown_as, masked in _fields_of(type(model)):
        value = getattr(model, attribute)
        if attribute.startswith("_"):
            if value:
                parts.append(f"{shown_as}={_shown_keys(value)}")
        elif type(value).__name__ != "Unset":  # by name: importing .types would load attrs
            parts.append(f"{shown_as}={_shown(value, masked)}")
    return f"{type(model).__name__}({', '.join(parts)})"
