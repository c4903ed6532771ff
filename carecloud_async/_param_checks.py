"""Arguments of a call checked against the spec before anything is sent.

``client.call`` and ``call_raw`` run every call through ``check_params`` (path,
query and header parameters) and, for a plain-dict body, ``check_body`` (the
request body's JSON schema). A refusal is a ``ConfigurationError`` that names
the operation, the parameter or the body field's JSON path, and what the spec
expects, with a "did you mean" for near misses. Values are never echoed for
free-text fields, so an error is safe to log.

What a schema allows (types, ``minimum`` / ``maximum``, ``minItems`` /
``maxItems``, lengths, enums, ``format: date``, required fields, unknown
fields, nullability, at any depth) is decided by the one schema walker,
``_schema``, in client mode: read-only fields are never required, and patterns
(e-mail, phone) are left to the server, whose own rules decide. This module
adds what belongs to a Python call:

- keyword arguments the operation does not take, and required ones left out;
- ``None`` or ``""`` for a path parameter; ``None`` for an optional parameter
  means "not given";
- a list filter takes any sequence (a tuple, a ``range``...) or one plain value;
- enum parameters: the generated enum member or its plain value (which is
  turned into the member); other values are refused with the valid ones;
- date-time and date inputs take ``datetime`` / ``date`` / strings here; their
  format and time zone are handled by ``_wire``.
"""

from __future__ import annotations

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
from urllib.parse import quote

import httpx

from carecloud_async._bodies import body_model_of
from carecloud_async._errors import ConfigurationError
from carecloud_async._operations import Operation, endpoint_types
from carecloud_async._schema import (
    DATETIME_EXTENSION,
    Mode,
    Node,
    Problem,
    describe_value,
    enum_problem,
    near_miss,
    same_value,
    spec_schemas,
)

__all__ = ["check_body", "check_params", "url_error"]

CALL_OPTIONS = ("headers", "timeout", "retry_unsafe", "deadline")
"""Keyword arguments ``call`` takes itself; offered as near misses too."""

_MAX_REPORTED = 5


@dataclass(frozen=True)
class _Param:
    name: str
    """The Python keyword."""
    location: str
    where: str
    """How messages name it: ``query parameter 'count'``."""
    node: Node
    """The parameter's compiled schema."""
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


@lru_cache(maxsize=1024)
def _inputs(module: ModuleType, method: str, path: str) -> _Inputs:
    schemas = spec_schemas()
    operation = schemas.spec["paths"][path][method.lower()]
    function = module._get_kwargs
    signature = inspect.signature(function).parameters
    keywords = tuple(signature)
    required = frozenset(
        name for name, p in signature.items() if p.default is inspect.Parameter.empty
    )
    hints = endpoint_types(module)
    params: dict[str, _Param] = {}
    for raw in operation.get("parameters", []):
        parameter = schemas.resolve(raw)
        name = _snake(parameter["name"])
        if name not in keywords:
            continue
        location = parameter.get("in", "query")
        params[name] = _Param(
            name=name,
            location=location,
            where=f"{location} parameter {name!r}",
            node=schemas.node(parameter.get("schema")),
            enum_class=_enum_class(hints.get(name)),
            datetime_kind=parameter.get(DATETIME_EXTENSION),
        )
    body_schema = None
    request_body = schemas.resolve(operation.get("requestBody"))
    if isinstance(request_body, Mapping):
        media = (request_body.get("content") or {}).get("application/json") or {}
        body_schema = media.get("schema")
    return _Inputs(
        operation_id=operation.get("operationId", f"{method} {path}"),
        params=params,
        keywords=keywords,
        required=required,
        body_schema=body_schema,
        body_model=body_model_of(module),
    )


def _fail(operation_id: str, problems: Sequence[str]) -> ConfigurationError:
    shown = problems[:_MAX_REPORTED]
    more = len(problems) - len(shown)
    tail = f" (and {more} more)" if more else ""
    return ConfigurationError(f"{operation_id}: " + "; ".join(shown) + tail)


def _coerce_enum(param: _Param, value: Any, where: str, problems: list[str]) -> Any:
    enum_class = param.enum_class
    assert enum_class is not None
    if isinstance(value, enum_class):
        return value
    members = list(enum_class)
    for member in members:
        if same_value(value, member.value):
            return member
    values = [m.value for m in members]
    problems.append(enum_problem(where, values, value, enum_class.__name__))
    return value


def _other_sequence(value: Any) -> bool:
    """A sequence other than a list, a tuple or text (which is one value)."""
    return isinstance(value, Sequence) and not isinstance(value, list | tuple | str | bytes)


