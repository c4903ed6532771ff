"""Property-based parsing: schema-valid instances parse into the generated models.

For each component schema of the normalized spec, hypothesis-jsonschema draws
instances that satisfy the schema; the generated model must parse them and
``to_dict`` must give back every key. This finds what hand-picked examples miss
(optional fields absent, empty arrays, unusual strings).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from carecloud_openapi import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from tests.spec_examples import normalized
from tests.test_generated import _class_name, _missing_keys

# Keywords that document rather than constrain, or that JSON Schema does not know.
_DOCUMENTATION = {
    "example",
    "examples",
    "description",
    "title",
    "xml",
    "readOnly",
    "writeOnly",
    "deprecated",
    "nullable",
}


def _inline(node: Any, stack: tuple[str, ...] = ()) -> Any:
    """A self-contained JSON Schema: $refs inlined, a recursive one cut to an empty object."""
    schemas = normalized()["components"]["schemas"]
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            if name in stack:
                return {"type": "object", "maxProperties": 0}
            return _inline(schemas[name], (*stack, name))
        inlined = {
            key: _inline(value, stack)
            for key, value in node.items()
            if key not in _DOCUMENTATION and not key.startswith("x-") and key != "properties"
        }
        if isinstance(node.get("properties"), dict):  # property names are not keywords
            inlined["properties"] = {
                name: _inline(value, stack) for name, value in node["properties"].items()
            }
        return inlined
    if isinstance(node, list):
        return [_inline(value, stack) for value in node]
    return node


def _object_schemas() -> list[str]:
    return [
        name
        for name, schema in normalized()["components"]["schemas"].items()
        if "properties" in schema or "allOf" in schema
    ]


@cache
def _strategy(name: str) -> st.SearchStrategy[Any]:
    return from_schema(_inline(normalized()["components"]["schemas"][name]))


@pytest.mark.parametrize("schema_name", _object_schemas())
@settings(
    max_examples=5,
    derandomize=True,  # the same instances on every run: CI cannot flake on a new seed
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_schema_valid_instances_parse_and_round_trip(schema_name: str, data: st.DataObject) -> None:
    """from_dict accepts what the schema allows, and to_dict loses no key."""
    instance = data.draw(_strategy(schema_name))
    model = getattr(models, _class_name(schema_name))
    assert _missing_keys(instance, model.from_dict(instance).to_dict()) == []


# -- instances from a server newer than the SDK, or with odd data --------------------------


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return normalized()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _typed_not_nullable(node: dict[str, Any]) -> bool:
    """A property the generated model reads as one type that does not admit null."""
    node = _resolved(node)
    if node.get("nullable") or any(k in node for k in ("oneOf", "anyOf", "allOf")):
        return False
    kind = node.get("type")
    return kind in ("string", "integer", "number", "boolean", "array") or "properties" in node


def _mutations(schema_name: str, instance: dict[str, Any]) -> list[tuple[str, str]]:
    schema = normalized()["components"]["schemas"][schema_name]
    properties: dict[str, Any] = schema.get("properties", {})
    found = [("extra", "brand_new_field")]
    for key, node in properties.items():
        if key in schema.get("required", []) and key in instance:
            found.append(("drop", key))
        if key in instance and _typed_not_nullable(node):
            found.append(("null", key))
        values = _resolved(node).get("enum")
        if key in instance and values and all(type(v) in (int, str) for v in values):
            found.append(("enum", key))
    return found


def _mutate(instance: dict[str, Any], kind: str, key: str, schema_name: str) -> dict[str, Any]:
    mutated = dict(instance)
    if kind == "drop":
        del mutated[key]
    elif kind == "null":
        mutated[key] = None
    elif kind == "extra":
        mutated[key] = {"added": "by a newer server"}
    else:
        node = normalized()["components"]["schemas"][schema_name]["properties"][key]
        values = _resolved(node)["enum"]
        mutated[key] = max(values) + 1000 if isinstance(values[0], int) else "zz-new-value"
    return mutated


_MUTABLE = [
    name
    for name, schema in normalized()["components"]["schemas"].items()
    if "properties" in schema and "allOf" not in schema
]


@pytest.mark.parametrize("schema_name", _MUTABLE)
@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_mutated_instances_are_read_tolerantly_and_refused_strictly(
    schema_name: str, data: st.DataObject
) -> None:
    """Unknown enum values, nulls, dropped required fields, extra fields: tolerant reading
    never raises and reports the mutated place; strict reading raises with that path."""
    from carecloud_openapi.types import SchemaDeviationError, reading

    instance = data.draw(_strategy(schema_name))
    kind, key = data.draw(st.sampled_from(_mutations(schema_name, instance)))
    mutated = _mutate(instance, kind, key, schema_name)
    model = getattr(models, _class_name(schema_name))

    with reading() as report:
        parsed = model.from_dict(mutated)
    found = [(d.path, d.kind) for d in report.deviations]
    if kind == "drop":
        assert found == [(f"$.{key}", "missing")]
    elif kind == "null":
        assert found == [(f"$.{key}", "null")]
    else:
        assert found == []
    out = parsed.to_dict()
    if kind in ("extra", "enum"):
        assert out[key] == mutated[key]
        assert _missing_keys(mutated, out) == []

    if found:
        with pytest.raises(SchemaDeviationError) as caught, reading(strict=True):
            model.from_dict(mutated)
        assert caught.value.path == found[0][0]
    else:
        with reading(strict=True):
            model.from_dict(mutated)
