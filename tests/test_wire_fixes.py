"""The normalization fixes behind wire fidelity: documented array filters, date-time marks."""

from __future__ import annotations

from typing import Any

from scripts._fixes import (
    DATETIME_EXTENSION,
    declare_documented_array_filters,
    mark_project_datetimes,
)
from scripts._spec import PINNED_SPEC, load_spec, read_lock
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
    changes = declare_documented_array_filters(spec)
    assert changes == ["parameters/reward_id (query reward_id): string -> array of strings"]
    assert shared["schema"] == {"type": "array", "items": {"type": "string", "maxLength": 26}}
    assert shared["example"] == ["a"]
    assert plain["schema"] == {"type": "string"}


def test_the_array_fix_names_an_inline_match_by_its_operation() -> None:
    """Each match is a place a bump can report as new or gone; none at all is 'no longer needed'."""
    documented = _filter("text_id", "use `text_id[]=a&text_id[]=b`", schema={"type": "string"})
    assert declare_documented_array_filters(_spec(documented)) == [
        "GET /vouchers query text_id: string -> array of strings"
    ]
    assert declare_documented_array_filters(_spec()) == []


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
    changes = mark_project_datetimes(spec)
    assert changes == [
        "GET /vouchers query time_from: datetime",
        "GET /vouchers query date_from: date",
        "Voucher.valid_to: datetime",
        "Voucher.birthdate: date",
    ]
    time_from, date_from, count = spec["paths"]["/vouchers"]["get"]["parameters"]
    assert (time_from[DATETIME_EXTENSION], date_from[DATETIME_EXTENSION]) == ("datetime", "date")
    assert DATETIME_EXTENSION not in count
    voucher = spec["components"]["schemas"]["Voucher"]["properties"]
    assert voucher["valid_to"][DATETIME_EXTENSION] == "datetime"
    assert voucher["birthdate"][DATETIME_EXTENSION] == "date"
    assert DATETIME_EXTENSION not in voucher["kind"]
    assert DATETIME_EXTENSION not in voucher["note"]


def test_a_shared_date_schema_is_one_place_named_where_it_is_defined() -> None:
    """Two properties reaching one component schema mark it once, under its own name."""
    day = {"type": "string", "description": "`YYYY-MM-DD`"}
    spec = _spec(
        schemas={
            "Day": day,
            "A": {"properties": {"on": {"$ref": "#/components/schemas/Day"}}},
            "B": {"properties": {"until": {"$ref": "#/components/schemas/Day"}}},
        }
    )
    assert mark_project_datetimes(spec) == ["Day: date"]
    assert day[DATETIME_EXTENSION] == "date"


def test_the_pinned_spec_matches_the_counts_the_lock_records() -> None:
    """Today's document: 8 filter definitions become arrays; 18 parameters, 130 properties marked."""
    _fixed, reports = normalize(load_spec(PINNED_SPEC))
    by_name = {report.fix.name: report.changes for report in reports}
    assert len(by_name["declare-documented-array-filters"]) == 8
    datetimes = by_name["mark-project-datetimes"]
    parameters = [line for line in datetimes if line.startswith("parameters/")]
    assert (len(parameters), len(datetimes) - len(parameters)) == (18, 130)
    assert "parameters/valid_from_full (query valid_from): datetime" in datetimes
    assert read_lock()["fix_matches"] == {
        "declare-documented-array-filters": 8,
        "mark-project-datetimes": 148,
        "name-described-enum-values": 82,
    }
