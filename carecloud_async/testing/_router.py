"""An in-process mock CareCloud for unit tests: no Node, no sockets, no sleeping.

``MockRouter`` is an ``httpx`` handler built from the SDK's own spec. Every
operation answers with an instance assembled from the spec's examples; a
request that does not fit (unknown path, wrong method, missing token, missing
required parameter, malformed body) gets the status the server would send
and a body naming the problem. Override any operation per test and inspect
what it received::

    router = MockRouter()
    router.respond("getStores", json={"data": {"stores": [], "total_items": 0}})
    async with router.enterprise_client() as client:
        await client.call(get_stores)
    assert router.calls_to("getStores")[0].request.url.params["count"] == "100"

The spec is parsed once per process on first use; a router per test is free.
The router keeps the last ``calls_per_operation`` calls of each operation, so a
long test run stays flat; its clients use its ``project_timezone`` and its login
hands out a token valid for ``token_lifetime`` in that zone, so the SDK has
nothing to warn about.
"""

from __future__ import annotations

import inspect
import json as jsonlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from difflib import get_close_matches
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, cast

import httpx

from carecloud_async._datetimes import project_zone
from carecloud_async.testing._answers import (
    JSON_HEADERS,
    LOGIN_OPERATION,
    bad_request,
    error_response,
    example_content,
    fresh_login,
    success_status,
)
from carecloud_async.testing._call_log import DEFAULT_CALLS_PER_OPERATION, CallLog
from carecloud_async.testing._checks import check_body, check_parameters
from carecloud_async.testing._routes import (
    OperationRoute,
    RouteTable,
    default_routes,
    split_api_prefix,
)

if TYPE_CHECKING:
    from carecloud_async._client import CustomerClient, EnterpriseClient

__all__ = [
    "MOCK_PROJECT_TIMEZONE",
    "MOCK_PROJECT_URL",
    "MOCK_TOKEN_LIFETIME",
    "MockRouter",
    "RecordedCall",
    "Responder",
]

Responder = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]
"""A function answering one request, sync or async."""

OperationRef = str | ModuleType | Callable[..., Any]
"""An operationId (``"getStores"``), a generated endpoint module, or one of its functions."""

MOCK_PROJECT_URL: Final = "mock.carecloud.invalid"
"""The host the router's clients use; ``.invalid`` never resolves, so nothing leaks out."""

MOCK_PROJECT_TIMEZONE: Final = "UTC"
"""The project zone a router declares unless given another."""

MOCK_TOKEN_LIFETIME: Final = timedelta(hours=24)
"""How long a mock login's token is valid: longer than any zone offset, so a client
that assumes another project zone still finds it plausible."""


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


_UNSET: Final = _Unset()


@dataclass(frozen=True)
class RecordedCall:
    """One request the router received and what it answered."""

    operation_id: str | None
    """The operation the request matched, None when it matched none."""
    request: httpx.Request
    response: httpx.Response
    path_params: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The request's JSON body, parsed; None when it had none."""
        return jsonlib.loads(self.request.content) if self.request.content else None


@dataclass(frozen=True)
class _Override:
    responder: Responder | None
    status: int | None
    content: bytes | _Unset
    """The body to send; UNSET for the spec's example of ``status``."""
    headers: Mapping[str, str]


