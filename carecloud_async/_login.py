"""What the Enterprise login and the Customer device-token request have in common.

Both create no business data, so the transport may send them again after any
failure (5xx, 429, timeouts, dropped connections) under the client's retry
policy. A request built by ``auth_request`` carries ``CallOptions`` saying so
(and the deadline of the call it is sent for); ``login_failure`` turns a refused
answer into the error a caller can act on.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from carecloud_async._call_options import CallOptions, attach, options_of
from carecloud_async._errors import (
    AuthenticationError,
    CareCloudError,
    ConfigurationError,
    error_for_status,
)
from carecloud_async._failures import request_failure
from carecloud_async._retry import parse_retry_after

__all__ = [
    "SingleFlight",
    "auth_request",
    "login_failure",
    "remaining_deadline",
    "send_auth_request",
]

T = TypeVar("T")

_CREDENTIAL_STATUSES = frozenset({400, 401, 403})

SendWithoutAuth = Callable[[httpx.Request], Awaitable[httpx.Response]]


def auth_request(url: str, path: str, body: object, *, deadline: float | None) -> httpx.Request:
    """A login-like POST the transport retries like a harmless request, within ``deadline``."""
    request = httpx.Request("POST", url, json=body)
    return attach(request, CallOptions.for_auth_request(path, deadline=deadline))


def remaining_deadline(options: CallOptions, started: float, now: float) -> float | None:
    """What is left of a call's deadline ``now``, for the login sent on its behalf."""
    if options.deadline is None:
        return None
    return max(0.001, options.deadline - (now - started))


async def send_auth_request(send: SendWithoutAuth, request: httpx.Request) -> httpx.Response:
    """Send a login-like request and read its body; a failure to send is an SDK error."""
    try:
        response = await send(request)
        await response.aread()
    except (httpx.TransportError, httpx.InvalidURL, RuntimeError) as exc:
        failure = request_failure(exc, options_of(request))
        if failure is None:
            raise
        raise failure from exc
    return response


def _root_of(response: httpx.Response, path: str) -> str:
    try:
        url = str(response.request.url.copy_with(query=None))
    except RuntimeError:  # a response built without its request
        return "the configured base_url"
    return url[: -len(path)] if url.endswith(path) else url


def login_failure(response: httpx.Response, method: str, path: str) -> CareCloudError:
    """The error for a login (or device-token) answer that is not a success.

    400/401/403: ``AuthenticationError`` with the server's reason. 404: the URL is
    wrong, a ``ConfigurationError`` naming it. 429 and 5xx: the usual
    ``RateLimitError`` / ``ServerError`` / ``ServiceUnavailableError`` (with
    ``retry_after``), which say the credentials were never judged.
    """
    status = response.status_code
    if status == 404:
        return ConfigurationError(
            f"{method} {path} answered 404: there is no login endpoint at "
            f"{_root_of(response, path)}; check project_url / base_url and api_version"
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    request_id = response.headers.get("x-request-id")
    parsed = error_for_status(
        method=method,
        path=path,
        status=status,
        body=body,
        request_id=request_id,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )
    if status not in _CREDENTIAL_STATUSES:
        return parsed
    return AuthenticationError(
        method=method,
        path=path,
        status=status,
        error_type=parsed.error_type or f"login_refused_{status}",
        error_message=parsed.error_message or "the server refused the credentials",
        request_id=request_id,
    )


class SingleFlight:
    """How the last login ended, so the calls that waited for it share its failure.

    A caller takes a ``ticket()`` before waiting for the flow's lock; once it holds
    the lock, ``failed_since(ticket)`` tells it whether a login finished meanwhile
    and failed: then it raises that error instead of logging in again (no herd).
    A caller that arrives later holds a newer ticket and starts a fresh login. A
    cancelled login counts as nothing: the next waiter tries for itself.
    """

    def __init__(self) -> None:
        self.finished = 0
        self.failure: CareCloudError | None = None

    def ticket(self) -> int:
        return self.finished

    def finished_since(self, ticket: int) -> bool:
        return self.finished != ticket

    def failed_since(self, ticket: int) -> CareCloudError | None:
        """A copy of the failure of a login that finished after ``ticket``, if it failed."""
        if self.finished_since(ticket) and self.failure is not None:
            return copy.copy(self.failure)
        return None

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        try:
            result = await attempt()
        except CareCloudError as exc:
            self.finished += 1
            self.failure = exc
            raise
        self.finished += 1
        self.failure = None
        return result
