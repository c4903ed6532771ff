"""Find out which HTTP operation a generated endpoint calls, and what the spec says of it.

The facade accepts a generated endpoint module (``post_purchase_send``) or one
of its functions (``post_purchase_send._get_kwargs``). The generator
records each module's method and path in its tag package's ``ENDPOINTS``; the
normalized spec's facts per operation live in ``carecloud_openapi._operations``.
"""

from __future__ import annotations

import importlib
import sys
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import Any, Literal

from carecloud_openapi._operations import OPERATIONS

from carecloud_async._errors import ConfigurationError

__all__ = [
    "API",
    "ModelNames",
    "Operation",
    "endpoint_types",
    "operation_at",
    "operation_of",
    "operations_table",
    "resolve_endpoint",
]

API = Literal["enterprise", "customer"]


@dataclass(frozen=True)
class Operation:
    """What the spec says of one operation."""

    operation_id: str
    method: str
    path_template: str
    apis: tuple[str, ...]
    list_field: str | None
    """Name of the array under ``data`` for paginated list operations, else None."""

    def served_by(self, api: str) -> bool:
        return api in self.apis

    @property
    def is_idempotent(self) -> bool:
        return self.method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")


@cache
def operations_table() -> dict[tuple[str, str], tuple[str, tuple[str, ...], str | None]]:
    """``(method, path) -> (operationId, APIs serving it, list field)`` from the normalized spec."""
    return OPERATIONS


def operation_at(method: str, path: str) -> Operation:
    """The operation of the normalized spec at ``(method, path template)``."""
    operation_id, apis, list_field = operations_table()[(method, path)]
    return Operation(operation_id, method, path, apis, list_field)


@lru_cache(maxsize=1024)
def _operation_for_module(module_name: str) -> Operation:
    package_name, _, short_name = module_name.rpartition(".")
    package = importlib.import_module(package_name)
    endpoints: dict[str, tuple[str, str]] | None = getattr(package, "ENDPOINTS", None)
    if not endpoints or short_name not in endpoints:
        raise ConfigurationError(f"{module_name} is not a generated carecloud_openapi endpoint")
    return operation_at(*endpoints[short_name])


def resolve_endpoint(endpoint: ModuleType | Callable[..., Awaitable[Any]]) -> ModuleType:
    """Return the generated endpoint module for a module or one of its functions."""
    if isinstance(endpoint, ModuleType):
        module = endpoint
    else:
        module_name = getattr(endpoint, "__module__", None)
        found = sys.modules.get(module_name) if module_name else None
        if found is None:
            raise ConfigurationError(
                f"{endpoint!r} is neither a generated endpoint module nor one of its functions"
            )
        module = found
    if not module.__name__.startswith("carecloud_openapi.api.") or not hasattr(
        module, "_get_kwargs"
    ):
        raise ConfigurationError(
            f"{module.__name__} is not a generated endpoint module "
            "(expected carecloud_openapi.api.<tag>.<operation>)"
        )
    return module


def operation_of(endpoint: ModuleType | Callable[..., Awaitable[Any]]) -> Operation:
    """The spec's facts about the operation a generated endpoint calls."""
    return _operation_for_module(resolve_endpoint(endpoint).__name__)


class ModelNames(dict[str, object]):
    """Model names a module imports for type checkers only (endpoint modules, helpers),
    found in the models package when an annotation is resolved: pass it as ``localns``
    to ``typing.get_type_hints`` (``eval`` asks a dict subclass first)."""

    def __missing__(self, name: str) -> object:
        # Deferred: the models package's index is worth a millisecond of import time,
        # and annotations are resolved once per endpoint, on its first call.
        import carecloud_openapi.models as models

        try:
            return getattr(models, name)
        except AttributeError:
            raise KeyError(name) from None  # a builtin or a module global: look further


@lru_cache(maxsize=1024)
def endpoint_types(module: ModuleType) -> Mapping[str, Any]:
    """The types of an endpoint request builder's parameters (``_get_kwargs``), resolved.

    The endpoint modules import their models only for type checkers (a model brings in
    attrs; it is imported when first used), so the names are looked up in the models
    package.
    """
    return typing.get_type_hints(module._get_kwargs, localns=ModelNames())
