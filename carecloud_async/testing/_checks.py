"""Does a request fit its operation? Read the way CareCloud (and Prism) read the spec.

The mock's request checks: query and header parameters and the JSON body are
handed to the one schema walker (``carecloud_async._schema``) in server mode,
the same rules the client applies before sending, so a request the client lets
through is one the mock accepts. What is left here is reading the wire: query
text parsed as its declared type, ``name`` and ``name[]`` for arrays, and the
body's JSON. Each ``Problem`` names the parameter (``count``,
``body.purchase.bill.bill_items[0].price``) and carries one of the API's generic
reason codes, so a refused request reads like the server's own ``400``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from carecloud_async._schema import Mode, Problem, Schemas

__all__ = ["Problem", "check_body", "check_parameters"]

_MAX_PROBLEMS = 20
_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False}


def check_parameters(
    schemas: Schemas, parameters: list[Any], request: httpx.Request
) -> list[Problem]:
    """Required query and header parameters are present; query values fit their schema."""
    problems: list[Problem] = []
    query = request.url.params
    for declared in parameters:
        parameter = schemas.resolve(declared)
        where, name = parameter.get("in"), parameter.get("name", "")
        if where == "query":
            values = query.get_list(name) or query.get_list(f"{name}[]")
        elif where == "header":
            values = [request.headers[name]] if name in request.headers else []
        else:
            continue  # path parameters are part of the route match
        if not values:
            if parameter.get("required"):
                problems.append(
                    Problem(name, "required", f"{where} parameter {name!r} is required")
                )
            continue
        if where == "query":
            _check_query_value(schemas, parameter.get("schema"), name, values, problems)
    return problems


def _check_query_value(
    schemas: Schemas, schema: Any, name: str, values: list[str], problems: list[Problem]
) -> None:
    node = schemas.node(schema)
    label = f"query parameter {name!r}"
    if node.type == "array":
        item_type = schemas.node(node.items).type
        parsed: Any = [_parsed(item_type, value) for value in values]
        if any(item is _UNREADABLE for item in parsed):
            problems.append(_unreadable(name, label, item_type))
            return
    else:
        parsed = _parsed(node.type, values[0])
        if parsed is _UNREADABLE:
            problems.append(_unreadable(name, label, node.type))
            return
    schemas.check(schema, parsed, name, Mode.SERVER, problems, label)


_UNREADABLE: Any = object()


def _parsed(kind: str | None, text: str) -> Any:
    """Query text as a value of the declared type, or ``_UNREADABLE``."""
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind == "boolean":
            return _BOOLEAN_TEXT[text.lower()]
    except (ValueError, KeyError):
        return _UNREADABLE
    return text


def _unreadable(name: str, label: str, kind: str | None) -> Problem:
    return Problem(name, "invalid_value_format", f"{label} is not a valid {kind}")


def check_body(
    schemas: Schemas, request_body: Mapping[str, Any] | None, request: httpx.Request
) -> list[Problem]:
    """A JSON body is present when required, parses, and fits the operation's schema."""
    content = request.content
    if request_body is None:
        return []
    request_body = schemas.resolve(request_body)
    if not content:
        if request_body.get("required"):
            return [Problem("body", "required", "a JSON request body is required")]
        return []
    try:
        document = json.loads(content)
    except ValueError as exc:
        return [Problem("body", "invalid_value_format", f"the body is not valid JSON: {exc}")]
    media = request_body.get("content", {}).get("application/json", {})
    problems: list[Problem] = []
    schemas.check(media.get("schema"), document, "body", Mode.SERVER, problems)
    return problems[:_MAX_PROBLEMS]
