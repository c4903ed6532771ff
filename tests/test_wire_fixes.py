"""The normalization fixes behind wire fidelity: documented array filters, date-time marks."""

from __future__ import annotations

from typing import Any

import pytest

from scripts._fixes import (
    DATETIME_EXTENSION,
    DOCUMENTED_ARRAY_FILTERS,
    PROJECT_DATETIME_INPUTS,
    declare_documented_array_filters,
    mark_project_datetimes,
)
from scripts._spec import PINNED_SPEC, SpecError, load_spec
from scripts.normalize import normalize


def _filter(name: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, **extra}


def _spec(*parameters: dict[str, Any], **components: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.2",
        "paths": {"/vouchers": {"get": {"parameters": list(parameters), "responses": {}}}},
        "components": components,
    }


def test_string_filters_documenting_brackets_become_arrays_of_that_string() -> None:
    """`reward_id[]=...` in the text turns the string into an array of strings, example too."""
    shared = _filter(
        "reward_id",
        "In case you want to filter multiple options use array syntax: `reward_id[]=a&reward_id[]=b`",
        schema={"type": "string", "maxLength": 26},
        example="a",
    )
    plain = _filter(
        "store_id", "One store; `other[]=x` is not about this one", schema={"type": "string"}
    )
    spec = _spec(
        {"$ref": "#/components/parameters/reward_id"}, plain, parameters={"reward_id": shared}
    )
    changes = declare_documented_array_filters(spec, expected=1)
    assert changes == ["query parameter reward_id: string -> array of strings"]
    assert shared["schema"] == {"type": "array", "items": {"type": "string", "maxLength": 26}}
    assert shared["example"] == ["a"]
    assert plain["schema"] == {"type": "string"}


def test_the_array_fix_fails_loudly_when_the_count_changes() -> None:
    """A new or vanished match is a review, not a silent change; none at all is 'no longer needed'."""
    documented = _filter("text_id", "use `text_id[]=a&text_id[]=b`", schema={"type": "string"})
    with pytest.raises(SpecError, match="found 1, expected 2"):
        declare_documented_array_filters(_spec(documented), expected=2)
    assert declare_documented_array_filters(_spec(), expected=2) == []


def test_documented_formats_mark_parameters_and_properties_by_kind() -> None:
    """Date-time text wins over date text; enums and non-strings are never marked."""
    spec = _spec(
        _filter(
            "time_from",
            "Accepts `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS`.",
            schema={"type": "string"},
        ),
        _filter("date_from", "In ISO-8601 format (`YYYY-MM-DD`).", schema={"type": "string"}),
        _filter("count", "YYYY-MM-DD is not what this is", schema={"type": "integer"}),
        schemas={
            "Voucher": {
                "properties": {
                    "valid_to": {"type": "string", "description": "Format: `YYYY-MM-DD HH:MM:SS`."},
                    "birthdate": {"type": "string", "format": "date"},
                    "kind": {"type": "string", "enum": ["YYYY-MM-DD"], "description": "YYYY-MM-DD"},
                    "note": {"type": "string"},
                }
            }
        },
    )
    changes = mark_project_datetimes(spec, {"parameters": 2, "properties": 2})
    assert changes == [
        "1 parameters: datetime",
        "1 parameters: date",
        "1 properties: datetime",
        "1 properties: date",
    ]
    time_from, date_from, count = spec["paths"]["/vouchers"]["get"]["parameters"]
    assert (time_from[DATETIME_EXTENSION], date_from[DATETIME_EXTENSION]) == ("datetime", "date")
    assert DATETIME_EXTENSION not in count
    voucher = spec["components"]["schemas"]["Voucher"]["properties"]
    assert voucher["valid_to"][DATETIME_EXTENSION] == "datetime"
    assert voucher["birthdate"][DATETIME_EXTENSION] == "date"
    assert DATETIME_EXTENSION not in voucher["kind"]
    assert DATETIME_EXTENSION not in voucher["note"]


def test_the_date_time_fix_fails_loudly_naming_found_and_expected() -> None:
    """One property more than reviewed stops generation."""
    spec = _spec(
        schemas={"A": {"properties": {"at": {"type": "string", "description": "YYYY-MM-DD"}}}}
    )
    with pytest.raises(SpecError, match="date-time properties: found 1, expected 3"):
        mark_project_datetimes(spec, {"parameters": 0, "properties": 3})


def test_the_pinned_spec_matches_the_reviewed_counts() -> None:
    """Today's document: 8 filter definitions become arrays; 18 parameters, 130 properties marked."""
    _fixed, reports = normalize(load_spec(PINNED_SPEC))
    by_name = {report.fix.name: report.changes for report in reports}
    assert len(by_name["declare-documented-array-filters"]) == DOCUMENTED_ARRAY_FILTERS == 8
    assert PROJECT_DATETIME_INPUTS == {"parameters": 18, "properties": 130}
    assert by_name["mark-project-datetimes"] == [
        "12 parameters: datetime",
        "6 parameters: date",
        "120 properties: datetime",
        "10 properties: date",
    ]