class MockRouter:
    """Answers CareCloud requests from the spec; give it to a client as ``transport``.

    ``validate=False`` lets malformed requests through to the answer (for
    tests of your own error handling that must not trip over the checks).
    ``calls_per_operation`` bounds the call log (None keeps every call);
    ``project_timezone``, ``token_lifetime`` and ``wall_clock`` shape the
    login's ``valid_to``.
    """

    def __init__(
        self,
        *,
        validate: bool = True,
        routes: RouteTable | None = None,
        calls_per_operation: int | None = DEFAULT_CALLS_PER_OPERATION,
        project_timezone: str | tzinfo = MOCK_PROJECT_TIMEZONE,
        token_lifetime: timedelta = MOCK_TOKEN_LIFETIME,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.validate = validate
        self.project_timezone = project_zone(project_timezone)
        self.token_lifetime = token_lifetime
        self._wall_clock = wall_clock
        self._log: CallLog[RecordedCall] = CallLog(calls_per_operation)
        self._routes = routes
        self._overrides: dict[str, _Override] = {}

    # -- configuration -------------------------------------------------------------------

    @property
    def routes(self) -> RouteTable:
        """The spec's operations (the SDK's own spec unless given), built on first use."""
        if self._routes is None:
            self._routes = default_routes()
        return self._routes

    @property
    def transport(self) -> httpx.MockTransport:
        """An ``httpx`` transport answering through this router."""
        # MockTransport awaits whatever is not a Response; its annotation names only one kind.
        return httpx.MockTransport(cast("Callable[[httpx.Request], httpx.Response]", self))

    def respond(
        self,
        operation: OperationRef,
        responder: Responder | httpx.Response | None = None,
        *,
        status: int | None = None,
        json: Any = _UNSET,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer ``operation`` your way until ``reset()``.

        Give a ``status`` (the body is then the spec's example for that status),
        a ``json`` body, ``headers``, or all three; or a function of the request
        (sync or async) or a ready ``httpx.Response`` instead.
        """
        operation_id = self.operation_id(operation)
        if responder is not None and (status is not None or json is not _UNSET or headers):
            raise TypeError("respond() takes either a responder or status/json/headers, not both")
        if isinstance(responder, httpx.Response):
            # Kept as parts: every call gets a response object of its own.
            ready = responder
            status, headers, responder = ready.status_code, ready.headers, None
            content: bytes | _Unset = ready.read()
        elif json is _UNSET:
            content = _UNSET
        else:
            content = jsonlib.dumps(json).encode() if json is not None else b""
        if responder is not None and not callable(responder):
            raise TypeError(f"responder must be callable or an httpx.Response, got {responder!r}")
        self._overrides[operation_id] = _Override(responder, status, content, dict(headers or {}))

    def reset(self) -> None:
        """Forget every override and every recorded call."""
        self._overrides.clear()
        self._log.clear()

    @property
    def calls(self) -> list[RecordedCall]:
        """The recorded calls, oldest first (the last ``calls_per_operation`` of each)."""
        return self._log.all()

    def calls_to(self, operation: OperationRef) -> list[RecordedCall]:
        """The recorded calls that matched ``operation``, oldest first."""
        return self._log.of(self.operation_id(operation))

    def operation_id(self, operation: OperationRef) -> str:
        """The operationId of an operationId, a generated endpoint module or its function."""
        if isinstance(operation, str):
            if operation not in self.routes.by_id:
                close = get_close_matches(operation, self.routes.by_id, n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise KeyError(f"no operation {operation!r} in the spec{hint}")
            return operation
        from carecloud_async._operations import operation_of

        return operation_of(operation).operation_id

    def example(self, operation: OperationRef, status: int | None = None) -> Any:
        """The body the router answers ``operation`` with by default (or for ``status``)."""
        route = self.routes.by_id[self.operation_id(operation)]
        content = self._example(route, status or success_status(route))
        return jsonlib.loads(content) if content else None

    # -- clients ---------------------------------------------------------------------------

    def enterprise_client(self, **options: Any) -> EnterpriseClient:
        """An ``EnterpriseClient`` answered by this router; ``options`` override the defaults.

        It logs in with dummy credentials (a mock login answers from the spec)
        and retries as configured but never sleeps.
        """
        from carecloud_async._client import EnterpriseClient

        settings = self._client_defaults(options)
        if "bearer_token" not in options:
            settings.setdefault("login", "mock-user")
            settings.setdefault("password", "mock-password")
            settings.setdefault("external_application_id", "mock-application")
        return EnterpriseClient(**settings)

    def customer_client(self, **options: Any) -> CustomerClient:
        """A ``CustomerClient`` answered by this router; ``options`` override the defaults."""
        from carecloud_async._client import CustomerClient
        from carecloud_async._customer_auth import DeviceInfo

        settings = self._client_defaults(options)
        settings.setdefault("external_application_id", "mock-application")
        settings.setdefault("device", DeviceInfo(device_id="mock-device"))
        return CustomerClient(**settings)

    def _client_defaults(self, options: Mapping[str, Any]) -> dict[str, Any]:
        from carecloud_async._retry import RetryPolicy

        settings: dict[str, Any] = {
            "transport": self.transport,
            "retry_policy": RetryPolicy(wait=False),
            "project_timezone": self.project_timezone,
        }
        if "base_url" not in options:
            settings["project_url"] = MOCK_PROJECT_URL
        settings.update(options)
        return settings

    # -- answering -------------------------------------------------------------------------

    def __call__(self, request: httpx.Request) -> httpx.Response | Awaitable[httpx.Response]:
        """Answer one request (the ``httpx.MockTransport`` handler)."""
        # The raw path, so that an encoded "/" inside a path parameter stays inside it.
        raw_path = request.url.raw_path.partition(b"?")[0].decode("ascii", "replace")
        api, path = split_api_prefix(raw_path)
        found = self.routes.find(request.method, path)
        if found is None:
            return self._record(None, request, {}, self._unrouted(request.method, path))
        route, path_params = found
        refusal = self._refusal(route, api, request)
        if refusal is not None:
            return self._record(route.operation_id, request, path_params, refusal)
        override = self._overrides.get(route.operation_id)
        if override is None:
            return self._record(
                route.operation_id, request, path_params, self._default_answer(route)
            )
        if override.responder is None:
            answer = self._override_answer(route, override)
            return self._record(route.operation_id, request, path_params, answer)
        given = override.responder(request)
        if inspect.isawaitable(given):
            return self._record_later(route.operation_id, request, path_params, given)
        return self._record(route.operation_id, request, path_params, given)

    def _refusal(
        self, route: OperationRoute, api: str | None, request: httpx.Request
    ) -> httpx.Response | None:
        if api is not None and api not in route.apis:
            return error_response(
                404,
                "not_found",
                f"{route.operation_id} is not part of the {api} API",
            )
        if route.needs_auth and "authorization" not in request.headers:
            return error_response(401, "unauthorized", "missing Authorization header")
        if not self.validate:
            return None
        schemas = self.routes.schemas
        problems = check_parameters(schemas, route.spec.get("parameters", []), request)
        problems += check_body(schemas, route.spec.get("requestBody"), request)
        if problems:
            return bad_request(route, problems)
        return None

    def _unrouted(self, method: str, path: str) -> httpx.Response:
        allowed = self.routes.allowed_methods(path)
        if allowed:
            return error_response(
                405,
                "method_not_allowed",
                f"{method} is not allowed on {path} (allowed: {', '.join(allowed)})",
                headers={"allow": ", ".join(allowed)},
            )
        return error_response(404, "not_found", f"no operation at {method} {path}")

    def _default_answer(self, route: OperationRoute) -> httpx.Response:
        status = success_status(route)
        content = self._example(route, status)
        return httpx.Response(status, content=content, headers=JSON_HEADERS if content else None)

    def _example(self, route: OperationRoute, status: int) -> bytes:
        content = example_content(self.routes, route, status)
        if route.operation_id == LOGIN_OPERATION and 200 <= status < 300:
            return fresh_login(
                content,
                now=self._wall_clock(),
                zone=self.project_timezone,
                lifetime=self.token_lifetime,
            )
        return content

    def _override_answer(self, route: OperationRoute, override: _Override) -> httpx.Response:
        status = override.status or success_status(route)
        headers = httpx.Headers(override.headers)
        content = override.content
        if isinstance(content, _Unset):
            content = self._example(route, status)
        if content and "content-type" not in headers:
            headers["content-type"] = "application/json"
        return httpx.Response(status, content=content, headers=headers)

    def _record(
        self,
        operation_id: str | None,
        request: httpx.Request,
        path_params: Mapping[str, str],
        response: httpx.Response,
    ) -> httpx.Response:
        if not isinstance(response, httpx.Response):
            raise TypeError(
                f"a responder for {operation_id} returned {type(response).__name__}, "
                "not an httpx.Response"
            )
        # A snapshot: an auth flow may change the same request object before replaying it.
        snapshot = httpx.Request(
            request.method, request.url, headers=request.headers, content=request.content
        )
        self._log.add(operation_id, RecordedCall(operation_id, snapshot, response, path_params))
        return response

    async def _record_later(
        self,
        operation_id: str,
        request: httpx.Request,
        path_params: Mapping[str, str],
        answer: Awaitable[httpx.Response],
    ) -> httpx.Response:
        return self._record(operation_id, request, path_params, await answer)
