"""The options of one request, built once and carried on the ``httpx.Request`` itself.

A call builds one immutable ``CallOptions`` value (operation, deadline, retry
safety, timeout, strict, raw, headers, language) and stores it in
``request.extensions``, where httpx keeps its own per-request settings. The auth
flow, the resilience transport, hooks and logging read it from the request they
are handed, so nothing is matched back by path or kept in ambient state. A login
or device-token request the auth flow sends on a call's behalf carries options of
its own (``for_auth_request``): the caller's remaining deadline, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import httpx

from carecloud_async._logging import redact_path
from carecloud_async._operations import Operation

__all__ = ["EXTENSION", "CallOptions", "CallProgress", "RawReading", "attach", "options_of"]

EXTENSION = "carecloud_options"
"""The key of ``request.extensions`` that holds the request's ``CallOptions``."""

RawReading = bool | Literal["bytes"]
"""How an answer is read: models (False), decoded JSON (True), list items as JSON text."""

_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


@dataclass(slots=True)
class CallProgress:
    """What the transport has done with one request so far (the only mutable part)."""

    may_have_reached_server: bool = False
    """An attempt was handed to the network and did not fail before sending."""


@dataclass(frozen=True, slots=True)
class CallOptions:
    """Everything the layers under ``call`` need to know about one request."""

    method: str
    path_template: str
    """The path with placeholders (``/purchases/{purchase_id}``): safe to log, groups metrics."""
    display_path: str
    """The path with its ids filled in and secrets masked: what errors name."""
    operation: Operation | None = None
    """The spec's operation; None for login and device-token requests."""
    replayable: bool = False
    """Safe to send again even after it may have reached the server: ``retry_unsafe=True``,
    or a login/device-token request, which creates nothing."""
    deadline: float | None = None
    """Seconds all attempts of the request together may take."""
    timeout: httpx.Timeout | None = None
    """Per-attempt timeout replacing the client's default."""
    strict: bool = False
    """Raise at any value of the answer that does not match the schema."""
    raw: RawReading = False
    """Hand back plain decoded JSON instead of models (``True``), or each list item's
    JSON text as the server sent it (``"bytes"``)."""
    headers: Mapping[str, str] = field(default_factory=lambda: _NO_HEADERS)
    """Extra headers the caller asked for."""
    language: str | None = None
    """The ``Accept-Language`` sent, if any."""
    progress: CallProgress = field(default_factory=CallProgress, compare=False)

    @property
    def operation_id(self) -> str | None:
        return None if self.operation is None else self.operation.operation_id

    @property
    def idempotent(self) -> bool:
        """Whether repeating the request cannot apply it twice (by method, or by design)."""
        return self.replayable or (self.operation is not None and self.operation.is_idempotent)

    @classmethod
    def for_auth_request(cls, path: str, *, deadline: float | None) -> CallOptions:
        """Options of a login or device-token request: replayable, within ``deadline``."""
        return cls("POST", path, path, replayable=True, deadline=deadline)

    @classmethod
    def of_plain_request(cls, request: httpx.Request) -> CallOptions:
        """Options for a request that came without any (sent through ``client.http``)."""
        path = redact_path(request.url.path)
        return cls(request.method, path, path)


def attach(request: httpx.Request, options: CallOptions) -> httpx.Request:
    """Carry ``options`` on ``request`` (returned for chaining)."""
    request.extensions[EXTENSION] = options
    return request


def options_of(request: httpx.Request) -> CallOptions:
    """The options ``request`` carries, or plain ones made from the request itself."""
    options = request.extensions.get(EXTENSION)
    if isinstance(options, CallOptions):
        return options
    return CallOptions.of_plain_request(request)
