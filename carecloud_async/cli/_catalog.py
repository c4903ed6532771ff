"""The operations the command line knows: the pinned spec's index, looked up by name or path.

Everything here reads what the package ships (the generated endpoint modules
and the normalized spec), so ``carecloud ops`` needs no network and no login.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from carecloud_async import ConfigurationError

__all__ = [
    "Field",
    "OperationEntry",
    "all_operations",
    "body_fields",
    "date_filters",
    "find",
    "parameters",
    "python_name",
]


@dataclass(frozen=True)
class OperationEntry:
    """One operation of the pinned spec and the generated module that calls it."""

    operation_id: str
    method: str
    path: str
    apis: tuple[str, ...]
    list_field: str | None
    module_name: str

    @property
    def paginated(self) -> bool:
        return self.list_field is not None

    def endpoint(self) -> ModuleType:
        """The generated endpoint module (imported on demand)."""
        return importlib.import_module(self.module_name)


@dataclass(frozen=True)
class Field:
    """A parameter or a body field, as ``ops show`` prints it."""

    name: str
    location: str
    type: str
    required: bool
    description: str


def python_name(entry: OperationEntry) -> str:
    """How Python code reaches the operation: the typed method on the client."""
    from carecloud_async import find_operation

    info = find_operation(entry.operation_id)
    return f"client.{info.namespace}.{info.python_method}"


@cache
def all_operations() -> tuple[OperationEntry, ...]:
    """Every operation of the pinned spec, in the spec's order."""
    from carecloud_openapi.typed._index import NAMES

    from carecloud_async._operations import operations_table

    return tuple(
        OperationEntry(operation_id, method, path, apis, list_field, NAMES[operation_id][2])
        for (method, path), (operation_id, apis, list_field) in operations_table().items()
    )


def find(name: str) -> OperationEntry:
    """An operation by operationId (any case) or ``"METHOD /path"``."""
    text = " ".join(name.split())
    match = re.fullmatch(r"([A-Za-z]+) (/\S*)", text)
    for entry in all_operations():
        if match:
            if entry.method == match.group(1).upper() and entry.path == match.group(2):
                return entry
        elif entry.operation_id.lower() == text.lower():
            return entry
    from difflib import get_close_matches

    ids = [entry.operation_id for entry in all_operations()]
    close = get_close_matches(text, ids, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; list them with `carecloud ops`"
    raise ConfigurationError(f"unknown operation {name!r}{hint}")


def _spec() -> dict[str, Any]:
    from carecloud_async._spec_data import normalized_spec

    return normalized_spec()


def _resolve(node: Any) -> dict[str, Any]:
    from carecloud_async._spec_data import resolved

    node = resolved(_spec(), node)
    return node if isinstance(node, dict) else {}


def _operation_spec(entry: OperationEntry) -> dict[str, Any]:
    return _resolve(_spec()["paths"][entry.path][entry.method.lower()])


def _type_of(schema: dict[str, Any]) -> str:
    schema = _resolve(schema)
    kind = str(schema.get("type", "object" if "properties" in schema else "any"))
    if kind == "array":
        return f"array of {_type_of(schema.get('items', {}))}"
    if "enum" in schema:
        return f"{kind} ({' | '.join(str(v) for v in schema['enum'])})"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def parameters(entry: OperationEntry) -> list[Field]:
    """Path, query and header parameters of an operation."""
    fields = []
    for raw in _operation_spec(entry).get("parameters", []):
        parameter = _resolve(raw)
        fields.append(
            Field(
                name=str(parameter.get("name")),
                location=str(parameter.get("in")),
                type=_type_of(parameter.get("schema", {})),
                required=bool(parameter.get("required")),
                description=_one_line(parameter.get("description")),
            )
        )
    return fields


def _walk(schema: dict[str, Any], prefix: str, depth: int) -> Iterator[Field]:
    schema = _resolve(schema)
    required = set(schema.get("required", []))
    for name, raw in schema.get("properties", {}).items():
        child = _resolve(raw)
        dotted = f"{prefix}{name}"
        yield Field(
            dotted, "body", _type_of(child), name in required, _one_line(child.get("description"))
        )
        if depth < 3 and "properties" in child:
            yield from _walk(child, f"{dotted}.", depth + 1)


def body_fields(entry: OperationEntry) -> list[Field]:
    """The request body's fields, nested objects with dotted names."""
    body = _resolve(_operation_spec(entry).get("requestBody", {}))
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    return list(_walk(schema, "", 0)) if schema else []


def date_filters(entry: OperationEntry) -> list[tuple[str, str]]:
    """The operation's date or date-time range filters, as ``(from, to)`` parameter pairs."""
    names = [
        str(p.get("name"))
        for p in map(_resolve, _operation_spec(entry).get("parameters", []))
        if p.get("in") == "query" and p.get("x-carecloud-datetime")
    ]
    return [
        (name, f"{name[: -len('_from')]}_to")
        for name in names
        if name.endswith("_from") and f"{name[: -len('_from')]}_to" in names
    ]
