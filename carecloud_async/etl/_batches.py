"""Pages of decoded JSON items -> Arrow ``RecordBatch``es, never losing or changing a value.

Items go straight from the decoded JSON to Arrow (no attrs models). One Python
pass per item only does what Arrow cannot: it moves fields the spec does not
declare to ``_extra``, turns values the schema leaves open into JSON text, and
catches the two values Arrow would silently change (a fraction in an integer
column, ``true`` in a number column). Arrow then converts the page in one call;
if a value still does not fit its column (a string where an integer was), that
page is converted row by row to find it. Date-times are parsed after, a column at
a time (``pyarrow.compute.strptime`` + ``assume_timezone``); the rare text that
form does not read goes through ``parse_project_datetime``, as the client does.

Whatever does not fit its column is kept: the column holds null and ``_extra``
(JSON text, one object per row) holds the original value under its JSON path
(``items_count``, ``purchase_items[2].price``). ``ItemBatch`` counts both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from carecloud_async._datetimes import parse_project_datetime, project_zone
from carecloud_async._schema import Column
from carecloud_async.etl._columns import (
    OperationRef,
    arrow_schema,
    arrow_type,
    item_table,
    zone_name,
)

__all__ = ["BatchBuilder", "ItemBatch", "JsonItem"]

JsonItem = Mapping[str, object]
"""One decoded item of a list answer (``client.pages(..., raw=True)``)."""

_DATETIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
_CONVERSION_ERRORS: Final = (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError)
_WHOLE_ITEM: Final = "$"
"""The JSON path of an item that is not an object at all."""

if TYPE_CHECKING:  # the stubs' generic: pyarrow's own class is not subscriptable
    _Array: TypeAlias = pa.Array[Any]


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class ItemBatch:
    """One page as Arrow columns, and what had to go into ``_extra`` to get there."""

    records: pa.RecordBatch
    extra_fields: int = 0
    """Values of fields the spec does not declare (a newer server), kept in ``_extra``."""
    misfits: int = 0
    """Values that did not fit their column, kept in ``_extra`` (their column is null)."""


class _Sink:
    """What one page sets aside, by row: JSON path -> original value."""

    def __init__(self) -> None:
        self.row = 0
        self.by_row: dict[int, dict[str, object]] = {}
        self.extra_fields = 0
        self.misfits = 0

    def extra(self, path: str, value: object) -> None:
        self.by_row.setdefault(self.row, {})[path] = value
        self.extra_fields += 1

    def misfit(self, path: str, value: object, row: int | None = None) -> None:
        self.by_row.setdefault(self.row if row is None else row, {})[path] = value
        self.misfits += 1

    def forget_under(self, row: int, path: str) -> None:
        """Drop what was set aside inside ``path``: the whole value is kept instead."""
        kept = self.by_row.get(row, {})
        for key in [k for k in kept if k.startswith((f"{path}.", f"{path}["))]:
            self.extra_fields -= 1
            del kept[key]


_Fix = Callable[[object, str, _Sink], object]
"""Returns the value as Arrow should get it (the same object when nothing changes)."""


def _join(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


class _Level:
    """The per-item pass over one struct: unknown keys out, open values to JSON text.

    Integer and number fields are checked inline (no call per value): this pass runs
    for every item, and Arrow does the rest in C.
    """

    def __init__(self, column: Column) -> None:
        self.known = frozenset(name for name, _ in column.fields)
        kinds = {name: sub.kind for name, sub in column.fields}
        self.integers = tuple(name for name, kind in kinds.items() if kind == "integer")
        self.numbers = tuple(name for name, kind in kinds.items() if kind == "number")
        self.fixes: tuple[tuple[str, _Fix], ...] = tuple(
            (name, fix)
            for name, sub in column.fields
            if sub.kind not in ("integer", "number") and (fix := _fix_for(sub)) is not None
        )

    def fix(self, value: object, path: str, sink: _Sink) -> object:
        if not isinstance(value, Mapping):
            return value  # Arrow refuses it; the row-by-row pass keeps it whole
        return self.prepare(value, path, sink)

    def prepare(self, item: JsonItem, path: str, sink: _Sink) -> JsonItem:
        changed: dict[str, object] | None = None
        if not item.keys() <= self.known:
            changed = {}
            for key, value in item.items():
                if key in self.known:
                    changed[key] = value
                else:
                    sink.extra(_join(path, str(key)), value)
        get = item.get
        for name in self.integers:
            value = get(name)
            if value.__class__ is float and not value.is_integer():
                changed = _dropped(item, changed, name)
                sink.misfit(_join(path, name), value)  # Arrow would cut 2.5 to 2
        for name in self.numbers:
            value = get(name)
            if value.__class__ is bool:
                changed = _dropped(item, changed, name)
                sink.misfit(_join(path, name), value)  # Arrow would store true as 1.0
        for name, fix in self.fixes:
            value = get(name)
            if value is None:
                continue
            fixed = fix(value, _join(path, name), sink)
            if fixed is not value:
                if changed is None:
                    changed = dict(item)
                changed[name] = fixed
        return item if changed is None else changed


def _dropped(item: JsonItem, changed: dict[str, object] | None, name: str) -> dict[str, object]:
    """The item's copy without ``name`` (its column then holds null)."""
    copy = dict(item) if changed is None else changed
    copy.pop(name, None)
    return copy


