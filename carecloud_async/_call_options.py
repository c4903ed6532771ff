"""Options of the call in progress, visible to the auth flow and the transport.

Generated endpoint functions build and send their own requests, so per-call
settings cannot travel as arguments. ``client.call`` sets them here for the
duration of one call; a context variable keeps concurrent calls apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import httpx

__all__ = ["CallOptions", "CallProgress", "current_call_options", "using_call_options"]


@dataclass
class CallProgress:
    """What the transport has done with the call's own request so far."""

    may_have_reached_server: bool = False
    """An attempt was handed to the network and did not fail before sending."""


@dataclass(frozen=True)
class CallOptions:
    """Per-call settings; the defaults are what a call without overrides gets."""

    retry_unsafe: bool = False
    """Allow replaying a non-idempotent request that may have reached the server."""
    deadline: float | None = None
    """Seconds that all attempts of the call together may take."""
    timeout: httpx.Timeout | None = None
    """Per-attempt timeout replacing the client's default."""
    headers: Mapping[str, str] | None = None
    """Extra headers (e.g. ``Accept-Language``) added to the call's requests."""
    operation_id: str | None = None
    """The spec's operationId, for logs and metrics."""
    path_template: str | None = None
    """The path with placeholders (``/purchases/{purchase_id}``): safe to log, groups metrics."""
    request_path: str | None = None
    """The call's own path with ids filled in; tells it apart from a login sent on its behalf."""
    progress: CallProgress = field(default_factory=CallProgress, compare=False)

    def applies_to(self, url_path: str) -> bool:
        """Whether a request is the call's own (not an auth request made during the call)."""
        return self.request_path is not None and url_path.endswith(self.request_path)


_DEFAULT = CallOptions()
_current: ContextVar[CallOptions | None] = ContextVar("carecloud_call_options", default=None)


def current_call_options() -> CallOptions:
    return _current.get() or _DEFAULT


@contextmanager
def using_call_options(options: CallOptions) -> Iterator[CallOptions]:
    """Make ``options`` current for the enclosed block (and tasks it starts)."""
    token = _current.set(options)
    try:
        yield options
    finally:
        _current.reset(token)
