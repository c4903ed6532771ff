"""What a list operation's items look like as a table: columns, Arrow types, primary key.

Everything here is read from the spec through the one schema walker
(``Schemas.column``); this module only names the Arrow type of each kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from functools import cache
from types import ModuleType
from typing import Final

import pyarrow as pa

from carecloud_async._datetimes import project_zone
from carecloud_async._errors import ConfigurationError
from carecloud_async._find import find_operation
from carecloud_async._operations import operation_of, operations_table
from carecloud_async._schema import Column, spec_schemas

__all__ = [
    "EXTRA_COLUMN",
    "ItemTable",
    "OperationRef",
    "arrow_schema",
    "arrow_type",
    "item_table",
    "primary_key",
    "zone_name",
]

EXTRA_COLUMN: Final = "_extra"
"""The JSON-text column holding what no declared column can: unknown fields, misfit values."""

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


def _wire_operation(operation: OperationRef) -> tuple[str, str, str]:
    if isinstance(operation, ModuleType):
        found = operation_of(operation)
        return found.operation_id, found.method, found.path_template
    info = find_operation(operation)
    return info.operation_id, info.method, info.path


@cache
def _table(operation_id: str, method: str, path: str) -> ItemTable:
    list_field = operations_table()[(method, path)][2]
    if list_field is None:
        raise ConfigurationError(
            f"{operation_id} ({method} {path}) is not a paginated list operation"
        )
    schemas = spec_schemas()
    response = schemas.resolve(schemas.spec["paths"][path][method.lower()]["responses"]["200"])
    body = response["content"]["application/json"]["schema"]
    data = schemas.node(schemas.node(body).properties["data"])
    column = schemas.column(schemas.node(data.properties[list_field]).items or {})
    if column.kind != "struct":
        raise ConfigurationError(f"{operation_id}: its {list_field} items are not objects")
    return ItemTable(operation_id, list_field, column, _key_of(operation_id, list_field, column))


def item_table(operation: OperationRef) -> ItemTable:
    """The items of a list operation as a table; ``ConfigurationError`` for any other."""
    return _table(*_wire_operation(operation))


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


_PLAIN: Final[Mapping[str, Callable[[], pa.DataType]]] = {
    "string": pa.string,
    "integer": pa.int64,
    "number": pa.float64,
    "boolean": pa.bool_,
    "date": pa.date32,
    "json": pa.string,
}


def arrow_type(column: Column, zone: str) -> pa.DataType:
    """The Arrow type storing ``column``: date-times as ``timestamp('us', zone)``."""
    if column.kind == "datetime":
        return pa.timestamp("us", tz=zone)
    if column.kind == "struct":
        return pa.struct([pa.field(name, arrow_type(sub, zone)) for name, sub in column.fields])
    if column.kind == "list":
        return pa.list_(arrow_type(column.item or Column("json"), zone))
    return _PLAIN[column.kind]()


def zone_name(zone: str | tzinfo) -> str:
    """An IANA zone name, checked as the client checks ``project_timezone``."""
    if isinstance(zone, str):
        project_zone(zone)
        return zone
    key = getattr(zone, "key", None)
    if not isinstance(key, str):
        raise ConfigurationError(
            f"zone must be an IANA time zone name or a zoneinfo.ZoneInfo, got {zone!r}"
        )
    return key


def arrow_schema(operation: OperationRef, zone: str | tzinfo) -> pa.Schema:
    """The Arrow schema of a list operation's items in a project whose zone is ``zone``.

    One column per declared field in the spec's order, then ``_extra`` (JSON text):
    fields the spec does not declare and values that do not fit their column. The
    schema's metadata names the operation, the zone and the primary key.
    """
    table = item_table(operation)
    name = zone_name(zone)
    fields = [pa.field(field, arrow_type(sub, name)) for field, sub in table.column.fields]
    fields.append(pa.field(EXTRA_COLUMN, pa.string()))
    metadata: dict[str | bytes, str | bytes] = {
        "carecloud.operation": table.operation_id,
        "carecloud.zone": name,
    }
    if table.primary_key is not None:
        metadata["carecloud.primary_key"] = table.primary_key
    return pa.schema(fields, metadata=metadata)