def _fix_integer(value: object, path: str, sink: _Sink) -> object:
    if isinstance(value, float) and not value.is_integer():
        sink.misfit(path, value)  # Arrow would cut 2.5 to 2
        return None
    return value


def _fix_number(value: object, path: str, sink: _Sink) -> object:
    if value.__class__ is bool:
        sink.misfit(path, value)  # Arrow would store true as 1.0
        return None
    return value


def _fix_json(value: object, path: str, sink: _Sink) -> object:
    return _json_text(value)


def _fix_list(fix: _Fix) -> _Fix:
    def fix_items(value: object, path: str, sink: _Sink) -> object:
        if not isinstance(value, list):
            return value
        fixed: list[object] | None = None
        for index, item in enumerate(value):
            if item is None:
                continue
            new = fix(item, f"{path}[{index}]", sink)
            if new is not item:
                if fixed is None:
                    fixed = list(value)
                fixed[index] = new
        return value if fixed is None else fixed

    return fix_items


def _fix_for(column: Column) -> _Fix | None:
    """The per-item step a column needs before Arrow sees it; None when Arrow can do it all."""
    if column.kind == "integer":
        return _fix_integer
    if column.kind == "number":
        return _fix_number
    if column.kind == "json":
        return _fix_json
    if column.kind == "struct":
        return _Level(column).fix
    if column.kind == "list" and column.item is not None:
        inner = _fix_for(column.item)
        return None if inner is None else _fix_list(inner)
    return None


def _has_times(column: Column) -> bool:
    if column.kind in ("datetime", "date"):
        return True
    if column.kind == "list":
        return column.item is not None and _has_times(column.item)
    return any(_has_times(sub) for _, sub in column.fields)


def _wire_type(column: Column) -> pa.DataType:
    """What Arrow builds from the JSON: date-times and dates still text."""
    if column.kind in ("datetime", "date"):
        return pa.string()
    if column.kind == "struct":
        return pa.struct([pa.field(name, _wire_type(sub)) for name, sub in column.fields])
    if column.kind == "list":
        return pa.list_(_wire_type(column.item or Column("json")))
    return arrow_type(column, "UTC")


_Locate = Callable[[int], tuple[int, str]]
"""Position in a (nested) array -> (row, JSON path)."""


