"""Instances built from the spec's own examples, shared by tests that need realistic bodies."""

from __future__ import annotations

from functools import cache
from typing import Any

from carecloud_async._schema import PLACEHOLDER_BY_TYPE
from scripts._spec import PINNED_SPEC, Spec, load_spec, resolve_ref
from scripts.normalize import normalize


@cache
def normalized() -> Spec:
    return normalize(load_spec(PINNED_SPEC))[0]


def schema_example(name: str) -> Any:
    """An example instance of components/schemas/<name> of the normalized spec."""
    spec = normalized()
    return example(spec, spec["components"]["schemas"][name])


def example(spec: Spec, schema: Any, depth: int = 0) -> Any:
    """An instance of ``schema`` built from its own examples (object example first)."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = resolve_ref(spec, schema["$ref"])
    if not isinstance(schema, dict) or depth > 6:
        return None
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            parts = [example(spec, part, depth + 1) for part in schema[combinator]]
            if combinator != "allOf":
                return parts[0]
            merged: dict[str, Any] = {}
            for part in parts:
                if isinstance(part, dict):
                    merged.update(part)
            return merged
    if schema.get("type") == "array":
        item = example(spec, schema.get("items", {}), depth + 1)
        return [] if item is None else [item]
    if "properties" in schema:
        built = {}
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            value = example(spec, prop, depth + 1)
            if value is None and name in required:
                value = _PLACEHOLDER_BY_TYPE.get(_resolved_type(spec, prop))
            if value is not None:
                built[name] = value
        return built
    return None


# A required property without an example of its own still needs a value of its type.
_PLACEHOLDER_BY_TYPE: dict[str | None, Any] = dict(PLACEHOLDER_BY_TYPE)


def _resolved_type(spec: Spec, schema: Any) -> str | None:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = resolve_ref(spec, schema["$ref"])
    return schema.get("type") if isinstance(schema, dict) else None


def request_body_example(method: str, path: str) -> Any:
    """An example JSON body for an operation's request, from its schema's examples."""
    spec = normalized()
    operation = spec["paths"][path][method.lower()]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return example(spec, schema)
