"""A list operation's items as a table: their column shapes and the field naming each.

Core, without pyarrow: the command line's incremental runs tell rows apart by the
primary key, and ``carecloud_async.etl`` gives each column shape its Arrow type.
The items are found through the one schema walker (``_incremental.item_node``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Final

from carecloud_async._errors import ConfigurationError
from carecloud_async._find import find_operation
from carecloud_async._incremental import item_node
from carecloud_async._operations import Operation, operation_at, operation_of
from carecloud_async._schema import Column, spec_schemas

__all__ = ["ItemTable", "OperationRef", "item_table", "primary_key"]

OperationRef = str | ModuleType
"""An operationId (``"getPurchases"``), ``"GET /purchases"``, or a generated endpoint module."""

# A list that names the other side of a relation, where the record's own id is another field.
_KEY_OVERRIDES: Final = {
    # related_customers lists related_customer_id, but one customer can be related twice
    # (two relation types): the relation record's own id is the key.
    "getSubCustomerRelatedCustomers": "customer_relation_id",
}


@dataclass(frozen=True)
class ItemTable:
    """One list operation's items as a table: where they are and what each column holds."""

    operation_id: str
    list_field: str
    """The array under ``data`` holding the items."""
    column: Column
    """The item schema's storage shape (a struct)."""
    primary_key: str | None


def _operation(operation: OperationRef) -> Operation:
    if isinstance(operation, ModuleType):
        return operation_of(operation)
    info = find_operation(operation)
    return operation_at(info.method, info.path)


@cache
def _table(operation: Operation) -> ItemTable:
    if operation.list_field is None:
        raise ConfigurationError(
            f"{operation.operation_id} ({operation.method} {operation.path_template}) "
            "is not a paginated list operation"
        )
    operation_id, list_field = operation.operation_id, operation.list_field
    column = spec_schemas().column(item_node(operation).schema)
    if column.kind != "struct":
        raise ConfigurationError(f"{operation_id}: its {list_field} items are not objects")
    return ItemTable(operation_id, list_field, column, _key_of(operation_id, list_field, column))


def item_table(operation: OperationRef) -> ItemTable:
    """The items of a list operation as a table; ``ConfigurationError`` for any other."""
    return _table(_operation(operation))


def _stem(word: str) -> str:
    """A word's comparison key, the same in the singular and the plural
    (``purchases``/``purchase``, ``statuses``/``status``, ``countries``/``country``)."""
    if word.endswith("ies"):
        word = word[:-3] + "y"
    return word.rstrip("se") or word


def _key_of(operation_id: str, list_field: str, column: Column) -> str | None:
    """The ``*_id`` field naming the listed resource (``purchases`` -> ``purchase_id``).

    Its last word must be the list's last word in the singular; among several, the
    one whose words match more of the list's name wins (``entrances``: ``entrance_id``
    over ``external_entrance_id``). Lists of history entries name no id: None.
    """
    if operation_id in _KEY_OVERRIDES:
        return _KEY_OVERRIDES[operation_id]
    resource = [_stem(word) for word in list_field.split("_")]
    best: tuple[int, int, str] | None = None
    for name, field in column.fields:
        if not name.endswith("_id") or field.kind not in ("string", "integer"):
            continue
        words = [_stem(word) for word in name.removesuffix("_id").split("_")]
        if words[-1] != resource[-1]:
            continue
        shared = 0
        while shared < min(len(words), len(resource)) and (
            words[-1 - shared] == resource[-1 - shared]
        ):
            shared += 1
        unmatched = len(words) - shared
        rank = (shared, -unmatched, name)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return None if best is None else best[2]


def primary_key(operation: OperationRef) -> str | None:
    """The field that identifies an item of a list operation, from the spec; None if none.

    ``purchase_id`` for ``getPurchases``; None for history lists such as
    ``getPointHistory``, whose entries carry no id of their own. A DuckDB merge
    upserts on it.
    """
    return item_table(operation).primary_key
