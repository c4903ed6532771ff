"""Which incremental mode each list operation gets, read from the pinned spec."""

from __future__ import annotations

import pytest

from carecloud_async import ConfigurationError
from carecloud_async._incremental import (
    _FILTERED_FIELDS,
    IncrementalMode,
    incremental_plans,
    item_node,
    mode_counts,
)
from carecloud_async._operations import Operation, operations_table
from carecloud_async._schema import spec_schemas


def _operation(operation_id: str) -> Operation:
    for (method, path), (found, apis, list_field) in operations_table().items():
        if found == operation_id:
            return Operation(found, method, path, apis, list_field)
    raise AssertionError(operation_id)


def test_every_list_operation_gets_one_mode_and_the_figures_add_up() -> None:
    """76 operations sort on last_change, 6 have a time filter, 28 can only be exported in full."""
    lists = [key for key, value in operations_table().items() if value[2] is not None]
    assert len(incremental_plans()) == len(lists) == 110
    assert mode_counts() == {"last_change": 76, "time_filter": 6, "full": 28}


def test_purchases_sort_newest_last_change_first() -> None:
    """An operation whose items carry last_change reads them newest first, though it
    also has a time filter: last_change also catches changed rows."""
    plan = incremental_plans()["getPurchases"]
    assert plan.mode is IncrementalMode.LAST_CHANGE
    assert plan.sort == {"sort_field": "last_change", "sort_direction": "DESC"}
    assert plan.catches_changes


@pytest.mark.parametrize(
    ("operation_id", "low", "field"),
    [
        ("getPoints", "create_point_time_from", "created_at"),
        ("getCredits", "create_credit_time_from", None),
        ("getEvents", "time_from", "created_at"),
        ("getSubCustomerEvents", "time_from", "created_at"),
        ("getPointHistory", "time_from", "point_history_record_time"),
        ("getCreditHistory", "time_from", "credit_history_record_time"),
    ],
)
def test_the_documented_time_filters_read_the_record_time_oldest_first(
    operation_id: str, low: str, field: str | None
) -> None:
    """Without last_change, the issue's time filters are used, ascending on the time they read."""
    plan = incremental_plans()[operation_id]
    assert plan.mode is IncrementalMode.TIME_FILTER
    assert plan.time_filter is not None
    assert plan.time_filter.low == low
    assert plan.cursor_field == field
    assert plan.sort == ({} if field is None else {"sort_field": field, "sort_direction": "ASC"})
    assert "new rows only" in plan.describe()


def test_each_named_time_filter_field_exists_in_the_spec() -> None:
    """The table of filter -> field names only real date-time parameters and item fields."""
    schemas = spec_schemas()
    for (operation_id, stem), field in _FILTERED_FIELDS.items():
        operation = _operation(operation_id)
        item = item_node(operation)
        if field is not None:
            assert schemas.node(item.properties[field]).datetime_kind == "datetime"
        else:
            assert not any(
                schemas.node(prop).datetime_kind == "datetime" and "creat" in name
                for name, prop in item.properties.items()
            )
        spec = schemas.spec["paths"][operation.path_template]["get"]
        names = {schemas.resolve(p)["name"] for p in spec["parameters"]}
        assert {f"{stem}_from", f"{stem}_to"} <= names


def test_validity_filters_are_not_time_filters() -> None:
    """valid_from/valid_to select by validity, not by when a record was made: full export."""
    assert incremental_plans()["getCardTypes"].mode is IncrementalMode.FULL
    assert incremental_plans()["getTasks"].mode is IncrementalMode.FULL


def test_an_operation_without_sort_field_cannot_follow_last_change() -> None:
    """Reward recommendations carry last_change but cannot be sorted: full only."""
    plan = incremental_plans()["getRewardRecommendations"]
    assert plan.mode is IncrementalMode.FULL
    with pytest.raises(ConfigurationError, match="can only be exported in full"):
        plan.require_incremental()
