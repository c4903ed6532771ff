"""How a list operation can be read incrementally, decided from the pinned spec.

CareCloud has no filter on ``last_change``, but every list operation takes
``sort_field`` (any first-level field) and ``sort_direction``, and a few take a
documented time filter. So, per operation:

- ``LAST_CHANGE``: the items carry ``last_change`` and the operation sorts.
  Read newest first (``sort_field=last_change``, ``DESC``) and stop once past
  the cursor minus the lag window. Catches new rows *and* changed rows.
- ``TIME_FILTER``: no ``last_change``, but a ``<field>_from``/``<field>_to``
  date-time filter on the time each record was made. Start at the high-water
  mark minus the lag window, oldest first. Catches new rows only.
- ``FULL``: neither; the operation can only be exported in full.

Everything is read through the one schema walker (``_schema.Schemas``) and the
operation facts; nothing here walks the spec on its own.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from carecloud_async._errors import ConfigurationError
from carecloud_async._operations import Operation, operation_at, operations_table
from carecloud_async._schema import DATETIME_EXTENSION, Node, Schemas, spec_schemas

__all__ = [
    "LAST_CHANGE",
    "IncrementalMode",
    "IncrementalPlan",
    "TimeFilter",
    "documented_time_filter",
    "incremental_plan",
    "incremental_plans",
    "item_node",
    "mode_counts",
]

LAST_CHANGE = "last_change"

# The item field a time filter filters on, where the filter's name does not say it
# (``payment_time_from`` filters ``payment_time``: those need no entry). Each entry
# follows the parameter's description; tests check that both sides exist in the spec.
# None: the items do not carry the time the filter reads, so the cursor is the run's
# start time instead of the newest value seen.
_FILTERED_FIELDS: Mapping[tuple[str, str], str | None] = {
    # "filtering point records by creation time"
    ("getPoints", "create_point_time"): "created_at",
    # "filtering credit records by creation time"; a credit has no creation time field
    ("getCredits", "create_credit_time"): None,
    # the time interval of an event: its only date-time field
    ("getEvents", "time"): "created_at",
    ("getSubCustomerEvents", "time"): "created_at",
    # the time of a history record: its only date-time field
    ("getPointHistory", "time"): "point_history_record_time",
    ("getCreditHistory", "time"): "credit_history_record_time",
}


class IncrementalMode(enum.Enum):
    """How much an incremental run of an operation can see (see the module docstring)."""

    LAST_CHANGE = "last_change"
    TIME_FILTER = "time_filter"
    FULL = "full"


@dataclass(frozen=True)
class TimeFilter:
    """A documented time filter: its two query parameters and the item field they read."""

    low: str
    """The ``..._from`` parameter."""
    high: str
    """The ``..._to`` parameter."""
    field: str | None
    """The item field the filter reads, None when the items do not carry it."""


@dataclass(frozen=True)
class IncrementalPlan:
    """What an incremental run of one operation sends and watches."""

    operation_id: str
    mode: IncrementalMode
    cursor_field: str | None
    """The item field the cursor follows: ``last_change``, the filtered time field, or
    None (a time filter whose field the items lack: the cursor is the run's start)."""
    time_filter: TimeFilter | None = None
    sortable: bool = True
    """The operation takes ``sort_field`` and ``sort_direction``."""

    @property
    def sort(self) -> dict[str, str]:
        """The ``sort_field``/``sort_direction`` arguments a run sends."""
        if self.cursor_field is None or not self.sortable:
            return {}
        direction = "DESC" if self.mode is IncrementalMode.LAST_CHANGE else "ASC"
        return {"sort_field": self.cursor_field, "sort_direction": direction}

    @property
    def catches_changes(self) -> bool:
        """Whether a run sees rows changed since the last one, not only new rows."""
        return self.mode is IncrementalMode.LAST_CHANGE

    def describe(self) -> str:
        """One sentence for a run's report: what the mode sees and what it cannot."""
        if self.mode is IncrementalMode.LAST_CHANGE:
            return "new and changed rows (newest last_change first)"
        if self.mode is IncrementalMode.TIME_FILTER and self.time_filter is not None:
            return (
                f"new rows only (by {self.time_filter.low}); rows changed after they were "
                "exported are not seen again: export in full now and then"
            )
        return "only a full export"

    def require_incremental(self) -> None:
        """Refuse an incremental run of an operation that can only be exported in full."""
        if self.mode is IncrementalMode.FULL:
            raise ConfigurationError(
                f"{self.operation_id} can only be exported in full: its items carry no "
                "last_change it can be sorted on and it has no time filter; "
                "run it without --incremental"
            )


def _operation_spec(schemas: Schemas, operation: Operation) -> Mapping[str, Any]:
    found = schemas.resolve(
        schemas.spec["paths"][operation.path_template][operation.method.lower()]
    )
    return found if isinstance(found, Mapping) else {}


def item_node(operation: Operation, schemas: Schemas | None = None) -> Node:
    """The compiled schema of one item of a list operation's answer."""
    schemas = schemas or spec_schemas()
    if operation.list_field is None:
        raise ConfigurationError(f"{operation.operation_id} is not a paginated list operation")
    response = schemas.resolve(_operation_spec(schemas, operation)["responses"]["200"])
    body = schemas.node(response["content"]["application/json"]["schema"])
    data = schemas.node(body.properties["data"])
    listed = schemas.node(data.properties[operation.list_field])
    return schemas.node(listed.items)


def _query_parameters(schemas: Schemas, operation: Operation) -> dict[str, Mapping[str, Any]]:
    parameters = (
        schemas.resolve(p) for p in _operation_spec(schemas, operation).get("parameters", ())
    )
    return {str(p.get("name")): p for p in parameters if p.get("in") == "query"}


def _is_datetime(parameter: Mapping[str, Any] | None) -> bool:
    return parameter is not None and parameter.get(DATETIME_EXTENSION) == "datetime"


def _time_filter(
    operation: Operation, parameters: Mapping[str, Mapping[str, Any]], item: Node, schemas: Schemas
) -> TimeFilter | None:
    """The operation's filter on the time its records were made, if it documents one."""
    for name in parameters:
        stem = name.removesuffix("_from")
        if stem == name or not (
            _is_datetime(parameters[name]) and _is_datetime(parameters.get(f"{stem}_to"))
        ):
            continue
        key = (operation.operation_id, stem)
        if key in _FILTERED_FIELDS:
            return TimeFilter(name, f"{stem}_to", _FILTERED_FIELDS[key])
        field = item.properties.get(stem)
        if field is not None and schemas.node(field).datetime_kind == "datetime":
            return TimeFilter(name, f"{stem}_to", stem)
    return None


def documented_time_filter(operation: Operation) -> TimeFilter | None:
    """The operation's documented filter on the time its records were made, if any, whatever
    its incremental mode (``getPurchases`` follows ``last_change`` but has one too)."""
    schemas = spec_schemas()
    parameters = _query_parameters(schemas, operation)
    return _time_filter(operation, parameters, item_node(operation, schemas), schemas)


def incremental_plan(operation: Operation, schemas: Schemas | None = None) -> IncrementalPlan:
    """The mode the spec allows for a list operation, and what a run sends for it."""
    schemas = schemas or spec_schemas()
    item = item_node(operation, schemas)
    parameters = _query_parameters(schemas, operation)
    sortable = "sort_field" in parameters and "sort_direction" in parameters
    last_change = item.properties.get(LAST_CHANGE)
    if (
        sortable
        and last_change is not None
        and schemas.node(last_change).datetime_kind == "datetime"
    ):
        return IncrementalPlan(operation.operation_id, IncrementalMode.LAST_CHANGE, LAST_CHANGE)
    found = _time_filter(operation, parameters, item, schemas)
    if found is not None:
        return IncrementalPlan(
            operation.operation_id, IncrementalMode.TIME_FILTER, found.field, found, sortable
        )
    return IncrementalPlan(operation.operation_id, IncrementalMode.FULL, None, None, sortable)


@cache
def incremental_plans() -> dict[str, IncrementalPlan]:
    """The plan of every list operation of the pinned spec, by operationId."""
    plans = {}
    for (method, path), (operation_id, _, list_field) in operations_table().items():
        if list_field is not None:
            plans[operation_id] = incremental_plan(operation_at(method, path))
    return plans


def mode_counts() -> dict[Literal["last_change", "time_filter", "full"], int]:
    """How many list operations allow each mode (the figures the README quotes)."""
    counted = Counter(plan.mode.value for plan in incremental_plans().values())
    return {
        "last_change": counted["last_change"],
        "time_filter": counted["time_filter"],
        "full": counted["full"],
    }
