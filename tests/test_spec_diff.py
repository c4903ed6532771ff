"""The API diff on tiny spec pairs, one per rule, each breaking or compatible by direction."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from scripts.spec_diff import Change, diff_http, diff_python, render_markdown

Schema = dict[str, Any]


def _spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.0.2", "paths": paths, "components": {"schemas": schemas or {}}}


def _get(params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"get": {"parameters": params or [], "responses": {"200": {"description": "OK"}}}}


def _kinds(changes: list[Change]) -> set[tuple[str, str, bool]]:
    return {(c.kind, c.location, c.breaking) for c in changes}


def _sided(changes: list[Change]) -> set[tuple[str, str, str, bool]]:
    return {(c.kind, c.location, c.side, c.breaking) for c in changes}


def _json(schema: Schema) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _thing_spec(thing: Schema, side: str) -> dict[str, Any]:
    """POST /things sending and/or receiving the component schema Thing."""
    ref = {"$ref": "#/components/schemas/Thing"}
    operation: dict[str, Any] = {"responses": {"200": {"description": "OK"}}}
    if side in ("request", "both"):
        operation["requestBody"] = _json(ref)
    if side in ("response", "both"):
        operation["responses"]["200"].update(_json(ref))
    return _spec({"/things": {"post": operation}}, {"Thing": thing})


def _thing_diff(old: Schema, new: Schema, side: str) -> set[tuple[str, str, str, bool]]:
    return _sided(diff_http(_thing_spec(old, side), _thing_spec(new, side)))


def _obj(properties: Schema, required: list[str] | None = None) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


S = {"type": "string"}


def test_removed_operations_break_and_added_ones_do_not() -> None:
    """An operation gone breaks its callers; a new one breaks nobody."""
    old = _spec({"/a": _get(), "/b": _get()})
    new = _spec({"/a": _get(), "/c": _get()})
    assert _kinds(diff_http(old, new)) == {
        ("operation removed", "GET /b", True),
        ("operation added", "GET /c", False),
    }


def test_parameter_rules() -> None:
    """New required or newly required parameters break; new optional ones do not."""
    q = lambda name, required=False: {"name": name, "in": "query", "required": required}  # noqa: E731
    old = _spec({"/a": _get([q("gone"), q("opt"), q("req", True)])})
    new = _spec({"/a": _get([q("opt", True), q("req"), q("new_opt"), q("new_req", True)])})
    assert _kinds(diff_http(old, new)) == {
        ("parameter removed", "GET /a query gone", True),
        ("parameter now required", "GET /a query opt", True),
        ("parameter now optional", "GET /a query req", False),
        ("parameter added", "GET /a query new_opt", False),
        ("required parameter added", "GET /a query new_req", True),
    }


@pytest.mark.parametrize(
    ("old_schema", "new_schema", "expected"),
    [
        ({"type": "string"}, {"type": "integer"}, ("type changed", True)),
        ({"type": "string"}, {"type": "string", "format": "date"}, ("format changed", True)),
        ({"type": "string"}, {"type": "string", "nullable": True}, ("now nullable", False)),
        ({"type": "string", "nullable": True}, {"type": "string"}, ("no longer nullable", True)),
        ({"type": "string"}, {"type": "string", "maxLength": 10}, ("maxLength added", True)),
        ({"type": "integer"}, {"type": "integer", "minimum": 1}, ("minimum added", True)),
        ({"type": "string"}, {"type": "string", "pattern": "^a"}, ("pattern added", True)),
        (
            {"type": "array", "items": S, "maxItems": 5},
            {"type": "array", "items": S, "maxItems": 50},
            ("maxItems changed", False),
        ),
        ({"type": "string"}, {"type": "string", "deprecated": True}, ("deprecated", False)),
    ],
    ids=[
        "type",
        "format",
        "nullable",
        "not-nullable",
        "maxLength",
        "minimum",
        "pattern",
        "maxItems-raised",
        "deprecated",
    ],
)
def test_parameter_schema_rules(old_schema: Schema, new_schema: Schema, expected: Any) -> None:
    """A parameter's type, format, nullability and constraints are compared (request side)."""
    old = _spec({"/a": _get([{"name": "p", "in": "query", "schema": old_schema}])})
    new = _spec({"/a": _get([{"name": "p", "in": "query", "schema": new_schema}])})
    kind, breaking = expected
    assert _sided(diff_http(old, new)) == {(kind, "GET /a query p", "request", breaking)}


