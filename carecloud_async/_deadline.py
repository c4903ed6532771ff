"""The error for a call that ran out of its ``deadline``.

The deadline bounds the whole call: waiting for a login, every attempt, reading
the body and the waits between retries. What the caller may do next depends on
whether the request may have reached the server.
"""

from __future__ import annotations

from carecloud_async._call_options import CallProgress
from carecloud_async._errors import APITimeoutError, OutcomeUnknownError, TransportError
from carecloud_async._operations import Operation

__all__ = ["deadline_error"]


def deadline_error(
    operation: Operation,
    path: str,
    deadline: float | None,
    progress: CallProgress,
    retry_unsafe: bool,
) -> TransportError:
    """``OutcomeUnknownError`` for a write that may have been applied, else ``APITimeoutError``
    (its ``may_have_reached_server`` saying whether any attempt got that far)."""
    reason = f"the deadline of {deadline:g} s passed before an answer"
    reached = progress.may_have_reached_server
    if reached and not (operation.is_idempotent or retry_unsafe):
        return OutcomeUnknownError(
            operation.method, path, f"{reason}; it may have been applied, so it was not replayed"
        )
    error = APITimeoutError(
        operation.method,
        path,
        f"{reason}; " + ("it may have reached the server" if reached else "nothing was sent"),
    )
    error.may_have_reached_server = reached
    return error
