"""Turn ``name=value`` words from the command line into an endpoint's typed arguments."""

from __future__ import annotations

import inspect
import json
import types
from enum import Enum
from functools import cache
from types import ModuleType
from typing import Any, Union, get_args, get_origin

from carecloud_async import ConfigurationError
from carecloud_async._operations import endpoint_types

__all__ = ["endpoint_arguments", "parse_assignments"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_assignments(words: list[str]) -> dict[str, str]:
    """``["store_id=7", "count=5"]`` -> ``{"store_id": "7", "count": "5"}``."""
    result: dict[str, str] = {}
    for word in words:
        name, sep, value = word.partition("=")
        if not sep or not name.strip():
            raise ConfigurationError(f"expected name=value, got {word!r}")
        result[name.strip()] = value
    return result


@cache
def _signature(module: ModuleType) -> dict[str, Any]:
    types = endpoint_types(module)
    return {name: types[name] for name in inspect.signature(module._get_kwargs).parameters}


def _members(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return (annotation,)


def _convert(name: str, text: str, annotation: Any) -> Any:
    members = [m for m in _members(annotation) if getattr(m, "__name__", "") != "Unset"]
    for member in members:
        if isinstance(member, type) and issubclass(member, Enum):
            for option in member:
                if str(option.value) == text:
                    return option
            for option in member:
                if str(option.value).lower() == text.lower():
                    return option
            choices = ", ".join(str(o.value) for o in member)
            raise ConfigurationError(f"{name}: {text!r} is not one of {choices}")
    for member in members:
        try:
            if member is bool:
                if text.lower() in _TRUE | _FALSE:
                    return text.lower() in _TRUE
                continue
            if member is int:
                return int(text)
            if member is float:
                return float(text)
        except ValueError:
            continue
    if str in members or not members:
        return text
    if any(get_origin(m) is list for m in members):
        return [part for part in text.split(",") if part]
    try:
        return json.loads(text)
    except ValueError:
        raise ConfigurationError(f"{name}: cannot read {text!r} as {annotation}") from None


def endpoint_arguments(
    module: ModuleType, operation_id: str, raw: dict[str, str]
) -> dict[str, Any]:
    """Typed keyword arguments for the endpoint; unknown names are refused by name."""
    signature = _signature(module)
    arguments: dict[str, Any] = {}
    for name, text in raw.items():
        if name not in signature or name == "body":
            known = ", ".join(n for n in signature if n != "body") or "none"
            raise ConfigurationError(
                f"{operation_id} has no parameter {name!r} (parameters: {known})"
            )
        arguments[name] = _convert(name, text, signature[name])
    return arguments


def takes_body(module: ModuleType) -> bool:
    return "body" in _signature(module)
