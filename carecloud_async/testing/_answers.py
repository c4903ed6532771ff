"""What the mock router sends: the spec's examples, and errors in the server's own shape."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any, Final

import httpx

from carecloud_async._schema import Problem
from carecloud_async.testing._routes import OperationRoute, RouteTable

__all__ = [
    "JSON_HEADERS",
    "LOGIN_OPERATION",
    "bad_request",
    "error_response",
    "example_content",
    "fresh_login",
    "success_status",
]

JSON_HEADERS: Final = {"content-type": "application/json"}

LOGIN_OPERATION: Final = "postUserLogin"


def success_status(route: OperationRoute) -> int:
    """The operation's documented success status (the lowest 2xx)."""
    codes = [int(code) for code in route.spec.get("responses", {}) if code.startswith("2")]
    return min(codes, default=200)


def example_content(routes: RouteTable, route: OperationRoute, status: int) -> bytes:
    """The JSON bytes of the spec's example for ``status`` (empty when it has no body).

    Built once per operation and status, then shared by every router.
    """
    key = (route.operation_id, status)
    content = routes.answers.get(key)
    if content is None:
        response = routes.schemas.resolve(route.spec["responses"].get(str(status), {}))
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        body = routes.schemas.example(schema) if schema else None
        content = routes.answers[key] = json.dumps(body).encode() if body is not None else b""
    return content


def fresh_login(content: bytes, *, now: datetime, zone: tzinfo, lifetime: timedelta) -> bytes:
    """A login answer whose token is valid for ``lifetime`` from ``now``, in project time.

    The spec's example token expired long ago, and one valid for decades is just as
    implausible: either would make the client warn about its own mock.
    """
    body = json.loads(content) if content else None
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return content
    valid_to = (now + lifetime).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    return json.dumps({**body, "data": {**body["data"], "valid_to": valid_to}}).encode()


def error_response(
    status: int,
    exception: str,
    detail: str,
    *,
    invalid_params: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """An error body the SDK parses like the server's: ``error.exception`` and ``detail``."""
    error: dict[str, Any] = {
        "type": "about:blank",
        "exception": exception,
        "title": httpx.codes.get_reason_phrase(status),
        "detail": detail,
    }
    if invalid_params is not None:
        error["error_data"] = {"invalid_params": invalid_params}
    return httpx.Response(status, json={"error": error}, headers=headers)


def bad_request(route: OperationRoute, problems: list[Problem]) -> httpx.Response:
    """A 400 naming the operation and every problem, each also in ``invalid_params``."""
    summary = "; ".join(problem.message for problem in problems)
    return error_response(
        400,
        "invalid_request",
        f"{route.method} {route.path_template} ({route.operation_id}): {summary}",
        invalid_params=[problem.as_invalid_param() for problem in problems],
    )