def test_a_deprecated_parameter_and_operation_are_reported_as_compatible() -> None:
    """Deprecations warn; they do not break."""
    old = _spec({"/a": _get([{"name": "p", "in": "query"}])})
    new = copy.deepcopy(old)
    new["paths"]["/a"]["get"]["deprecated"] = True
    new["paths"]["/a"]["get"]["parameters"][0]["deprecated"] = True
    assert _sided(diff_http(old, new)) == {
        ("deprecated", "GET /a", "", False),
        ("deprecated", "GET /a query p", "request", False),
    }


@pytest.mark.parametrize("side", ["response", "request", "both"])
def test_a_new_enum_value_is_compatible_because_enums_are_open(side: str) -> None:
    """Generated enums read an unknown value as UNKNOWN_<value>: nothing fails on either side."""
    old = _obj({"state": {"type": "string", "enum": ["a"]}})
    new = _obj({"state": {"type": "string", "enum": ["a", "b"]}})
    assert _thing_diff(old, new, side) == {("enum value added", "Thing.state", side, False)}


@pytest.mark.parametrize(("side", "breaking"), [("response", False), ("request", True)])
def test_a_removed_enum_value_breaks_only_senders(side: str, breaking: bool) -> None:
    """A value the server no longer sends narrows the response; one it no longer takes breaks."""
    old = _obj({"state": {"type": "string", "enum": ["a", "b"]}})
    new = _obj({"state": {"type": "string", "enum": ["a"]}})
    assert _thing_diff(old, new, side) == {("enum value removed", "Thing.state", side, breaking)}


@pytest.mark.parametrize(
    ("side", "breaking"), [("response", False), ("request", True), ("both", True)]
)
def test_a_required_property_added_breaks_only_requests(side: str, breaking: bool) -> None:
    """A response-only schema gaining a required property is compatible."""
    old = _obj({"a": S}, ["a"])
    new = _obj({"a": S, "b": S}, ["a", "b"])
    assert _thing_diff(old, new, side) == {("required property added", "Thing.b", side, breaking)}


def test_optional_properties_added_removed_and_renamed() -> None:
    """Added optional: compatible; removed or renamed-looking: breaking."""
    old = _obj({"purchase_items": S, "gone": S})
    new = _obj({"items": S, "note": S})
    assert _thing_diff(old, new, "response") == {
        ("property renamed (looks like)", "Thing.purchase_items", "response", True),
        ("property removed", "Thing.gone", "response", True),
        ("property added", "Thing.note", "response", False),
    }


@pytest.mark.parametrize(
    ("old_required", "new_required", "side", "kind", "breaking"),
    [
        ([], ["a"], "request", "property now required", True),
        ([], ["a"], "response", "property now required", False),
        (["a"], [], "response", "property now optional", True),
        (["a"], [], "request", "property now optional", False),
    ],
)
def test_required_flips_by_direction(
    old_required: list[str], new_required: list[str], side: str, kind: str, breaking: bool
) -> None:
    """Requests must now send it / responses may now omit it."""
    assert _thing_diff(_obj({"a": S}, old_required), _obj({"a": S}, new_required), side) == {
        (kind, "Thing.a", side, breaking)
    }


@pytest.mark.parametrize(
    ("old_type", "new_type", "side", "kind", "breaking"),
    [
        ("number", "integer", "response", "type narrowed", False),
        ("number", "integer", "request", "type narrowed", True),
        ("integer", "number", "request", "type widened", False),
        ("integer", "number", "response", "type widened", True),
        ("string", "boolean", "response", "type changed", True),
    ],
)
def test_type_narrowing_and_widening_by_direction(
    old_type: str, new_type: str, side: str, kind: str, breaking: bool
) -> None:
    """A response narrowing is compatible; a request narrowing breaks senders."""
    old, new = _obj({"n": {"type": old_type}}), _obj({"n": {"type": new_type}})
    assert _thing_diff(old, new, side) == {(kind, "Thing.n", side, breaking)}


@pytest.mark.parametrize(("side", "breaking"), [("response", True), ("request", False)])
def test_nullable_by_direction(side: str, breaking: bool) -> None:
    """A response that may now be null breaks readers; a request that may be null breaks no one."""
    old, new = _obj({"n": S}), _obj({"n": {"type": "string", "nullable": True}})
    assert _thing_diff(old, new, side) == {("now nullable", "Thing.n", side, breaking)}


@pytest.mark.parametrize(
    ("side", "breaking"), [("request", True), ("response", False), ("both", True)]
)
def test_request_side_constraints_added_break(side: str, breaking: bool) -> None:
    """maxItems on what the client sends can reject calls; on what it receives, never."""
    old = _obj({"ids": {"type": "array", "items": S}})
    new = _obj({"ids": {"type": "array", "items": S, "maxItems": 1000}})
    assert _thing_diff(old, new, side) == {("maxItems added", "Thing.ids", side, breaking)}


