"""The one schema walker: each keyword means the same in every visit, and the mode says who asks."""

from __future__ import annotations

from datetime import date
from typing import Any

from carecloud_async._schema import Mode, Problem, Schemas

SPEC: dict[str, Any] = {
    "components": {
        "schemas": {
            "Base": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "name": {"type": "string", "minLength": 2, "maxLength": 5},
                },
            },
            "Store": {
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {
                        "type": "object",
                        "required": ["phone"],
                        "properties": {
                            "phone": {"type": "string", "pattern": "^[1-9][0-9]*$"},
                            "opened": {"type": "string", "format": "date"},
                            "secret": {"type": "string", "writeOnly": True, "example": "pw"},
                            "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
                            "gender": {"type": "integer", "nullable": True, "enum": [1, 2]},
                            "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                            "since": {"type": "string", "x-carecloud-datetime": "datetime"},
                            "parent": {"$ref": "#/components/schemas/Store"},
                        },
                    },
                ]
            },
            "Loop": {"$ref": "#/components/schemas/Loop"},
            "Closed": {
                "type": "object",
                "properties": {"a": {"type": "integer", "minimum": 1}},
                "additionalProperties": False,
            },
        }
    }
}
STORE = {"$ref": "#/components/schemas/Store"}


def _check(value: Any, mode: Mode, schema: Any = STORE) -> list[Problem]:
    problems: list[Problem] = []
    Schemas(SPEC).check(schema, value, "body", mode, problems)
    return problems


def _names(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(problem.name, problem.reason) for problem in problems]


def test_read_only_fields_are_never_required_in_a_request_in_either_mode() -> None:
    """allOf is merged: name and phone are required, the read-only id never is."""
    for mode in Mode:
        assert _names(_check({}, mode)) == [("body.name", "required"), ("body.phone", "required")]
        assert _check({"name": "Ann", "phone": "42"}, mode) == []


def test_the_server_ignores_read_only_values_the_client_still_checks_them() -> None:
    """A caller's wrong type is a mistake worth naming; the server overwrites it anyway."""
    body = {"name": "Ann", "phone": "42", "id": 7}
    assert _names(_check(body, Mode.CLIENT)) == [("body.id", "invalid_value_format")]
    assert _check(body, Mode.SERVER) == []


def test_unknown_fields_are_refused_by_the_client_and_by_the_server_only_when_closed() -> None:
    """The spec declares every field; only additionalProperties: false binds the server."""
    body = {"name": "Ann", "phone": "42", "colour": "red"}
    assert _names(_check(body, Mode.CLIENT)) == [("body.colour", "not_allowed_value")]
    assert _check(body, Mode.SERVER) == []
    closed = {"$ref": "#/components/schemas/Closed"}
    assert _names(_check({"b": 1}, Mode.SERVER, closed)) == [("body.b", "not_allowed_value")]
    assert _names(_check({"a": 0}, Mode.SERVER, closed)) == [("body.a", "not_allowed_value")]


def test_lengths_items_enums_nullability_and_branches_mean_the_same_in_both_modes() -> None:
    """Every keyword gives one finding, with the same path and reason whoever asks."""
    body = {
        "name": "A",
        "phone": "42",
        "tags": ["a", "b", "c"],
        "gender": 3,
        "value": 1.5,
        "opened": "31.12.2030",
    }
    expected = [
        ("body.name", "not_allowed_value"),
        ("body.opened", "invalid_value_format"),
        ("body.tags", "not_allowed_value"),
        ("body.gender", "not_allowed_value"),
        ("body.value", "invalid_value_format"),
    ]
    for mode in Mode:
        assert sorted(_names(_check(body, mode))) == sorted(expected)
        assert _check({"name": "Ann", "phone": "42", "gender": None}, mode) == []
        assert _names(_check({"name": None, "phone": "42"}, mode)) == [("body.name", "empty")]


def test_patterns_are_the_servers_to_check() -> None:
    """The client leaves e-mail and phone rules to the server; the mock checks them as Prism."""
    body = {"name": "Ann", "phone": "0abc"}
    assert _check(body, Mode.CLIENT) == []
    assert _names(_check(body, Mode.SERVER)) == [("body.phone", "invalid_value_format")]


def test_python_values_only_count_in_client_mode() -> None:
    """A date fills a date-time field before _wire formats it; 2.0 is an integer only in JSON."""
    body = {"name": "Ann", "phone": "42", "since": date(2030, 1, 1)}
    assert _check(body, Mode.CLIENT) == []
    assert _names(_check(body, Mode.SERVER)) == [("body.since", "invalid_value_format")]
    assert _names(_check(2.0, Mode.CLIENT, {"type": "integer"})) == [
        ("body", "invalid_value_format")
    ]
    assert _check(2.0, Mode.SERVER, {"type": "integer"}) == []


def test_messages_name_the_path_and_never_echo_free_text() -> None:
    """One message serves the client's ConfigurationError and the mock's invalid_params."""
    (problem,) = _check({"name": "Ann", "phone": "42", "tags": "jane@example.com"}, Mode.CLIENT)
    assert problem.message == "body.tags expects a list, got a string"
    assert problem.as_invalid_param() == {
        "name": "body.tags",
        "reason": "invalid_value_format",
        "message": problem.message,
    }


def test_every_visit_ends_on_recursive_and_looping_schemas() -> None:
    """A schema that contains itself, and a $ref that points at itself, are walked once."""
    schemas = Schemas(SPEC)
    assert schemas.datetime_shape(STORE) == {"since": "datetime"}
    assert schemas.check({"$ref": "#/components/schemas/Loop"}, 1, "x", Mode.SERVER, []) is None
    listed = [name for name, _, _ in schemas.fields(STORE)]
    assert "parent.parent.parent.name" in listed
    assert "parent.parent.parent.parent.name" not in listed


def test_examples_and_listings_read_the_same_merged_node() -> None:
    """Answers leave write-only fields out; a listing shows read-only fields as optional."""
    schemas = Schemas(SPEC)
    example = schemas.example(STORE)
    assert "secret" not in example
    assert example["name"] == "text"  # required, no example: a plain value of its type
    required = {name: needed for name, _, needed in schemas.fields(STORE, max_depth=0)}
    assert (required["id"], required["name"], required["phone"]) == (False, True, True)
    assert schemas.type_text({"$ref": "#/components/schemas/Closed"}) == "object"


def test_columns_keep_typed_values_and_turn_open_ones_into_json() -> None:
    """The column visit: plain types and date-times keep their kind, objects become
    structs, arrays lists; mixed branches, free objects and recursion become JSON."""
    schemas = Schemas(SPEC)
    store = dict(schemas.column(STORE).fields)
    assert (store["name"].kind, store["since"].kind) == ("string", "datetime")
    assert store["gender"].kind == "integer"
    assert store["gender"].enum == (1, 2)
    assert store["tags"].kind == "list"
    assert store["tags"].item is not None
    assert store["tags"].item.kind == "string"
    assert store["value"].kind == "json"  # a string or an integer: no one column type
    assert store["parent"].kind == "json"  # the schema contains itself
    assert schemas.column({"type": "object"}).kind == "json"
    assert schemas.column({"oneOf": [{"type": "integer"}, {"type": "integer"}]}).kind == "integer"
    assert schemas.column({"$ref": "#/components/schemas/Loop"}).kind == "json"
