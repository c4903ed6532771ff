"""Each normalization fix on a tiny spec: what it changes, and that it reports when unneeded."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scripts._fixes import (
    API_EXTENSION,
    FIXES,
    LIST_FIELD_EXTENSION,
    add_missing_array_items,
    drop_schema_aliases,
    hoist_clashing_property_enums,
    hoist_error_responses,
    mark_api_scope,
    mark_paginated_lists,
    share_duplicate_response_titles,
)
from scripts._spec import SpecError
from scripts.normalize import format_summary, normalize


def _spec(**components: Any) -> dict[str, Any]:
    return {"openapi": "3.0.2", "paths": {}, "components": components}


def test_hoist_error_responses_moves_inline_bodies_into_named_schemas() -> None:
    """An inline error body becomes schemas/<Name>ErrorBody, referenced by the response."""
    body = {"type": "object", "properties": {"error": {"type": "object"}}}
    spec = _spec(
        responses={"NotFound": {"content": {"application/json": {"schema": copy.deepcopy(body)}}}},
        schemas={},
    )
    changes = hoist_error_responses(spec)
    assert changes == ["responses/NotFound (application/json) -> schemas/NotFoundErrorBody"]
    assert spec["components"]["schemas"]["NotFoundErrorBody"] == body
    content = spec["components"]["responses"]["NotFound"]["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/NotFoundErrorBody"}


def test_hoist_error_responses_is_unneeded_when_bodies_are_references() -> None:
    """Responses that already reference a schema, or have no body, are left alone."""
    spec = _spec(
        responses={
            "BadRequest": {"content": {"application/json": {"schema": {"$ref": "#/x"}}}},
            "TooManyRequests": {"description": "no body"},
        }
    )
    assert hoist_error_responses(spec) == []


def test_hoist_error_responses_refuses_to_overwrite_a_different_schema() -> None:
    """A name collision with a different schema is an error, never a silent overwrite."""
    spec = _spec(
        responses={"NotFound": {"content": {"application/json": {"schema": {"type": "object"}}}}},
        schemas={"NotFoundErrorBody": {"type": "string"}},
    )
    with pytest.raises(SpecError, match="NotFoundErrorBody already exists"):
        hoist_error_responses(spec)


def test_drop_schema_aliases_rewrites_references_to_the_target() -> None:
    """A schema that is only a $ref disappears and every reference points at its target."""
    spec = _spec(
        schemas={
            "CustomerType": {"type": "object"},
            "Customer-type": {"$ref": "#/components/schemas/CustomerType"},
            "Holder": {"properties": {"kind": {"$ref": "#/components/schemas/Customer-type"}}},
        }
    )
    assert drop_schema_aliases(spec) == [
        "schemas/Customer-type -> #/components/schemas/CustomerType"
    ]
    schemas = spec["components"]["schemas"]
    assert "Customer-type" not in schemas
    assert schemas["Holder"]["properties"]["kind"] == {"$ref": "#/components/schemas/CustomerType"}


def test_hoist_clashing_property_enums_renames_only_the_clashing_enum() -> None:
    """Task.state would be class TaskState, taken by a schema: it gets its own TaskStateEnum."""
    state = {"type": "integer", "enum": [0, 1, 2]}
    spec = _spec(
        schemas={
            "Task": {"properties": {"state": dict(state), "priority": {"enum": [1, 2]}}},
            "TaskState": {"type": "object", "properties": {"name": {"type": "string"}}},
        }
    )
    assert hoist_clashing_property_enums(spec) == ["schemas/Task.state -> schemas/TaskStateEnum"]
    schemas = spec["components"]["schemas"]
    assert schemas["TaskStateEnum"] == state
    assert schemas["Task"]["properties"]["state"] == {"$ref": "#/components/schemas/TaskStateEnum"}
    assert schemas["Task"]["properties"]["priority"] == {"enum": [1, 2]}


def _login_spec(second_title: str = "LoginResult") -> dict[str, Any]:
    def body(title: str) -> dict[str, Any]:
        return {"content": {"application/json": {"schema": {"title": title, "type": "object"}}}}

    return {
        "openapi": "3.0.2",
        "paths": {
            "/login": {
                "post": {"responses": {"200": body("LoginResult"), "201": body(second_title)}}
            }
        },
        "components": {"schemas": {}},
    }


def test_share_duplicate_response_titles_points_both_responses_at_one_schema() -> None:
    """200 and 201 bodies with the same title share one component schema named by the title."""
    spec = _login_spec()
    assert share_duplicate_response_titles(spec) == [
        "POST /login: 2 responses -> schemas/LoginResult"
    ]
    responses = spec["paths"]["/login"]["post"]["responses"]
    for code in ("200", "201"):
        schema = responses[code]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/LoginResult"}
    assert spec["components"]["schemas"]["LoginResult"] == {
        "title": "LoginResult",
        "type": "object",
    }


def test_share_duplicate_response_titles_is_unneeded_for_distinct_titles() -> None:
    """Distinct titles generate distinct models: nothing to fix."""
    assert share_duplicate_response_titles(_login_spec("Other")) == []


def _scoped_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.2",
        "tags": [
            {
                "name": "Tokens",
                "description": "Warning: resource is available only in Customer API.",
            },
            {"name": "Stores", "description": "Shops."},
        ],
        "paths": {
            "/tokens": {"post": {"tags": ["Tokens"], "responses": {}}},
            "/stores": {
                "get": {"tags": ["Stores"], "responses": {}},
                "post": {
                    "tags": ["Stores"],
                    "description": "Endpoint is available only in Enterprise API.",
                    "responses": {},
                },
            },
            "/stores/x": {
                "get": {
                    "tags": ["Stores"],
                    "description": "See POST /stores (Enterprise API only).",
                    "responses": {},
                }
            },
        },
    }


def test_mark_api_scope_uses_operation_then_tag_statements_else_both() -> None:
    """Operation text wins, then its tag's text; a mere cross-reference does not restrict."""
    spec = _scoped_spec()
    mark_api_scope(spec)
    paths = spec["paths"]
    assert paths["/tokens"]["post"][API_EXTENSION] == ["customer"]
    assert paths["/stores"]["post"][API_EXTENSION] == ["enterprise"]
    assert paths["/stores"]["get"][API_EXTENSION] == ["enterprise", "customer"]
    assert paths["/stores/x"]["get"][API_EXTENSION] == ["enterprise", "customer"]