def test_a_default_change_breaks_requests_only() -> None:
    """Omitting a field now means something else to the server."""
    old, new = _obj({"f": {"type": "boolean", "default": False}}), _obj({"f": {"type": "boolean"}})
    assert _thing_diff(old, new, "request") == {("default changed", "Thing.f", "request", True)}
    assert _thing_diff(old, new, "response") == {("default changed", "Thing.f", "response", False)}


@pytest.mark.parametrize(
    ("side", "added_breaks", "removed_breaks"),
    [("response", True, False), ("request", False, True)],
)
def test_one_of_branches_by_direction(side: str, added_breaks: bool, removed_breaks: bool) -> None:
    """A new response variant the deployed SDK cannot parse breaks; a removed request one too."""
    old = _obj({"v": {"oneOf": [S, {"type": "integer"}]}})
    new = _obj({"v": {"anyOf": [S]}, "w": {"oneOf": [S, {"type": "boolean"}]}})
    old["properties"]["w"] = {"oneOf": [S]}
    old["properties"]["v"] = {"anyOf": [S, {"type": "integer"}]}
    assert _thing_diff(old, new, side) == {
        ("anyOf branch removed", "Thing.v", side, removed_breaks),
        ("oneOf branch added", "Thing.w", side, added_breaks),
    }


def test_a_ref_target_change_is_reported_once_with_the_structure_below() -> None:
    """Pointing a property at another schema changes its Python type; inner changes follow."""
    old = _spec(
        {"/t": {"get": {"responses": {"200": _json({"$ref": "#/components/schemas/T"})}}}},
        {"T": _obj({"a": {"$ref": "#/components/schemas/A"}}), "A": _obj({"x": S})},
    )
    new = _spec(
        {"/t": {"get": {"responses": {"200": _json({"$ref": "#/components/schemas/T"})}}}},
        {"T": _obj({"a": {"$ref": "#/components/schemas/B"}}), "B": _obj({"x": S, "y": S})},
    )
    assert _sided(diff_http(old, new)) == {
        ("$ref target changed", "T.a", "response", True),
        ("property added", "T.a.y", "response", False),
    }


def test_component_names_are_not_http_changes() -> None:
    """A renamed or unused component schema is not on the wire: only the Python part names it."""
    old = _spec({"/t": {"get": {"responses": {"200": _json(_obj({"a": S}))}}}}, {"Unused": S})
    new = _spec({"/t": {"get": {"responses": {"200": _json(_obj({"a": S}))}}}}, {"Other": S})
    assert diff_http(old, new) == []


def test_read_only_properties_are_not_part_of_the_request() -> None:
    """A readOnly property reached from a request body is reported on the response side only."""
    old = _obj({"id": {"type": "string", "readOnly": True}, "a": S})
    new = _obj({"id": {"type": "integer", "readOnly": True}, "a": S, "b": S}, ["b"])
    assert _thing_diff(old, new, "both") == {
        ("type changed", "Thing.id", "response", True),
        ("required property added", "Thing.b", "both", True),
    }


@pytest.mark.parametrize(("code", "breaking"), [("201", True), ("404", False)])
def test_status_codes(code: str, breaking: bool) -> None:
    """A new success code has no model in the deployed SDK; a new error code is still an error."""
    old = _spec({"/a": _get()})
    new = copy.deepcopy(old)
    new["paths"]["/a"]["get"]["responses"][code] = {"description": "x"}
    assert _sided(diff_http(old, new)) == {("status code added", "GET /a", "response", breaking)}
    assert _sided(diff_http(new, old)) == {("status code removed", "GET /a", "response", False)}


def test_content_types() -> None:
    """A request type gone breaks senders; a new response type may not be parseable."""
    old = _thing_spec(_obj({"a": S}), "both")
    new = copy.deepcopy(old)
    post = new["paths"]["/things"]["post"]
    post["requestBody"]["content"]["application/xml"] = post["requestBody"]["content"].pop(
        "application/json"
    )
    post["responses"]["200"]["content"]["text/csv"] = {"schema": S}
    assert _sided(diff_http(old, new)) == {
        ("content type removed", "POST /things request", "request", True),
        ("content type added", "POST /things request", "request", False),
        ("content type added", "POST /things 200", "response", True),
    }


