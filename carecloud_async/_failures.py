"""The one place an exception met while sending a request becomes an SDK error.

Whatever stopped a request (a connection that never opened, a timeout after the
bytes left, the call's deadline, a URL httpx refuses, a closed client), the
caller's next step depends on one question: may it have reached the server, and
may it be sent again? ``request_failure`` answers it from the exception and the
request's ``CallOptions``, for calls and for the logins sent on their behalf alike.
The transport only decides whether to retry; it hands what it gives up on to here.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from carecloud_async._call_options import CallOptions
from carecloud_async._errors import (
    APIConnectionError,
    APITimeoutError,
    CareCloudError,
    ClientClosedError,
    ConfigurationError,
    OutcomeUnknownError,
    TransportError,
)
from carecloud_async._logging import mask_text
from carecloud_async._param_checks import url_error
from carecloud_async._retry import NOT_SENT, Verdict, exception_verdict

__all__ = ["request_failure"]

_CLOSED = "client has been closed"
"""What httpx says when a request is sent through a closed ``AsyncClient``."""


def request_failure(
    exc: BaseException,
    options: CallOptions,
    *,
    deadline_passed: bool = False,
    arguments: Mapping[str, object] | None = None,
) -> CareCloudError | None:
    """The SDK error for ``exc``, or None when it is not a failure of sending (re-raise it).

    ``arguments`` (the call's own, by Python name), when the request could not even be
    built, let a too-long URL name the parameter that made it so."""
    method, path = options.method, options.display_path
    if isinstance(exc, CareCloudError):
        return exc
    if deadline_passed:
        return _deadline_failure(options)
    if isinstance(exc, httpx.InvalidURL):
        return _url_failure(options, exc, arguments)
    if isinstance(exc, RuntimeError) and _CLOSED in str(exc):
        return ClientClosedError(method, path)
    if not isinstance(exc, httpx.TransportError):
        return None
    reason = type(exc).__name__
    if isinstance(exc, NOT_SENT):
        host = _host_of(exc)
        why = mask_text(str(exc)) or "no reason given"
        return APIConnectionError(
            method, path, f"{reason} to {host}: {why}; the request was not sent"
        )
    if exception_verdict(method, exc, options.idempotent) is Verdict.OUTCOME_UNKNOWN:
        return OutcomeUnknownError(
            method,
            path,
            f"{reason} after sending; it may have been applied, so it was not replayed",
        )
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(method, path, f"{reason}: no answer in time")
    return TransportError(method, path, reason)


def _deadline_failure(options: CallOptions) -> TransportError:
    """``OutcomeUnknownError`` for a write that may have been applied, else ``APITimeoutError``
    (its ``may_have_reached_server`` saying whether any attempt got that far)."""
    reason = f"the deadline of {options.deadline or 0.0:g} s passed before an answer"
    reached = options.progress.may_have_reached_server
    if reached and not options.idempotent:
        return OutcomeUnknownError(
            options.method,
            options.display_path,
            f"{reason}; it may have been applied, so it was not replayed",
        )
    error = APITimeoutError(
        options.method,
        options.display_path,
        f"{reason}; " + ("it may have reached the server" if reached else "nothing was sent"),
    )
    error.may_have_reached_server = reached
    return error


def _url_failure(
    options: CallOptions, exc: httpx.InvalidURL, arguments: Mapping[str, object] | None
) -> ConfigurationError:
    if options.operation is not None:
        return url_error(options.operation, exc, arguments=arguments)
    return ConfigurationError(f"{options.method} {options.display_path}: {exc}")


def _host_of(exc: httpx.TransportError) -> str:
    try:
        return exc.request.url.host
    except RuntimeError:  # raised without its request
        return "the server"
