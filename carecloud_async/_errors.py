"""Every exception the SDK raises.

Catch ``CareCloudError`` for everything, or a branch of the tree::

    CareCloudError
    +-- ConfigurationError          bad arguments or environment (or no login endpoint at the URL)
    |   +-- TokenStoreError             the token store cannot be read or written; ``path``, ``reason``
    +-- WrongAPIError               operation is not served by this client's API; nothing sent
    +-- APIStatusError              the server answered with a non-2xx status
    |   +-- BadRequestError             400, with ``invalid_params``
    |   +-- AuthenticationError         401, or a login that the server refused
    |   |   +-- CustomerSessionLostError    the device token was replaced; the customer is logged out
    |   +-- PermissionDeniedError       403
    |   +-- NotFoundError               404
    |   +-- MethodNotAllowedError       405
    |   +-- RateLimitError              429, with ``retry_after``
    |   +-- ServerError                 5xx
    |       +-- ServiceUnavailableError     503, with ``retry_after``
    +-- TransportError              no usable answer; see ``may_have_reached_server``
    |   +-- APIConnectionError          could not connect: the request was not sent
    |   +-- APITimeoutError             the answer did not come in time
    |   +-- OutcomeUnknownError         a non-idempotent request may have been applied; not replayed
    +-- ResponseParseError          a 2xx body that does not parse as the documented model
    +-- ClientClosedError           the client (or the httpx client it uses) was closed; nothing sent

Messages and reprs carry the method, the path (with ids), the status and the
server's error type and message; never a token, a password or a request body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CareCloudError",
    "ClientClosedError",
    "ConfigurationError",
    "CustomerSessionLostError",
    "InvalidParam",
    "MethodNotAllowedError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseParseError",
    "ServerError",
    "ServiceUnavailableError",
    "TokenStoreError",
    "TransportError",
    "WrongAPIError",
    "error_for_status",
]


class CareCloudError(Exception):
    """Base class of every error raised by carecloud-async."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors: copy and pickle by state, not by re-calling __init__.
        return (_restore_error, (type(self), self.__dict__.copy(), self.args))


def _restore_error(cls: type[CareCloudError], state: dict[str, Any], args: tuple[Any, ...]) -> Any:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = args
    return error


class ConfigurationError(CareCloudError, ValueError):
    """A client was built with arguments or environment that cannot work (raised before any
    I/O, or when the login URL answers 404)."""


class TokenStoreError(ConfigurationError):
    """The token store cannot be used; no device token was created because of it.

    ``path`` names the store's file (None for a store of your own), ``reason``
    the operating system's reason. Fix the path or its permissions.
    """

    def __init__(self, path: str | None, reason: str, action: str = "use") -> None:
        self.path = path
        self.reason = reason
        where = f"token store {path!r}" if path is not None else "token store"
        super().__init__(f"{where}: cannot {action}: {reason}")


class WrongAPIError(CareCloudError):
    """The operation belongs to the other CareCloud API; the request was not sent."""

    def __init__(
        self, operation_id: str, method: str, path: str, client_api: str, apis: tuple[str, ...]
    ):
        self.operation_id = operation_id
        self.method = method
        self.path = path
        self.client_api = client_api
        self.apis = apis
        super().__init__(
            f"{method} {path} ({operation_id}) is served only by the {' and '.join(apis)} API, "
            f"not by the {client_api} API this client talks to; nothing was sent"
        )


_SECRET_NAME = re.compile(r"password|token|secret|(?:^|_)pin(?:$|_)", re.IGNORECASE)


@dataclass(frozen=True)
class InvalidParam:
    """One entry of ``error.error_data.invalid_params`` in a 400 body; safe to log, as the
    repr masks the echoed ``value`` of a password, token or PIN."""

    name: str | None
    reason: str | None
    value: Any = None
    message: str | None = None

    def __repr__(self) -> str:
        value = "***" if _SECRET_NAME.search(self.name or "") else repr(self.value)
        return (
            f"InvalidParam(name={self.name!r}, reason={self.reason!r}, "
            f"value={value}, message={self.message!r})"
        )


class APIStatusError(CareCloudError):
    """The server answered with a status outside 2xx."""

    def __init__(
        self,
        *,
        method: str,
        path: str,
        status: int,
        error_type: str | None = None,
        error_message: str | None = None,
        request_id: str | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.error_type = error_type
        self.error_message = error_message
        self.request_id = request_id
        self.body = body
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.method} {self.path} -> {self.status}"
        if self.error_type:
            text += f" {self.error_type}"
        if self.error_message:
            text += f": {self.error_message}"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe()!r})"