def test_a_required_request_body_added_breaks() -> None:
    """Callers that sent nothing now must send a body."""
    old = _spec({"/a": {"post": {"responses": {}}}})
    new = _spec({"/a": {"post": {"requestBody": {"required": True, **_json(S)}, "responses": {}}}})
    assert _sided(diff_http(old, new)) == {
        ("request body added", "POST /a request", "request", True)
    }


def _list_spec(arrays: list[str]) -> dict[str, Any]:
    data = {name: {"type": "array", "items": S} for name in arrays}
    data["total_items"] = {"type": "integer"}
    page = _obj({"data": _obj(data)})
    params = [{"name": "count", "in": "query"}, {"name": "offset", "in": "query"}]
    return _spec({"/stores": {"get": {"parameters": params, "responses": {"200": _json(page)}}}})


def test_a_list_operation_gaining_a_second_array_stops_being_paginated() -> None:
    """The paginator can no longer tell which array to page through: breaking."""
    changes = _sided(diff_http(_list_spec(["stores"]), _list_spec(["stores", "extra"])))
    assert ("list field changed", "GET /stores", "", True) in changes
    assert ("property added", "GET /stores 200.data.extra", "response", False) in changes
    assert _sided(diff_http(_list_spec(["stores", "extra"]), _list_spec(["stores"]))) >= {
        ("list field changed", "GET /stores", "", False)
    }


def _scoped(text: str) -> dict[str, Any]:
    spec = _spec({"/a": {"get": {"description": text, "responses": {}}}})
    return spec


def test_an_api_scope_change_is_reported_breaking_when_it_narrows() -> None:
    """An operation leaving the Customer API breaks Customer API callers."""
    both = _scoped("Lists things.")
    enterprise = _scoped("Endpoint is available only in Enterprise API.")
    assert _sided(diff_http(both, enterprise)) == {("API scope changed", "GET /a", "", True)}
    assert _sided(diff_http(enterprise, both)) == {("API scope changed", "GET /a", "", False)}


def test_a_shared_component_is_reported_once_for_both_sides() -> None:
    """A schema sent and received is compared once; the entry names both sides."""
    old = _obj({"a": {"type": "string", "enum": ["x", "z"]}})
    new = _obj({"a": {"type": "string", "enum": ["x", "y"]}})
    changes = diff_http(_thing_spec(old, "both"), _thing_spec(new, "both"))
    assert [c.line() for c in changes] == [
        "- **breaking** (both) enum value removed: `Thing.a` ('z')",
        "- compatible (both) enum value added: `Thing.a` ('y')",
    ]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_python_diff_reads_functions_and_model_attributes_without_importing(tmp_path: Path) -> None:
    """Endpoint signatures and model attributes are compared from source."""
    old = _write(
        tmp_path / "old",
        {
            "api/things/get_thing.py": "def _get_kwargs(*, thing_id: str): ...\n",
            "api/things/get_gone.py": "def _get_kwargs(): ...\n",
            "models/thing.py": "class Thing:\n    name: str\n    old_field: int | None = None\n",
            "typed/enterprise/things.py": (
                "class Things:\n"
                "    async def get_thing(self, *, thing_id: str, mode: str | None = None): ...\n"
                "    async def get_gone(self): ...\n"
            ),
        },
    )
    new = _write(
        tmp_path / "new",
        {
            "api/things/get_thing.py": ("def _get_kwargs(*, thing_id: str, mode: str): ...\n"),
            "models/thing.py": "class Thing:\n    name: str\n    new_field: int | None = None\n",
            "typed/enterprise/things.py": (
                "class Things:\n"
                "    async def get_thing(self, *, thing_id: str, mode: str): ...\n"
                "    async def get_new(self): ...\n"
            ),
        },
    )
    assert _kinds(diff_python(old, new, "pkg")) == {
        ("endpoint function removed", "pkg.api.things.get_gone", True),
        ("required parameter added", "pkg.api.things.get_thing.mode", True),
        ("attribute removed", "Thing.old_field", True),
        ("attribute added", "Thing.new_field", False),
        ("client method removed", "EnterpriseClient.things.get_gone", True),
        ("client method added", "EnterpriseClient.things.get_new", False),
        ("parameter type changed", "EnterpriseClient.things.get_thing.mode", True),
    }


def test_markdown_marks_breaking_entries_and_counts_them() -> None:
    """The rendered changelog has both parts, with counts."""
    text = render_markdown(
        "v1 -> v2",
        [Change("HTTP", True, "operation removed", "GET /b")],
        [Change("Python", False, "model added", "pkg.models.X")],
    )
    assert "#### HTTP API (1 breaking, 0 compatible)" in text
    assert "- **breaking** operation removed: `GET /b`" in text
    assert "- compatible model added: `pkg.models.X`" in text
