"""Protocols that let type checkers see what ``client.call`` returns for an endpoint module.

Every generated endpoint module declares, for type checkers only, a
``_typed_data`` function returning the type of its answer's ``data`` (and,
for list operations, ``_typed_item``). A module satisfies these protocols
structurally (PEP 544), so ``await client.call(get_purchase, ...)`` is typed
``Purchase`` without any run-time cost.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

__all__ = ["TypedEndpoint", "TypedListEndpoint"]

DataT_co = TypeVar("DataT_co", covariant=True)
ItemT_co = TypeVar("ItemT_co", covariant=True)


class TypedEndpoint(Protocol[DataT_co]):
    """A generated endpoint module whose ``data`` has type ``DataT_co``."""

    def _typed_data(self, parsed: object, /) -> DataT_co: ...


class TypedListEndpoint(Protocol[ItemT_co]):
    """A generated list endpoint module whose items have type ``ItemT_co``."""

    def _typed_item(self, parsed: object, /) -> ItemT_co: ...
