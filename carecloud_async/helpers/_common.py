"""Small pieces the helper modules share: request objects in, ``UNSET`` out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias, TypeVar, cast

from carecloud_openapi.types import Unset

from carecloud_async._errors import CareCloudError, ConfigurationError

__all__ = [
    "InsufficientBalanceError",
    "JsonObject",
    "exactly_one",
    "fields_of",
    "is_object",
    "records_of",
    "required_text",
    "unset_to_none",
    "without_none",
]

JsonObject: TypeAlias = Mapping[str, object]
"""A request object given as a dict (``{"bill_id": "B-1", ...}``); the client checks its
fields against the operation's schema and names the JSON path of any mistake."""

T = TypeVar("T")


class InsufficientBalanceError(CareCloudError):
    """The customer's wallet does not cover the requested points or credit; nothing was sent."""

    def __init__(self, kind: str, requested: float, available: float) -> None:
        self.kind = kind
        self.requested = requested
        self.available = available
        super().__init__(f"{kind}: requested {requested:g}, available {available:g}")


def unset_to_none(value: T | Unset) -> T | None:
    """Generated models use ``UNSET`` for absent fields; helpers return None instead."""
    return None if isinstance(value, Unset) else value


def without_none(**fields: object) -> dict[str, object]:
    """Request fields with the unset ones left out (the API treats absent and null differently)."""
    return {name: value for name, value in fields.items() if value is not None}


def exactly_one(what: str, **candidates: str | None) -> tuple[str, str]:
    """The one candidate given, as (name, value); none or several is a ConfigurationError."""
    given = [(name, value) for name, value in candidates.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(candidates)
        raise ConfigurationError(f"{what}: pass exactly one of {names}")
    return given[0]


def _kind(value: object) -> str:
    """What a value is, without echoing text (it may be personal data)."""
    if isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Sequence):
        return "a list"
    return "None" if value is None else f"a {type(value).__name__}"


def is_object(value: object) -> bool:
    """Whether a value is a JSON object as a request takes it (a mapping)."""
    return isinstance(value, Mapping)


def fields_of(value: object, where: str, path: str) -> dict[str, object]:
    """A request object as a fresh dict, from a mapping or a generated model.

    Anything else is refused before sending, naming the helper (``where``) and
    the JSON path (``path``) the way ``client.call`` does.
    """
    source: object = value
    to_dict: object = getattr(value, "to_dict", None)
    if not is_object(value) and callable(to_dict) and not isinstance(value, type):
        source = to_dict()
    if not is_object(source):
        raise ConfigurationError(
            f"{where}: {path} must be an object (a dict or a generated model), got {_kind(value)}"
        )
    fields = dict(cast("Mapping[object, object]", source))
    for key in fields:
        if not isinstance(key, str):
            raise ConfigurationError(f"{where}: {path} has a key that is not a string ({key!r})")
    return {str(key): item for key, item in fields.items()}


def records_of(values: object, where: str, path: str) -> list[dict[str, object]]:
    """A list of request objects as fresh dicts; each mistake names ``path[index]``."""
    if isinstance(values, str | bytes) or is_object(values) or not isinstance(values, Sequence):
        raise ConfigurationError(f"{where}: {path} must be a list of objects, got {_kind(values)}")
    items = cast("Sequence[object]", values)
    return [fields_of(value, where, f"{path}[{index}]") for index, value in enumerate(items)]


def required_text(fields: Mapping[str, object], key: str, where: str, path: str) -> str:
    """``fields[key]`` as a non-empty string, or a ConfigurationError naming ``path.key``."""
    if key not in fields or fields[key] is None:
        raise ConfigurationError(f"{where}: {path}.{key} is required but missing")
    value = fields[key]
    if not isinstance(value, str) or not value:
        got = "an empty string" if value == "" else _kind(value)
        raise ConfigurationError(f"{where}: {path}.{key} must be a non-empty string, got {got}")
    return value