def _check_param(param: _Param, value: Any, problems: list[str]) -> Any:
    where = param.where
    if param.location == "path" and (value is None or value == ""):
        problems.append(f"{where} needs a value, got {describe_value(value)}")
        return value
    node = param.node
    if param.datetime_kind is not None and node.type == "string":
        if not isinstance(value, str | date):
            expected = "a datetime" if param.datetime_kind == "datetime" else "a date"
            problems.append(f"{where} expects {expected} or a string, got {describe_value(value)}")
        return value
    if param.enum_class is not None:
        return _coerce_enum(param, value, where, problems)
    found: list[Problem] = []
    schemas = spec_schemas()
    if node.type == "array" and _other_sequence(value):
        value = list(value)  # a range, a deque...: sent as the list it holds
    if node.type == "array" and not isinstance(value, list | tuple):
        # one value for a list filter is sent as a list of one
        node = schemas.node(node.items)
    schemas.check(node, value, param.name, Mode.CLIENT, found, where)
    if found:
        problems.extend([problem.message for problem in found])
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
        near = near_miss(name, [*inputs.keywords, *CALL_OPTIONS])
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
        problems.append(f"body expects a dict or a {model.__name__}, got {describe_value(body)}")
    if problems:
        raise _fail(inputs.operation_id, problems)


def check_body(operation: Operation, module: ModuleType, body: Mapping[str, Any]) -> None:
    """Refuse a plain-dict body that does not fit the operation's request schema.

    Read-only fields are never required (the server assigns them); see ``_schema``.
    """
    inputs = _inputs(module, operation.method, operation.path_template)
    if inputs.body_schema is None:
        return
    found: list[Problem] = []
    spec_schemas().check(inputs.body_schema, body, "body", Mode.CLIENT, found)
    if found:
        raise _fail(inputs.operation_id, [problem.message for problem in found])


def fit_body(operation: Operation, module: ModuleType, body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` without the fields the operation's request schema does not declare.

    For helpers that send one record (a bill) to several operations whose schemas
    each take a subset of it; a body a caller wrote goes through ``check_body`` instead.
    """
    inputs = _inputs(module, operation.method, operation.path_template)
    if inputs.body_schema is None:
        return dict(body)
    fitted = spec_schemas().fit(inputs.body_schema, body)
    return dict(fitted) if isinstance(fitted, Mapping) else dict(body)


def url_error(
    operation: Operation,
    exc: httpx.InvalidURL,
    *,
    arguments: Mapping[str, object] | None = None,
) -> ConfigurationError:
    """A request URL httpx refuses (too long, typically from many filter values).

    Given the call's ``arguments``, the message names the parameter that takes the most
    of the URL, and the advice fits its kind: a list filter is split over several calls,
    a single value shortened, a path parameter (one id) checked.
    """
    reason = str(exc)
    hint = ""
    if "too long" in reason:
        hint = _long_url_hint(operation, arguments or {})
    return ConfigurationError(
        f"{operation.operation_id}: the request URL cannot be sent ({reason}){hint}"
    )


def _long_url_hint(operation: Operation, arguments: Mapping[str, object]) -> str:
    locations = _locations(operation.method, operation.path_template)
    sizes = {
        name: _url_size(locations[name], name, value)
        for name, value in arguments.items()
        if locations.get(name) in ("path", "query") and value is not None
    }
    if not sizes:
        return ""
    name = max(sizes, key=sizes.__getitem__)
    value = arguments[name]
    size = f"{sizes[name]:,} characters"
    if locations[name] == "path":
        return (
            f"; path parameter {name!r} takes {size} of it: a path parameter is one id, "
            "check the value passed"
        )
    if isinstance(value, list | tuple):
        return (
            f"; query parameter {name!r} ({len(value):,} values, {size}) makes it too long: "
            "pass fewer values per call (split the list over several calls)"
        )
    return f"; query parameter {name!r} ({size}) makes it too long: pass a shorter value"


@lru_cache(maxsize=256)
def _locations(method: str, path: str) -> dict[str, str]:
    """Python name -> ``path``/``query``/``header`` of each parameter of an operation."""
    schemas = spec_schemas()
    operation = schemas.spec["paths"][path][method.lower()]
    found: dict[str, str] = {}
    for raw in operation.get("parameters", []):
        parameter = schemas.resolve(raw)
        found[_snake(parameter["name"])] = parameter.get("in", "query")
    return found


def _url_size(location: str, name: str, value: object) -> int:
    """About how many characters of the URL ``value`` takes, as httpx encodes it."""
    if location == "path":
        return len(quote(str(value), safe=""))
    values = value if isinstance(value, list | tuple) else [value]
    return len(str(httpx.QueryParams([(name, str(item)) for item in values])))