class BadRequestError(APIStatusError):
    """400: the server rejected parameters; ``invalid_params`` says which and why."""

    @property
    def invalid_params(self) -> list[InvalidParam]:
        error = (self.body or {}).get("error")
        data = error.get("error_data") if isinstance(error, Mapping) else None
        entries = data.get("invalid_params") if isinstance(data, Mapping) else None
        if not isinstance(entries, list):
            return []
        return [
            InvalidParam(
                name=_text(entry.get("name")),
                reason=_text(entry.get("reason")),
                value=entry.get("value"),
                message=_text(entry.get("message")),
            )
            for entry in entries
            if isinstance(entry, Mapping)
        ]

    def _describe(self) -> str:
        text = super()._describe()
        params = ", ".join(f"{p.name}: {p.reason}" for p in self.invalid_params)
        return f"{text} [{params}]" if params else text


class AuthenticationError(APIStatusError):
    """401, or a login the server refused: credentials or token are not accepted."""


class CustomerSessionLostError(AuthenticationError):
    """The device token this call was sent with was refused while a customer was logged in on it.

    The client has a working device token again, but no customer is logged in
    on it: the call was not replayed anonymously. Log the customer in again
    (``login_customer``) and repeat the call if it still makes sense.
    """


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but may not use this resource."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist."""


class MethodNotAllowedError(APIStatusError):
    """405: the resource does not support this HTTP method."""


class _RetryAfterMixin(APIStatusError):
    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)

    def _describe(self) -> str:
        text = super()._describe()
        return (
            f"{text} (retry after {self.retry_after:g} s)" if self.retry_after is not None else text
        )


class RateLimitError(_RetryAfterMixin):
    """429: too many requests; ``retry_after`` is the server's wait in seconds, if it said."""


class ServerError(APIStatusError):
    """5xx: the server failed."""


class ServiceUnavailableError(ServerError, _RetryAfterMixin):
    """503: overload or maintenance; ``retry_after`` is the server's wait, if it said."""


class TransportError(CareCloudError):
    """No usable answer arrived; ``may_have_reached_server`` says if it could have been applied."""

    may_have_reached_server: bool = True

    def __init__(self, method: str, path: str, reason: str) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        super().__init__(f"{method} {path}: {reason}")


class APIConnectionError(TransportError):
    """The connection could not be made, so the request was not sent."""

    may_have_reached_server = False


class APITimeoutError(TransportError):
    """The answer did not arrive in time. Raised only for requests safe to repeat, or when
    nothing was sent (``may_have_reached_server`` is then False); a write that may have been
    applied raises ``OutcomeUnknownError`` instead."""


class OutcomeUnknownError(TransportError):
    """A request that is unsafe to repeat may have been applied; it was not replayed.

    Check the server's state (for a purchase, look it up by ``bill_id``) before
    you send it again, or opt in with ``retry_unsafe=True`` if it is a lookup.
    """


class ClientClosedError(CareCloudError, RuntimeError):
    """The client, or the ``httpx.AsyncClient`` it sends through, was already closed: nothing
    was sent. Make calls inside the client's ``async with`` block, or create a new client."""

    may_have_reached_server = False

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        super().__init__(
            f"{method} {path}: the client was closed (aclose() or the end of its 'async with' "
            "block), so nothing was sent; use a client that is still open"
        )


class ResponseParseError(CareCloudError):
    """A body that does not parse as the documented model (HTML page, truncated JSON...),
    or, in strict mode, one value that does not match the schema.

    ``json_path`` locates the value (``$.data.purchases[3].state``) when known;
    ``body_excerpt`` is the enclosing JSON object with personal data masked.
    """

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        reason: str,
        *,
        json_path: str | None = None,
        operation_id: str | None = None,
        body_excerpt: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        self.json_path = json_path
        self.operation_id = operation_id
        self.body_excerpt = body_excerpt
        where = f" in {operation_id}" if operation_id else ""
        message = f"{method} {path} -> {status}: response body unusable{where} ({reason})"
        if body_excerpt:
            message += f"; near: {body_excerpt}"
        super().__init__(message)


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def error_for_status(
    *,
    method: str,
    path: str,
    status: int,
    body: Any = None,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> APIStatusError:
    """Build the typed error for a non-2xx answer from its status and parsed JSON body."""
    error = body.get("error") if isinstance(body, Mapping) else None
    error_type = message = None
    if isinstance(error, Mapping):
        kind = error.get("type")
        error_type = _text(error.get("exception") if kind in (None, "", "about:blank") else kind)
        message = _text(error.get("detail") or error.get("title") or error.get("message"))
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else APIStatusError)
    kwargs: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "error_type": error_type,
        "error_message": message,
        "request_id": request_id,
        "body": body if isinstance(body, Mapping) else None,
    }
    if issubclass(cls, _RetryAfterMixin):
        kwargs["retry_after"] = retry_after
    return cls(**kwargs)
