"""Build a valid request for any operation of the pinned spec from the spec's own examples."""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import pkgutil
import typing
from functools import cache
from types import ModuleType
from typing import Any

import carecloud_openapi.api
from openapi_python_client.strings import PythonIdentifier

from carecloud_async._operations import endpoint_types
from scripts._spec import PINNED_SPEC, Spec, iter_operations, load_spec, resolve_ref
from tests.spec_examples import example, normalized


@cache
def pinned() -> Spec:
    return load_spec(PINNED_SPEC)


def all_operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in the pinned spec, in document order."""
    return [(method.upper(), path) for path, method, _ in iter_operations(pinned())]


@cache
def endpoint_modules() -> dict[tuple[str, str], ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(carecloud_openapi.api.__path__):
        package = importlib.import_module(f"carecloud_openapi.api.{info.name}")
        for name, operation in package.ENDPOINTS.items():
            found[operation] = importlib.import_module(f"{package.__name__}.{name}")
    return found


def _param_example(spec: Spec, param: dict[str, Any]) -> Any:
    if "example" in param:
        return param["example"]
    if "examples" in param:
        return next(iter(param["examples"].values()))["value"]
    return example(spec, param.get("schema", {}))


def _convert(value: Any, annotation: Any) -> Any:
    """Turn a JSON example into what the generated function's parameter expects."""
    candidates = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    for candidate in candidates:
        origin = typing.get_origin(candidate)
        if origin is list:
            (item_type,) = typing.get_args(candidate) or (Any,)
            values = value if isinstance(value, list) else [value]
            return [_convert(v, item_type) for v in values]
        if isinstance(candidate, type):
            if issubclass(candidate, enum.Enum):
                return candidate(value)
            if candidate is dt.datetime:
                return dt.datetime.fromisoformat(str(value).replace(" ", "T"))
            if candidate is dt.date:
                return dt.date.fromisoformat(str(value))
            if hasattr(candidate, "from_dict") and isinstance(value, dict):
                return candidate.from_dict(value)
            if candidate in (int, float, str, bool) and isinstance(value, candidate):
                return value
    return value


def build_call(method: str, path: str) -> tuple[ModuleType, dict[str, Any]]:
    """The endpoint module and the keyword arguments of a minimal valid request."""
    spec = pinned()
    operation = spec["paths"][path][method.lower()]
    module = endpoint_modules()[(method, path)]
    hints = endpoint_types(module)
    kwargs: dict[str, Any] = {}
    for raw in operation.get("parameters", []):
        param = resolve_ref(spec, raw["$ref"]) if "$ref" in raw else raw
        if param["in"] != "path" and not param.get("required"):
            continue
        name = str(PythonIdentifier(param["name"], "field_"))
        kwargs[name] = _convert(_param_example(spec, param), hints.get(name, Any))
    if "requestBody" in operation:
        fixed = normalized()["paths"][path][method.lower()]
        schema = fixed["requestBody"]["content"]["application/json"]["schema"]
        kwargs["body"] = _convert(example(normalized(), schema), hints["body"])
    return module, kwargs
