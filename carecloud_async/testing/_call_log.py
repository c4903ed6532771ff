"""The mock router's memory of what it received: the last calls of each operation.

A test run that sends a hundred thousand requests must not keep a hundred thousand
requests and answers alive, so each operation keeps only its most recent calls.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterator
from typing import Final, Generic, TypeVar

__all__ = ["DEFAULT_CALLS_PER_OPERATION", "CallLog"]

DEFAULT_CALLS_PER_OPERATION: Final = 1000
"""How many calls of each operation a router keeps unless told otherwise."""

CallT = TypeVar("CallT")


class CallLog(Generic[CallT]):
    """Calls by operation (None for requests that matched none), in arrival order.

    ``per_operation`` bounds how many of each operation are kept (the oldest go
    first); None keeps every call.
    """

    def __init__(self, per_operation: int | None = DEFAULT_CALLS_PER_OPERATION) -> None:
        if per_operation is not None and per_operation < 1:
            raise ValueError(f"calls_per_operation must be at least 1 or None, got {per_operation}")
        self.per_operation = per_operation
        self._by_operation: dict[str | None, deque[tuple[int, CallT]]] = {}
        self._serial = itertools.count()

    def add(self, operation_id: str | None, call: CallT) -> None:
        kept = self._by_operation.get(operation_id)
        if kept is None:
            kept = self._by_operation[operation_id] = deque(maxlen=self.per_operation)
        kept.append((next(self._serial), call))

    def of(self, operation_id: str | None) -> list[CallT]:
        """The kept calls of one operation, oldest first."""
        return [call for _, call in self._by_operation.get(operation_id, ())]

    def all(self) -> list[CallT]:
        """Every kept call, oldest first."""
        merged: Iterator[tuple[int, CallT]] = heapq.merge(
            *self._by_operation.values(), key=lambda entry: entry[0]
        )
        return [call for _, call in merged]

    def clear(self) -> None:
        self._by_operation.clear()