class BatchBuilder:
    """Turns pages of one list operation's decoded items into ``RecordBatch``es.

    Build one per export (it compiles the item schema once) and call ``build``
    per page::

        builder = BatchBuilder("getPurchases", zone="Europe/Prague")
        async for page in client.pages(get_purchases, raw=True, page_size=500):
            batch = builder.build(page.items).records
    """

    def __init__(self, operation: OperationRef, zone: str | tzinfo) -> None:
        table = item_table(operation)
        self.zone = zone_name(zone)
        self.schema: pa.Schema = arrow_schema(operation, self.zone)
        """The batches' schema (``arrow_schema``), ``_extra`` last."""
        self._columns = table.column.fields
        self._level = _Level(table.column)
        self._wire = pa.schema([pa.field(name, _wire_type(sub)) for name, sub in self._columns])
        # One C conversion of the page's objects into a struct array: pa.RecordBatch's
        # from_pylist walks the page once per column in Python.
        self._wire_struct = pa.struct(list(self._wire))
        self._tzinfo = project_zone(self.zone)

    def build(self, items: Sequence[JsonItem]) -> ItemBatch:
        """One ``RecordBatch`` with a row per item, in order; the items are not changed."""
        sink = _Sink()
        prepared: list[JsonItem] = []
        prepare = self._level.prepare
        for index, item in enumerate(items):
            sink.row = index
            if item.__class__ is dict or isinstance(item, Mapping):  # dict: no ABC check
                prepared.append(prepare(item, "", sink))
            else:  # not an object: nothing fits, the row keeps it whole
                sink.misfit(_WHOLE_ITEM, item)
                prepared.append({})
        try:
            rows = pa.array(prepared, type=self._wire_struct)
            assert isinstance(rows, pa.StructArray)
            wire = pa.RecordBatch.from_struct_array(rows)
        except _CONVERSION_ERRORS:
            wire = self._row_by_row(items, prepared, sink)
        arrays: list[_Array] = []
        for index, (name, column) in enumerate(self._columns):
            array = wire.column(index)
            if _has_times(column):

                def row_at(at: int, name: str = name) -> tuple[int, str]:
                    return at, name

                array = self._times(array, column, row_at, sink)
            arrays.append(array)
        extras: list[str | None] = [None] * len(items)
        for row, kept in sink.by_row.items():
            if kept:
                extras[row] = _json_text(kept)
        arrays.append(pa.array(extras, type=pa.string()))
        records = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        return ItemBatch(records, sink.extra_fields, sink.misfits)

    def _row_by_row(
        self, items: Sequence[JsonItem], prepared: list[JsonItem], sink: _Sink
    ) -> pa.RecordBatch:
        """Find the values Arrow refused; keep each whole in ``_extra`` and convert the rest."""
        for index, row in enumerate(prepared):
            try:
                pa.RecordBatch.from_pylist([row], schema=self._wire)
                continue
            except _CONVERSION_ERRORS:
                pass
            original = items[index]
            fixed = dict(row)
            for field in self._wire:
                try:
                    pa.array([fixed.get(field.name)], type=field.type)
                except _CONVERSION_ERRORS:
                    sink.forget_under(index, field.name)
                    sink.misfit(field.name, original.get(field.name), row=index)
                    fixed.pop(field.name)
            prepared[index] = fixed
        return pa.RecordBatch.from_pylist(prepared, schema=self._wire)

    def _times(self, array: _Array, column: Column, locate: _Locate, sink: _Sink) -> _Array:
        """``array`` with its date-time and date text parsed, at any depth."""
        if array.null_count == len(array):  # nothing to parse (an absent include, say)
            return pa.array([None] * len(array), type=arrow_type(column, self.zone))
        if column.kind in ("datetime", "date"):
            return self._parse(array, column.kind == "datetime", locate, sink)
        if column.kind == "struct":
            assert isinstance(array, pa.StructArray)
            children = array.flatten()  # parent nulls folded in: no text to parse there
            fields = []
            for index, (name, sub) in enumerate(column.fields):
                if _has_times(sub):

                    def child_at(at: int, name: str = name) -> tuple[int, str]:
                        row, path = locate(at)
                        return row, f"{path}.{name}"

                    children[index] = self._times(children[index], sub, child_at, sink)
                fields.append(pa.field(name, children[index].type))
            return pa.StructArray.from_arrays(children, fields=fields, mask=array.is_null())
        assert isinstance(array, pa.ListArray)
        assert column.item is not None
        offsets = array.offsets
        parents: list[_Array] = []

        def item_at(at: int) -> tuple[int, str]:
            if not parents:
                parents.append(pc.list_parent_indices(array))
            parent = parents[0][at].as_py()
            row, path = locate(parent)
            return row, f"{path}[{at - offsets[parent].as_py()}]"

        values = self._times(array.values, column.item, item_at, sink)
        return pa.ListArray.from_arrays(offsets, values, mask=array.is_null())

    def _parse(self, text: _Array, with_time: bool, locate: _Locate, sink: _Sink) -> _Array:
        parsed: _Array
        if with_time:
            naive = pc.strptime(text, format=_DATETIME_FORMAT, unit="us", error_is_null=True)
            unread = naive.null_count != text.null_count
            try:
                # "earliest" reads a repeated autumn hour as its first pass, as fold=0 does
                parsed = pc.assume_timezone(
                    naive, timezone=self.zone, ambiguous="earliest", nonexistent="raise"
                )
                if not unread:
                    return parsed
            except pa.ArrowInvalid:  # a wall time in a spring gap: read below, as Python does
                parsed = pc.assume_timezone(
                    naive, timezone=self.zone, ambiguous="earliest", nonexistent="earliest"
                )
            moved: Any = pc.not_equal(pc.local_timestamp(parsed), naive)
            redo: Any = pc.or_(
                pc.fill_null(moved, False), pc.and_(pc.is_valid(text), pc.is_null(naive))
            )
        else:
            day = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
            parsed = pc.cast(day, pa.date32())
            if day.null_count == text.null_count:
                return parsed
            redo = pc.and_(pc.is_valid(text), pc.is_null(day))
        values: list[Any] = parsed.to_pylist()
        positions: list[int] = pc.indices_nonzero(redo).to_pylist()
        for at in positions:
            raw = text[at].as_py()
            try:
                values[at] = (
                    parse_project_datetime(raw, self._tzinfo)
                    if with_time
                    else date.fromisoformat(raw)
                )
            except (ValueError, TypeError):
                values[at] = None
                row, path = locate(at)
                sink.misfit(path, raw, row=row)
        return pa.array(values, type=parsed.type)