def test_mark_api_scope_rejects_text_claiming_both_apis_exclusively() -> None:
    """Contradictory statements are an error, not a guess."""
    spec = _scoped_spec()
    spec["paths"]["/tokens"]["post"]["description"] = (
        "available only in Enterprise API; available only in Customer API"
    )
    with pytest.raises(SpecError, match="both APIs"):
        mark_api_scope(spec)


def _list_spec(data_properties: dict[str, Any]) -> dict[str, Any]:
    ok = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}
    return {
        "openapi": "3.0.2",
        "paths": {
            "/stores": {
                "get": {
                    "parameters": [{"$ref": "#/components/parameters/count"}, {"name": "offset"}],
                    "responses": {"200": ok},
                }
            }
        },
        "components": {
            "parameters": {"count": {"name": "count", "in": "query"}},
            "schemas": {
                "Page": {"properties": {"data": {"type": "object", "properties": data_properties}}}
            },
        },
    }


def test_mark_paginated_lists_names_the_single_array_beside_total_items() -> None:
    """count + offset + one array next to total_items marks the operation as a list."""
    spec = _list_spec({"stores": {"type": "array"}, "total_items": {"type": "integer"}})
    assert mark_paginated_lists(spec) == ["1 list operations"]
    assert spec["paths"]["/stores"]["get"][LIST_FIELD_EXTENSION] == "stores"


def test_mark_paginated_lists_skips_ambiguous_pages() -> None:
    """Two arrays, or no total_items, leave the operation unmarked."""
    two_arrays = _list_spec(
        {"a": {"type": "array"}, "b": {"type": "array"}, "total_items": {"type": "integer"}}
    )
    no_total = _list_spec({"stores": {"type": "array"}})
    assert mark_paginated_lists(two_arrays) == []
    assert mark_paginated_lists(no_total) == []


def test_normalize_leaves_its_input_untouched_and_reports_unneeded_fixes() -> None:
    """The pinned spec is never modified; fixes with nothing to do are named as no longer needed."""
    spec = _scoped_spec()
    before = copy.deepcopy(spec)
    fixed, reports = normalize(spec)
    assert spec == before
    assert fixed != before
    summary = format_summary(reports)
    assert "hoist-error-responses: no longer needed" in summary
    assert "mark-api-scope: 3 change(s)" in summary
    assert [r.fix.name for r in reports] == [fix.name for fix in FIXES]


def test_every_fix_has_a_name_and_a_reason() -> None:
    """Fixes are documented: unique kebab-case names and a one-line reason each."""
    names = [fix.name for fix in FIXES]
    assert len(set(names)) == len(names)
    for fix in FIXES:
        assert fix.name == fix.name.lower()
        assert " " not in fix.name
        assert fix.reason
        assert "\n" not in fix.reason


def test_add_missing_array_items_fills_in_an_any_item_schema() -> None:
    """`type: array` with no items (a oneOf branch in 2026-03-21) gets `items: {}`."""
    spec = _spec(
        schemas={"E": {"properties": {"name": {"oneOf": [{"type": "array"}, {"type": "string"}]}}}}
    )
    assert add_missing_array_items(spec) == ["array without items -> items: {}"]
    branch = spec["components"]["schemas"]["E"]["properties"]["name"]["oneOf"][0]
    assert branch == {"type": "array", "items": {}}
    assert add_missing_array_items(spec) == []
