"""The operations of a spec, found by method and path in a few dictionary look-ups.

Built once per spec and shared by every router in the process, so creating a
router per test costs nothing after the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import unquote

from carecloud_async._schema import Schemas, spec_schemas

__all__ = ["OperationRoute", "RouteTable", "default_routes", "split_api_prefix"]

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_API_PREFIX = re.compile(r"^(?:.*/)?(enterprise|customer)-interface/[^/]+(/.*)?$")


def split_api_prefix(path: str) -> tuple[str | None, str]:
    """``(api, operation path)`` of a request path; the API is None when it has no interface."""
    match = _API_PREFIX.match(path)
    if match is None:
        return None, path
    return match.group(1), match.group(2) or "/"


@dataclass(frozen=True)
class OperationRoute:
    """One operation: its spec object and the facts the router needs on every call."""

    operation_id: str
    method: str
    path_template: str
    apis: tuple[str, ...]
    needs_auth: bool
    spec: dict[str, Any] = field(repr=False, compare=False)
    segments: tuple[str | None, ...] = field(repr=False, compare=False)
    """Literal path segments, None where a path parameter goes."""
    parameter_names: tuple[str, ...] = field(repr=False, compare=False)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        values: dict[str, str] = {}
        names = iter(self.parameter_names)
        for literal, part in zip(self.segments, parts, strict=True):
            if literal is None:
                if not part:
                    return None
                values[next(names)] = part
            elif literal != part:
                return None
        return values


class RouteTable:
    """Every operation of one spec, by operationId and by (method, number of segments)."""

    def __init__(
        self,
        spec: dict[str, Any],
        apis: dict[tuple[str, str], tuple[str, ...]],
        schemas: Schemas | None = None,
    ) -> None:
        self.spec = spec
        self.schemas = Schemas(spec) if schemas is None else schemas
        """The schema walker over ``spec``: request checks and example answers."""
        self.answers: dict[tuple[str, int], bytes] = {}
        """Default answer bodies, built on first use and shared by every router."""
        self.by_id: dict[str, OperationRoute] = {}
        self._by_shape: dict[tuple[str, int], list[OperationRoute]] = {}
        default_security = spec.get("security", [])
        for template, item in spec.get("paths", {}).items():
            for method in _METHODS:
                operation = item.get(method)
                if not isinstance(operation, dict):
                    continue
                segments = tuple(
                    None if part.startswith("{") else part for part in template.split("/")[1:]
                )
                route = OperationRoute(
                    operation_id=operation.get("operationId", f"{method} {template}"),
                    method=method.upper(),
                    path_template=template,
                    apis=apis.get((method.upper(), template), ("enterprise", "customer")),
                    needs_auth=bool(operation.get("security", default_security)),
                    spec=operation,
                    segments=segments,
                    parameter_names=tuple(re.findall(r"{([^}]+)}", template)),
                )
                self.by_id[route.operation_id] = route
                self._by_shape.setdefault((route.method, len(segments)), []).append(route)
        for routes in self._by_shape.values():
            # Literal segments win over parameters: /cards/actions/x before /cards/{card_id}/x.
            routes.sort(key=lambda r: [part is None for part in r.segments])

    def find(self, method: str, path: str) -> tuple[OperationRoute, dict[str, str]] | None:
        """The operation serving ``method path`` and its path parameters, or None."""
        parts = [unquote(part) for part in path.rstrip("/").split("/")[1:]]
        for route in self._by_shape.get((method, len(parts)), ()):
            values = route.match(parts)
            if values is not None:
                return route, values
        return None

    def allowed_methods(self, path: str) -> list[str]:
        """Methods that do serve ``path`` (for a 405 that says which would work)."""
        return sorted(
            method
            for method in {m.upper() for m in _METHODS}
            if self.find(method, path) is not None
        )


@cache
def default_routes() -> RouteTable:
    """The route table of the SDK's own normalized spec, built on first use."""
    from carecloud_openapi._operations import OPERATIONS

    from carecloud_async._spec_data import normalized_spec

    apis = {key: value[1] for key, value in OPERATIONS.items()}
    # the client's own walker: one set of compiled schemas per process
    return RouteTable(normalized_spec(), apis, spec_schemas())
