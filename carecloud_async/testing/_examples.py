"""Instances built from a spec's own examples: the mock router's default answers.

The CareCloud spec documents examples on properties rather than whole
responses, so an answer is assembled from the schema: a property's
``example`` first, then its first ``enum`` value, then a plain value of its
type when the property is required. Arrays get one item, so list operations
return one realistic element and ``total_items`` from the spec.
"""

from __future__ import annotations

from typing import Any

from carecloud_async._spec_data import resolve_ref

__all__ = ["SchemaResolver", "example_for"]

_MAX_DEPTH = 8

# A required property without an example still needs a value of its type.
_PLACEHOLDER_BY_TYPE: dict[str, Any] = {
    "string": "text",
    "integer": 1,
    "number": 1.5,
    "boolean": True,
    "array": [],
    "object": {},
}


class SchemaResolver:
    """Follows local ``$ref`` pointers (``#/components/...``) of one spec document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._cache: dict[str, Any] = {}

    def resolve(self, schema: Any) -> Any:
        """``schema`` itself, or what its ``$ref`` chain points at."""
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            target = self._cache.get(ref)
            if target is None:
                target = self._cache[ref] = resolve_ref(self.spec, ref)
            schema = target
        return schema


def example_for(resolver: SchemaResolver, schema: Any, depth: int = 0) -> Any:
    """An instance of ``schema`` made of the spec's examples (None when there is nothing)."""
    schema = resolver.resolve(schema)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return None
    if "example" in schema:
        return schema["example"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_for(resolver, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for combinator in ("oneOf", "anyOf"):
        if schema.get(combinator):
            return example_for(resolver, schema[combinator][0], depth + 1)
    kind = schema.get("type")
    if kind == "array":
        item = example_for(resolver, schema.get("items", {}), depth + 1)
        return [] if item is None else [item]
    if kind == "object" or "properties" in schema:
        built: dict[str, Any] = {}
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            value = example_for(resolver, prop, depth + 1)
            if value is None and name in required:
                value = _placeholder(resolver, prop)
            if value is not None:
                built[name] = value
        return built
    return None


def _placeholder(resolver: SchemaResolver, schema: Any) -> Any:
    kind = resolver.resolve(schema).get("type") if isinstance(schema, dict) else None
    value = _PLACEHOLDER_BY_TYPE.get(kind) if isinstance(kind, str) else None
    return value.copy() if isinstance(value, list | dict) else value
