"""Does a request fit its operation? Required parameters, their types, and the body's shape.

Each problem names the parameter (``body.purchase.bill_items[0].price``) and
carries one of the spec's generic reason codes, so a refused request reads
like the server's own ``400``. Formats (dates, e-mails) are not checked: only
what the SDK itself could get wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from carecloud_async.testing._examples import SchemaResolver

__all__ = ["Problem", "check_body", "check_parameters"]

_MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One reason a request does not fit: which parameter, a reason code, and why."""

    name: str
    reason: str
    message: str

    def as_invalid_param(self) -> dict[str, str]:
        return {"name": self.name, "reason": self.reason, "message": self.message}


def check_parameters(
    resolver: SchemaResolver, parameters: list[dict[str, Any]], request: httpx.Request
) -> list[Problem]:
    """Required query and header parameters are present, and query values parse as their type."""
    problems: list[Problem] = []
    query = request.url.params
    for declared in parameters:
        parameter = resolver.resolve(declared)
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
        schema = resolver.resolve(parameter.get("schema", {}))
        if where == "query" and schema.get("type") != "array":
            problem = _check_text_value(name, values[0], schema)
            if problem:
                problems.append(problem)
    return problems


_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False}


def _check_text_value(name: str, value: str, schema: Mapping[str, Any]) -> Problem | None:
    kind = schema.get("type")
    parsed: Any = value
    try:
        if kind == "integer":
            parsed = int(value)
        elif kind == "number":
            parsed = float(value)
        elif kind == "boolean":
            parsed = _BOOLEAN_TEXT[value.lower()]
    except (ValueError, KeyError):
        return Problem(name, "invalid_value_format", f"{name}={value!r} is not a valid {kind}")
    enum = schema.get("enum")
    if enum and parsed not in enum and value not in [str(option) for option in enum]:
        return Problem(name, "not_allowed_value", f"{name}={value!r} is not one of {enum}")
    return None


def check_body(
    resolver: SchemaResolver, request_body: dict[str, Any] | None, request: httpx.Request
) -> list[Problem]:
    """A JSON body is present when required, parses, and fits the operation's schema."""
    content = request.content
    if request_body is None:
        return []
    request_body = resolver.resolve(request_body)
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
    _check_value(resolver, media.get("schema", {}), document, "body", problems)
    return problems[:_MAX_PROBLEMS]


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    for name, types in (("boolean", (bool,)), *_JSON_TYPES.items()):
        if isinstance(value, types):
            return name
    return type(value).__name__


def _fits_type(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(kind, (object,)))


def _check_value(
    resolver: SchemaResolver, schema: Any, value: Any, where: str, problems: list[Problem]
) -> None:
    schema = resolver.resolve(schema)
    if not isinstance(schema, dict) or len(problems) >= _MAX_PROBLEMS:
        return
    if value is None:
        if not schema.get("nullable") and "type" in schema:
            problems.append(Problem(where, "empty", f"{where} must not be null"))
        return
    for part in schema.get("allOf", ()):
        _check_value(resolver, part, value, where, problems)
    for combinator in ("oneOf", "anyOf"):
        options = schema.get(combinator)
        if options and not any(_fits(resolver, option, value, where) for option in options):
            problems.append(
                Problem(where, "invalid_value_format", f"{where} fits none of its {combinator}")
            )
    kind = schema.get("type")
    if isinstance(kind, str) and not _fits_type(kind, value):
        problems.append(
            Problem(
                where, "invalid_value_format", f"{where}: expected {kind}, got {_type_name(value)}"
            )
        )
        return
    enum = schema.get("enum")
    if enum and value not in enum:
        problems.append(
            Problem(where, "not_allowed_value", f"{where}={value!r} is not one of {enum}")
        )
    if isinstance(value, dict):
        _check_object(resolver, schema, value, where, problems)
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _check_value(resolver, schema["items"], item, f"{where}[{index}]", problems)


def _check_object(
    resolver: SchemaResolver,
    schema: dict[str, Any],
    value: dict[str, Any],
    where: str,
    problems: list[Problem],
) -> None:
    properties: dict[str, Any] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            problems.append(Problem(f"{where}.{name}", "required", f"{where}.{name} is required"))
    for name, item in value.items():
        if name in properties:
            _check_value(resolver, properties[name], item, f"{where}.{name}", problems)
        elif schema.get("additionalProperties") is False:
            problems.append(
                Problem(
                    f"{where}.{name}", "not_allowed_value", f"{where}.{name} is not allowed here"
                )
            )


def _fits(resolver: SchemaResolver, schema: Any, value: Any, where: str) -> bool:
    trial: list[Problem] = []
    _check_value(resolver, schema, value, where, trial)
    return not trial
