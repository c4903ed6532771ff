"""The operations the command line knows: the pinned spec's index, looked up by name or path.

Everything here reads what the package ships (the generated endpoint modules
and the normalized spec), so ``carecloud ops`` needs no network and no login.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from carecloud_async import ConfigurationError

if TYPE_CHECKING:
    from carecloud_async._schema import Schemas

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


def _schemas() -> Schemas:
    from carecloud_async._schema import spec_schemas

    return spec_schemas()


def _resolve(node: Any) -> Mapping[str, Any]:
    node = _schemas().resolve(node)
    return node if isinstance(node, Mapping) else {}


def _operation_spec(entry: OperationEntry) -> Mapping[str, Any]:
    return _resolve(_schemas().spec["paths"][entry.path][entry.method.lower()])


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
                type=_schemas().type_text(parameter.get("schema")),
                required=bool(parameter.get("required")),
                description=_one_line(parameter.get("description")),
            )
        )
    return fields


def body_fields(entry: OperationEntry) -> list[Field]:
    """The request body's fields, nested objects with dotted names.

    A read-only field is listed as optional: the server fills it in.
    """
    body = _resolve(_operation_spec(entry).get("requestBody", {}))
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    if not schema:
        return []
    schemas = _schemas()
    return [
        Field(name, "body", schemas.type_text(node.schema), required, node.description)
        for name, node, required in schemas.fields(schema)
    ]


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
