"""One path from an operation to its answer: prepare, send, read.

Every way of calling an operation (``call``, ``call_raw``, the typed methods,
pagination, the helpers and the command line) goes through these three steps:

- ``prepare``: check the arguments against the spec, put date-times and bodies in
  their wire form, build the ``httpx.Request`` with the call's ``CallOptions`` on
  it and the client's base URL; anything wrong is raised before a byte is sent;
- ``send``: hand the request to the httpx client with the SDK's auth flow, under
  the call's deadline; a failure to send becomes an SDK error in ``_failures``;
- ``Answer.read``: a non-2xx becomes a typed error, a 2xx the parsed model (or
  plain JSON with ``raw=True``). Reading is separate so the paginator can send
  the next request before it spends CPU on this answer.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import lru_cache
from types import MappingProxyType, ModuleType
from typing import Any, Generic, TypeVar

import httpx
from carecloud_openapi.types import UNSET

from carecloud_async._bodies import body_model_of, build_body
from carecloud_async._call_options import EXTENSION, CallOptions, RawReading
from carecloud_async._errors import (
    CareCloudError,
    ClientClosedError,
    ConfigurationError,
    ResponseParseError,
    WrongAPIError,
    error_for_status,
)
from carecloud_async._failures import request_failure
from carecloud_async._item_texts import read_item_texts
from carecloud_async._operations import Operation, operation_of, resolve_endpoint
from carecloud_async._param_checks import check_body, check_params
from carecloud_async._reading import Deviation, read_raw, read_response
from carecloud_async._retry import parse_retry_after
from carecloud_async._wire import wire_formats

__all__ = ["Answer", "ApiResponse", "CallSettings", "CallTarget", "Endpoint", "prepare", "send"]

Endpoint = ModuleType | Callable[..., Awaitable[object]]
DataT = TypeVar("DataT")

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SECRET_PATH_PARAMS = frozenset({"token_id"})
_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class ApiResponse(Generic[DataT]):
    """A successful answer with everything a caller may need beyond ``data``."""

    status: int
    headers: httpx.Headers
    parsed: Any
    """The generated response model (None for 204); the decoded JSON with ``raw=True``."""
    data: DataT
    """The unwrapped ``data`` member of ``parsed``, or None."""
    operation: Operation
    deviations: tuple[Deviation, ...] = ()
    """Where the body did not match the schema (empty in strict mode): see ``_reading``."""
    content: bytes = field(default=b"", repr=False)
    """The raw body (left out of the repr: it may hold personal data)."""


@dataclass(frozen=True, slots=True)
class CallSettings:
    """The per-call keywords of ``call``, ``call_raw`` and the walks, as the caller gave them."""

    headers: Mapping[str, str] | None = None
    timeout: httpx.Timeout | float | None = None
    retry_unsafe: bool = False
    deadline: float | None = None
    strict: bool | None = None
    """None: the client's own setting."""
    raw: RawReading = False

    @classmethod
    def split(cls, arguments: Mapping[str, Any]) -> tuple[CallSettings, dict[str, Any]]:
        """The settings among ``arguments``, and the operation's own parameters (the rest)."""
        params = dict(arguments)
        settings = cls(
            headers=params.pop("headers", None),
            timeout=params.pop("timeout", None),
            retry_unsafe=bool(params.pop("retry_unsafe", False)),
            deadline=params.pop("deadline", None),
            strict=params.pop("strict", None),
            raw=_single_call_raw(params.pop("raw", False)),
        )
        return settings, params


def _single_call_raw(raw: object) -> bool:
    """``raw`` of ``call``/``call_raw``: item texts are a walk's reading (checked first)."""
    if raw == "bytes":
        raise ConfigurationError(
            "raw='bytes' hands back the items of list pages as JSON text: "
            "use it with pages() or paginate(); call() takes raw=True or False"
        )
    return bool(raw)


@dataclass(frozen=True, slots=True)
class CallTarget:
    """What a client contributes to every call it prepares."""

    api: str
    base_url: str
    project_timezone: tzinfo | None
    """None when the caller did not give one: aware date-times are then refused."""
    accept_language: str | None
    strict: bool
    user_agent: str | None
    """Sent when the httpx client has no ``User-Agent`` of its own."""


