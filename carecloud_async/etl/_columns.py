"""What a list operation's items look like as Arrow columns.

The items' column shapes and primary key come from ``_item_tables`` (core, read
through the one schema walker); this module only names the Arrow type of each kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, tzinfo
from typing import Final

import pyarrow as pa

from carecloud_async._datetimes import project_zone
from carecloud_async._errors import ConfigurationError
from carecloud_async._item_tables import ItemTable, OperationRef, item_table, primary_key
from carecloud_async._schema import Column

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
    if zone is UTC:
        return "UTC"
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
