"""Arguments of a call checked against the spec before anything is sent.

``client.call`` and ``call_raw`` run every call through ``check_params`` (path,
query and header parameters) and, for a plain-dict body, ``check_body`` (the
request body's JSON schema). A refusal is a ``ConfigurationError`` that names
the operation, the parameter or the body field's JSON path, and what the spec
expects, with a "did you mean" for near misses. Values are never echoed for
free-text fields, so an error is safe to log.

What is checked:

- keyword arguments the operation does not take, and required ones left out;
- ``None`` or ``""`` for a path parameter; ``None`` for an optional parameter
  means "not given";
- types (string, integer, number, boolean, array, object), ``minimum`` /
  ``maximum`` and ``maxItems`` / ``minItems`` (a list filter also takes one
  plain value);
- enum parameters: the generated enum member or its plain value (which is
  turned into the member); other values are refused with the valid ones;
- date-time and date inputs take ``datetime`` / ``date`` / strings here; their
  format and time zone are handled by ``_wire``;
- body dicts: unknown fields (the spec declares every field), missing required
  fields (read-only ones excepted) and values of the wrong type, at any depth.

Patterns (e-mail, phone) are left to the server: its own rules decide.
"""

from __future__ import annotations

import difflib
import inspect
import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache
from types import ModuleType
from typing import Any

import httpx

from carecloud_async._errors import ConfigurationError
from carecloud_async._operations import Operation
from carecloud_async._spec_data import resolved

__all__ = ["check_body", "check_params", "url_error"]

CALL_OPTIONS = ("headers", "timeout", "retry_unsafe", "deadline")
"""Keyword arguments ``call`` takes itself; offered as near misses too."""

_MAX_REPORTED = 5
_DATETIME_EXTENSION = "x-carecloud-datetime"
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (True or False)",
    "array": "a list",
    "object": "a dict",
}


@dataclass(frozen=True)
class _Param:
    name: str
    """The Python keyword."""
    location: str
    schema: Mapping[str, Any]
    enum_class: type[Enum] | None
    datetime_kind: str | None


@dataclass(frozen=True)
class _Inputs:
    operation_id: str
    params: Mapping[str, _Param]
    keywords: tuple[str, ...]
    """Every keyword the operation takes, in its declared order."""
    required: frozenset[str]
    """Keywords without a default (a required parameter with a default gets it sent)."""
    body_schema: Any
    body_model: Any


