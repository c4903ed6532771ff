"""What the Enterprise login and the Customer device-token request have in common.

Both create no business data, so the transport may send them again after any
failure (5xx, 429, timeouts, dropped connections) under the client's retry
policy. A request built by ``auth_request`` carries a marker the transport
reads; ``login_failure`` turns a refused answer into the error a caller can act on.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from carecloud_async._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    CareCloudError,
    ConfigurationError,
    TransportError,
    error_for_status,
)
from carecloud_async._logging import mask_text
from carecloud_async._retry import NOT_SENT, parse_retry_after

__all__ = [
    "REPLAYABLE",
    "SingleFlight",
    "auth_request",
    "is_replayable",
    "login_failure",
    "login_transport_error",
]

T = TypeVar("T")

REPLAYABLE = "carecloud_replayable"
"""Request extension: the request changes nothing on the server, so it may be sent again."""

_CREDENTIAL_STATUSES = frozenset({400, 401, 403})


def auth_request(url: str, body: object) -> httpx.Request:
    """A login-like POST the transport retries like a harmless request."""
    return httpx.Request("POST", url, json=body, extensions={REPLAYABLE: True})


def is_replayable(request: httpx.Request) -> bool:
    return bool(request.extensions.get(REPLAYABLE))


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


def login_transport_error(exc: httpx.TransportError, method: str, path: str) -> TransportError:
    """A login-like request that got no answer through a client without our transport."""
    reason = f"{type(exc).__name__}: {mask_text(str(exc)) or 'no reason given'}"
    if isinstance(exc, NOT_SENT):
        return APIConnectionError(method, path, f"{reason}; the request was not sent")
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(method, path, f"{reason}; no answer in time")
    return TransportError(method, path, reason)


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
