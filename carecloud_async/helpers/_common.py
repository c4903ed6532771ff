"""Small pieces the helper modules share."""

from __future__ import annotations

from typing import Any

from carecloud_async._errors import CareCloudError, ConfigurationError

__all__ = [
    "InsufficientBalanceError",
    "exactly_one",
    "unset_to_none",
    "without_none",
]


class InsufficientBalanceError(CareCloudError):
    """The customer's wallet does not cover the requested points or credit; nothing was sent."""

    def __init__(self, kind: str, requested: float, available: float) -> None:
        self.kind = kind
        self.requested = requested
        self.available = available
        super().__init__(f"{kind}: requested {requested:g}, available {available:g}")


def unset_to_none(value: Any) -> Any:
    """Generated models use ``UNSET`` for absent fields; helpers return None instead."""
    return None if type(value).__name__ == "Unset" else value


def without_none(**fields: Any) -> dict[str, Any]:
    """Request fields with the unset ones left out (the API treats absent and null differently)."""
    return {name: value for name, value in fields.items() if value is not None}


def exactly_one(what: str, **candidates: Any) -> tuple[str, Any]:
    given = [(name, value) for name, value in candidates.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(candidates)
        raise ConfigurationError(f"{what}: pass exactly one of {names}")
    return given[0]