def prepare(
    http: httpx.AsyncClient,
    target: CallTarget,
    endpoint: Endpoint,
    settings: CallSettings,
    params: dict[str, Any],
) -> tuple[ModuleType, httpx.Request]:
    """Check, convert and build the request of one call; nothing is sent here.

    ``params`` is the caller's own dict of the operation's arguments; it is changed.
    """
    operation = operation_of(endpoint)
    if http.is_closed:
        raise ClientClosedError(operation.method, operation.path_template)
    deadline = settings.deadline
    if deadline is not None and not deadline > 0:
        raise ConfigurationError(f"deadline must be a positive number of seconds, got {deadline}")
    if not operation.served_by(target.api):
        raise WrongAPIError(
            operation.operation_id,
            operation.method,
            operation.path_template,
            target.api,
            operation.apis,
        )
    module = resolve_endpoint(endpoint)
    headers = dict(settings.headers or _NO_HEADERS)
    language = params.get("accept_language")
    if language is None:
        language = target.accept_language
    if _takes_accept_language(module):
        # None: leave the header out rather than send the spec's documented default
        params["accept_language"] = UNSET if language is None else language
    elif language is not None:
        # A few operations do not declare the header; send it anyway, it is harmless.
        params.pop("accept_language", None)
        headers = {"Accept-Language": language, **headers}
    zone = target.project_timezone  # None: aware date-times are refused (_wire)
    check_params(operation, module, params)
    wire = wire_formats(operation.method, operation.path_template)
    wire.prepare_params(params, zone)
    body = params.get("body")
    if isinstance(body, Mapping) and (model := body_model_of(module)) is not None:
        fields = wire.prepare_body(body, zone)  # plain dicts are welcome too
        check_body(operation, module, fields)
        params["body"] = build_body(model, fields)
    try:
        request_kwargs: dict[str, Any] = module._get_kwargs(**params)
    except (TypeError, AttributeError) as exc:
        raise ConfigurationError(
            f"{operation.operation_id}: {exc}".replace("_get_kwargs() ", "")
        ) from None
    wire.prepare_request(request_kwargs, zone)
    timeout = None if settings.timeout is None else httpx.Timeout(settings.timeout)
    options = CallOptions(
        operation.method,
        operation.path_template,
        _display_path(operation, params),
        operation=operation,
        replayable=settings.retry_unsafe,
        deadline=deadline,
        timeout=timeout,
        strict=target.strict if settings.strict is None else settings.strict,
        raw=settings.raw,
        headers=MappingProxyType(headers),
        language=language,
    )
    request_headers = dict(request_kwargs.pop("headers", None) or {})
    if target.user_agent is not None:
        request_headers.setdefault("User-Agent", target.user_agent)
    request_headers.update(headers)
    extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    url = target.base_url + str(request_kwargs.pop("url"))
    try:
        request = http.build_request(
            **request_kwargs,
            url=url,
            headers=request_headers,
            extensions={EXTENSION: options},
            **extra,
        )
    except httpx.InvalidURL as exc:
        raise request_failure(exc, options, arguments=params) or exc from None
    return module, request


async def send(http: httpx.AsyncClient, auth: httpx.Auth, request: httpx.Request) -> httpx.Response:
    """Send a prepared request through ``auth`` and the client's transport, within its deadline."""
    options: CallOptions = request.extensions[EXTENSION]
    bound = asyncio.timeout(options.deadline)
    try:
        async with bound:
            return await http.send(request, auth=auth)
    except CareCloudError:
        raise  # already the SDK's answer (from the transport or the auth flow)
    except (httpx.TransportError, httpx.InvalidURL, RuntimeError, TimeoutError) as exc:
        deadline_passed = isinstance(exc, TimeoutError) and bound.expired()
        failure = request_failure(exc, options, deadline_passed=deadline_passed)
        if failure is None:
            raise
        raise failure from exc


class Answer:
    """A received answer, not read yet; ``read()`` turns it into an ``ApiResponse``.

    A plain slotted class: one is made for every call."""

    __slots__ = ("module", "options", "response")

    def __init__(self, module: ModuleType, response: httpx.Response) -> None:
        self.module = module
        self.response = response
        self.options: CallOptions = response.request.extensions[EXTENSION]

    def read(self) -> ApiResponse[Any]:
        """The typed error of a non-2xx, or the parsed answer of a 2xx."""
        options, response = self.options, self.response
        operation = options.operation
        assert operation is not None  # an Answer is only made for an operation's call
        path = options.display_path
        if not response.is_success:
            try:
                error_body = response.json()
            except ValueError:
                error_body = None
            raise error_for_status(
                method=operation.method,
                path=path,
                status=response.status_code,
                body=error_body,
                request_id=response.headers.get("x-request-id"),
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        if options.raw == "bytes":
            parsed = data = read_item_texts(response, operation=operation, display_path=path)
            missing = _missing_raw_member(data, operation.list_field)
            deviations: tuple[Deviation, ...] = ()
        elif options.raw:
            parsed, data = read_raw(response, operation=operation, display_path=path)
            missing = _missing_raw_member(data, operation.list_field)
            deviations = ()
        else:
            parsed, deviations = read_response(
                self.module,
                response,
                strict=options.strict,
                operation=operation,
                display_path=path,
            )
            data = getattr(parsed, "data", None)
            missing = _missing_member(data, operation.list_field)
        if missing is not None:
            # An answer without what it promises must not read as "nothing there".
            raise ResponseParseError(
                operation.method, path, response.status_code, f"the answer has no {missing}"
            )
        return ApiResponse(
            response.status_code,
            response.headers,
            parsed,
            data,
            operation,
            deviations,
            response.content,
        )


def _missing_member(data: Any, list_field: str | None) -> str | None:
    """What a 2xx answer declares but lacks: its ``data``, or the list under it."""
    if data is UNSET:
        return "'data' member"
    if list_field is not None and getattr(data, list_field, None) is UNSET:
        return f"'data.{list_field}' list"
    return None


def _missing_raw_member(data: Any, list_field: str | None) -> str | None:
    """The raw-path twin of ``_missing_member``: only a declared list can be checked."""
    if list_field is None:
        return None
    if not isinstance(data, dict):
        return "'data' member"
    if not isinstance(data.get(list_field), list):
        return f"'data.{list_field}' list"
    return None


@lru_cache(maxsize=512)
def _takes_accept_language(module: ModuleType) -> bool:
    return "accept_language" in inspect.signature(module._get_kwargs).parameters


def _display_path(operation: Operation, params: Mapping[str, Any]) -> str:
    """The path with its ids filled in, token ids masked: safe for errors and logs."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _SECRET_PATH_PARAMS:
            return "***"
        return str(params.get(name, match.group(0)))

    return _PLACEHOLDER.sub(fill, operation.path_template)