def _snake(name: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _enum_class(annotation: Any) -> type[Enum] | None:
    for candidate in typing.get_args(annotation) or (annotation,):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None


def _body_model(annotation: Any) -> Any:
    for candidate in typing.get_args(annotation) or (annotation,):
        if hasattr(candidate, "from_dict"):
            return candidate
    return None


@lru_cache(maxsize=1024)
def _inputs(module: ModuleType, method: str, path: str) -> _Inputs:
    from carecloud_async._spec_data import normalized_spec

    spec = normalized_spec()
    operation = spec["paths"][path][method.lower()]
    function = module._get_kwargs
    signature = inspect.signature(function).parameters
    keywords = tuple(signature)
    required = frozenset(
        name for name, p in signature.items() if p.default is inspect.Parameter.empty
    )
    hints = typing.get_type_hints(function)
    params: dict[str, _Param] = {}
    for raw in operation.get("parameters", []):
        parameter = resolved(spec, raw)
        name = _snake(parameter["name"])
        if name not in keywords:
            continue
        params[name] = _Param(
            name=name,
            location=parameter.get("in", "query"),
            schema=resolved(spec, parameter.get("schema")) or {},
            enum_class=_enum_class(hints.get(name)),
            datetime_kind=parameter.get(_DATETIME_EXTENSION),
        )
    body_schema = None
    request_body = resolved(spec, operation.get("requestBody"))
    if isinstance(request_body, Mapping):
        media = (request_body.get("content") or {}).get("application/json") or {}
        body_schema = media.get("schema")
    return _Inputs(
        operation_id=operation.get("operationId", f"{method} {path}"),
        params=params,
        keywords=keywords,
        required=required,
        body_schema=body_schema,
        body_model=_body_model(hints.get("body")),
    )


def _near(name: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    return f"; did you mean {close[0]!r}?" if close else ""


def _got(value: Any) -> str:
    """What a value is, without echoing free text (it may be personal data or a secret)."""
    if value is None:
        return "None"
    if isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _fail(operation_id: str, problems: list[str]) -> ConfigurationError:
    shown = problems[:_MAX_REPORTED]
    more = len(problems) - len(shown)
    tail = f" (and {more} more)" if more else ""
    return ConfigurationError(f"{operation_id}: " + "; ".join(shown) + tail)


def _enum_values(schema: Mapping[str, Any]) -> list[Any]:
    return [v for v in schema.get("enum") or () if v is not None]


def _fits_type(kind: Any, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list | tuple)
    if kind == "object":
        return isinstance(value, Mapping)
    return True


def _bounds(schema: Mapping[str, Any]) -> str:
    parts = []
    if "minimum" in schema:
        parts.append(f">= {schema['minimum']}")
    if "maximum" in schema:
        parts.append(f"<= {schema['maximum']}")
    return " ".join(parts)


def _expected(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    text = _TYPE_NAMES.get(kind, "a value") if isinstance(kind, str) else "a value"
    bounds = _bounds(schema)
    return f"{text} {bounds}" if bounds else text


def _enum_problem(where: str, values: list[Any], value: Any, member_of: str | None) -> str:
    listed = ", ".join(repr(v) for v in values)
    member = f" (or a {member_of} member)" if member_of else ""
    shown = repr(value)[:40] if isinstance(value, str | int) else _got(value)
    near = ""
    if isinstance(value, str):
        near = _near(value, [str(v) for v in values if isinstance(v, str)])
    return f"{where} must be one of {listed}{member}, got {shown}{near}"


def _scalar_problems(where: str, schema: Mapping[str, Any], value: Any) -> list[str]:
    """Type, bounds and enum of one value (not descending into objects)."""
    kind = schema.get("type")
    if not _fits_type(kind, value):
        return [f"{where} expects {_expected(schema)}, got {_got(value)}"]
    values = _enum_values(schema)
    if values and not any(_same(value, v) for v in values):
        return [_enum_problem(where, values, value, None)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return [f"{where} expects {_expected(schema)}, got {value!r}"]
        if "maximum" in schema and value > schema["maximum"]:
            return [f"{where} expects {_expected(schema)}, got {value!r}"]
    if isinstance(value, list | tuple):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return [f"{where} takes at most {schema['maxItems']} items, got {len(value)}"]
        if "minItems" in schema and len(value) < schema["minItems"]:
            return [f"{where} takes at least {schema['minItems']} items, got {len(value)}"]
    return []


def _same(value: Any, allowed: Any) -> bool:
    """Equal and both bools or both not (``1 == True`` in Python)."""
    return bool(value == allowed) and isinstance(value, bool) == isinstance(allowed, bool)


def _coerce_enum(param: _Param, value: Any, where: str, problems: list[str]) -> Any:
    enum_class = param.enum_class
    assert enum_class is not None
    if isinstance(value, enum_class):
        return value
    members = list(enum_class)
    for member in members:
        if _same(value, member.value):
            return member
    values = [m.value for m in members]
    problems.append(_enum_problem(where, values, value, enum_class.__name__))
    return value


def _check_param(param: _Param, value: Any, problems: list[str]) -> Any:
    where = f"{param.location} parameter {param.name!r}"
    if param.location == "path" and (value is None or value == ""):
        problems.append(f"{where} needs a value, got {_got(value)}")
        return value
    if param.datetime_kind is not None and param.schema.get("type") == "string":
        if not isinstance(value, str | date):
            expected = "a datetime" if param.datetime_kind == "datetime" else "a date"
            problems.append(f"{where} expects {expected} or a string, got {_got(value)}")
        return value
    if param.enum_class is not None:
        return _coerce_enum(param, value, where, problems)
    schema = param.schema
    if schema.get("type") == "array":
        from carecloud_async._spec_data import normalized_spec

        items = resolved(normalized_spec(), schema.get("items")) or {}
        if not isinstance(value, list | tuple):
            # one value for a list filter is sent as a list of one
            problems.extend(_scalar_problems(where, items, value))
            return value
        found = _scalar_problems(where, schema, value)
        for index, item in enumerate(value if not found else ()):
            found.extend(_scalar_problems(f"{where}[{index}]", items, item))
        problems.extend(found)
        return value
    problems.extend(_scalar_problems(where, schema, value))
    return value


def check_params(operation: Operation, module: ModuleType, params: dict[str, Any]) -> None:
    """Refuse arguments the spec does not allow; turn plain enum values into members.

    ``params`` is changed in place: optional parameters given as ``None`` are
    dropped, plain enum values replaced by the generated enum's member.
    """
    inputs = _inputs(module, operation.method, operation.path_template)
    problems: list[str] = []
    for name in list(params):
        if name in inputs.keywords:
            continue
        near = _near(name, [*inputs.keywords, *CALL_OPTIONS])
        takes = ", ".join(inputs.keywords) or "no parameters"
        problems.append(f"unknown parameter {name!r}" + (near or f" (it takes: {takes})"))
    for name in inputs.keywords:
        param = inputs.params.get(name)
        if name not in params or params[name] is None:
            required = name in inputs.required
            kind = f"{param.location} parameter" if param is not None else "parameter"
            if required and name in params:
                problems.append(f"{kind} {name!r} needs a value, got None")
            elif required:
                problems.append(f"missing required {kind} {name!r}")
            else:
                params.pop(name, None)
            continue
        if param is not None and type(params[name]).__name__ != "Unset":
            params[name] = _check_param(param, params[name], problems)
    body = params.get("body")
    model = inputs.body_model
    if (
        body is not None
        and model is not None
        and not isinstance(body, Mapping)
        and not isinstance(body, model)
    ):
        problems.append(f"body expects a dict or a {model.__name__}, got {_got(body)}")
    if problems:
        raise _fail(inputs.operation_id, problems)


def check_body(operation: Operation, module: ModuleType, body: Mapping[str, Any]) -> None:
    """Refuse a plain-dict body that does not fit the operation's request schema."""
    from carecloud_async._spec_data import normalized_spec

    inputs = _inputs(module, operation.method, operation.path_template)
    if inputs.body_schema is None:
        return
    problems: list[str] = []
    _check_json(normalized_spec(), inputs.body_schema, body, "body", problems)
    if problems:
        raise _fail(inputs.operation_id, problems)


def fit_body(operation: Operation, module: ModuleType, body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` without the fields the operation's request schema does not declare.

    For helpers that send one record (a bill) to several operations whose schemas
    each take a subset of it; a body a caller wrote goes through ``check_body`` instead.
    """
    from carecloud_async._spec_data import normalized_spec

    inputs = _inputs(module, operation.method, operation.path_template)
    if inputs.body_schema is None:
        return dict(body)
    fitted = _fit(normalized_spec(), inputs.body_schema, body)
    return dict(fitted) if isinstance(fitted, Mapping) else dict(body)


def _fit(spec: Mapping[str, Any], schema: Any, value: Any) -> Any:
    schema = resolved(spec, schema)
    if not isinstance(schema, Mapping) or schema.get("oneOf") or schema.get("anyOf"):
        return value
    if isinstance(value, Mapping) and (
        schema.get("type") == "object" or "properties" in schema or "allOf" in schema
    ):
        merged = _MERGED.get(id(schema))
        if merged is None:
            merged = _MERGED[id(schema)] = _object_schema(spec, schema)
        properties: Mapping[str, Any] = merged["properties"]
        if not merged["declared"]:
            return value
        return {
            key: _fit(spec, properties[key], item)
            for key, item in value.items()
            if key in properties
        }
    if isinstance(value, list | tuple) and "items" in schema:
        return [_fit(spec, schema["items"], item) for item in value]
    return value


_MERGED: dict[int, dict[str, Any]] = {}
"""Merged object schemas by the id of a node of the (cached, never changed) normalized spec."""


def _object_schema(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """An object schema with ``allOf`` branches merged into one set of properties."""
    merged: dict[str, Any] = {
        "properties": dict(schema.get("properties") or {}),
        "required": list(schema.get("required") or ()),
    }
    for branch in schema.get("allOf") or ():
        part = _object_schema(spec, resolved(spec, branch))
        for name, prop in part["properties"].items():
            merged["properties"].setdefault(name, prop)
        merged["required"].extend(part["required"])
        merged["declared"] = merged.get("declared") or part.get("declared")
    merged["declared"] = merged.get("declared") or "properties" in schema
    return merged


def _check_json(
    spec: Mapping[str, Any], schema: Any, value: Any, where: str, problems: list[str]
) -> None:
    schema = resolved(spec, schema)
    if not isinstance(schema, Mapping):
        return
    if value is None:
        if not schema.get("nullable"):
            problems.append(f"{where} is None; leave the field out instead")
        return
    branches = schema.get("oneOf") or schema.get("anyOf")
    if branches:
        for branch in branches:
            attempt: list[str] = []
            _check_json(spec, branch, value, where, attempt)
            if not attempt:
                return
        kinds = sorted(
            {
                _TYPE_NAMES.get(resolved(spec, b).get("type"), "a value")
                for b in branches
                if isinstance(resolved(spec, b), Mapping)
            }
        )
        problems.append(f"{where} expects {' or '.join(kinds)}, got {_got(value)}")
        return
    if schema.get(_DATETIME_EXTENSION) and isinstance(value, date):
        return  # formatted by _wire before sending
    is_object = schema.get("type") == "object" or "properties" in schema or "allOf" in schema
    if is_object:
        if not isinstance(value, Mapping):
            problems.append(f"{where} expects a dict, got {_got(value)}")
            return
        merged = _MERGED.get(id(schema))
        if merged is None:
            merged = _MERGED[id(schema)] = _object_schema(spec, schema)
        _check_object(spec, merged, value, where, problems)
        return
    found = _scalar_problems(where, schema, value)
    problems.extend(found)
    if not found and isinstance(value, list | tuple) and "items" in schema:
        for index, item in enumerate(value):
            _check_json(spec, schema["items"], item, f"{where}[{index}]", problems)


def _check_object(
    spec: Mapping[str, Any],
    schema: Mapping[str, Any],
    value: Mapping[str, Any],
    where: str,
    problems: list[str],
) -> None:
    properties: Mapping[str, Any] = schema["properties"]
    if schema["declared"]:
        for key in value:
            if key not in properties:
                near = _near(str(key), list(properties))
                problems.append(f"{where}.{key} is not a field of this object{near}")
    for name in dict.fromkeys(schema["required"]):
        if name not in value:
            prop = resolved(spec, properties.get(name))
            if isinstance(prop, Mapping) and prop.get("readOnly"):
                continue
            problems.append(f"{where}.{name} is required but missing")
    for key, item in value.items():
        if key in properties:
            _check_json(spec, properties[key], item, f"{where}.{key}", problems)


def url_error(operation: Operation, exc: httpx.InvalidURL) -> ConfigurationError:
    """A request URL httpx refuses (too long, typically from many filter values)."""
    reason = str(exc)
    hint = ""
    if "too long" in reason:
        hint = "; pass fewer values per call (split the filter list over several calls)"
    return ConfigurationError(
        f"{operation.operation_id}: the request URL cannot be sent ({reason}){hint}"
    )
