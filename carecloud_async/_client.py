"""``EnterpriseClient`` and ``CustomerClient``: one configured way to call any endpoint.

Each client owns one ``httpx.AsyncClient`` (pooled keep-alive connections) and
one generated ``carecloud_openapi`` client bound to it. Pass any generated
endpoint module to ``call``: the client checks the operation belongs to its
API, sends it through the auth flow and the resilience transport, and returns
the unwrapped ``data`` or raises a typed error.
"""

from __future__ import annotations

import inspect
import ipaddress
import logging
import os
import re
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property, lru_cache
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Self, TypeVar, overload

import httpx
from carecloud_openapi.typed.customer import CustomerNamespaces
from carecloud_openapi.typed.enterprise import EnterpriseNamespaces

from carecloud_async._auth import BearerTokenAuth, EnterpriseAuth
from carecloud_async._bodies import body_model_of, build_body
from carecloud_async._call_options import CallOptions, using_call_options
from carecloud_async._deadline import deadline_error
from carecloud_async._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    CareCloudError,
    ConfigurationError,
    OutcomeUnknownError,
    ResponseParseError,
    TransportError,
    WrongAPIError,
    error_for_status,
)
from carecloud_async._identity import identify, send_without_auth
from carecloud_async._logging import RequestHook, mask_text
from carecloud_async._operations import Operation, operation_of, resolve_endpoint
from carecloud_async._retry import RetryPolicy, parse_retry_after
from carecloud_async._transport import RateLimiter, ResilientTransport

if TYPE_CHECKING:
    from carecloud_openapi.client import Client

    from carecloud_async._cache import ResponseCache
    from carecloud_async._customer_auth import CustomerAuth, DeviceInfo
    from carecloud_async._pagination import Page
    from carecloud_async._reading import Deviation
    from carecloud_async._token_store import TokenStore
    from carecloud_async._typed_endpoint import TypedEndpoint, TypedListEndpoint

__all__ = ["DEFAULT_TIMEOUT", "ApiResponse", "CustomerClient", "EnterpriseClient"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
logger = logging.getLogger("carecloud_async")
Endpoint = ModuleType | Callable[..., Awaitable[Any]]
DataT = TypeVar("DataT")
ItemT = TypeVar("ItemT")

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SECRET_PATH_PARAMS = frozenset({"token_id"})


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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def build_base_url(
    *, project_url: str | None, base_url: str | None, interface: str, api_version: str
) -> str:
    """The API root; plain http is only accepted for loopback mocks."""
    if base_url:
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ConfigurationError(f"base_url {base_url!r} is not an http(s) URL")
        if url.scheme == "http" and not _is_loopback(url.host):
            raise ConfigurationError(
                f"base_url {base_url!r} uses plain http; only loopback hosts may (use https)"
            )
        return base_url.rstrip("/")
    if not project_url:
        raise ConfigurationError("pass project_url (e.g. 'sandbox.crmcarecloud.com') or base_url")
    host = re.sub(r"^https?://", "", project_url.strip()).rstrip("/")
    if not host or "/" in host or " " in host:
        raise ConfigurationError(f"project_url {project_url!r} should be a host name only")
    return f"https://{host}/webservice/rest-api/{interface}/{api_version}"


def _env(name: str) -> str | None:
    value = os.environ.get(f"CARECLOUD_{name}")
    return value or None


def _env_settings(**names: str) -> dict[str, Any]:
    """Keyword arguments from the CARECLOUD_* variables both clients share, plus ``names``."""
    names = {
        "project_url": "PROJECT_URL",
        "base_url": "BASE_URL",
        "api_version": "API_VERSION",
        "accept_language": "ACCEPT_LANGUAGE",
        "project_timezone": "PROJECT_TIMEZONE",
        **names,
    }
    return {key: value for key, name in names.items() if (value := _env(name)) is not None}


class _Answer:
    """A received answer not read yet (``_BaseClient._send``).

    A plain class, not a dataclass: it is made on every call, and a dataclass would add
    most of a millisecond to ``import carecloud_async``."""

    __slots__ = ("client", "display_path", "module", "operation", "raw", "response", "strict")

    def __init__(
        self,
        client: _BaseClient,
        module: ModuleType,
        operation: Operation,
        display_path: str,
        response: httpx.Response,
        strict: bool,
        raw: bool,
    ) -> None:
        self.client = client
        self.module = module
        self.operation = operation
        self.display_path = display_path
        self.response = response
        self.strict = strict
        self.raw = raw

    def read(self) -> ApiResponse[Any]:
        return self.client._parse(
            self.module, self.operation, self.display_path, self.response, self.strict, self.raw
        )


class _BaseClient:
    api: ClassVar[str]
    interface: ClassVar[str]

    def __init__(
        self,
        *,
        auth: httpx.Auth,
        base_url: str,
        accept_language: str | None,
        project_timezone: str | tzinfo,
        timeout: httpx.Timeout | float | None,
        httpx_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None,
        retry_policy: RetryPolicy | None,
        rate_limiter: RateLimiter | None,
        hooks: Sequence[RequestHook],
        cache: ResponseCache | None,
        strict: bool = False,
    ) -> None:
        from carecloud_async._datetimes import project_zone

        self.base_url = base_url
        self.strict = strict
        """Raise ``ResponseParseError`` at any value that does not match the schema."""
        self.project_timezone = project_zone(project_timezone)
        self.accept_language = accept_language
        self._owns_http = httpx_client is None
        if httpx_client is None:
            httpx_client = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
                transport=_build_transport(
                    transport,
                    retry_policy=retry_policy,
                    rate_limiter=rate_limiter,
                    hooks=hooks,
                    cache=cache,
                ),
            )
        else:
            ignored = [
                name
                for name, value in (
                    ("transport", transport),
                    ("timeout", timeout),
                    ("retry_policy", retry_policy),
                    ("rate_limiter", rate_limiter),
                    ("hooks", hooks or None),
                    ("cache", cache),
                )
                if value is not None
            ]
            if ignored:
                raise ConfigurationError(
                    f"an injected httpx_client keeps its own transport and timeout; "
                    f"configure it directly instead of passing {', '.join(ignored)}"
                )
            httpx_client.base_url = httpx.URL(self.base_url)
        httpx_client.auth = auth
        identify(httpx_client)
        self._http = httpx_client

    @cached_property
    def _generated(self) -> Client:
        """The generated client the response parsers expect (loaded on the first call)."""
        from carecloud_openapi.client import Client

        return Client(base_url=self.base_url).set_async_httpx_client(self._http)

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying httpx client (for event hooks or low-level needs)."""
        return self._http

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections (only those of an httpx client this object created)."""
        if self._owns_http:
            await self._http.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    @overload
    async def call(
        self,
        endpoint: TypedEndpoint[DataT],
        /,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry_unsafe: bool = False,
        deadline: float | None = None,
        strict: bool | None = None,
        raw: Literal[False] = False,
        **params: Any,
    ) -> DataT: ...
    @overload
    async def call(
        self,
        endpoint: Endpoint,
        /,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry_unsafe: bool = False,
        deadline: float | None = None,
        strict: bool | None = None,
        raw: bool = False,
        **params: Any,
    ) -> Any: ...
    async def call(
        self,
        endpoint: Any,
        /,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry_unsafe: bool = False,
        deadline: float | None = None,
        strict: bool | None = None,
        raw: bool = False,
        **params: Any,
    ) -> Any:
        """Call a generated endpoint and return the ``data`` of its answer (None for 204).

        ``params`` are the endpoint's own arguments (path and query parameters,
        ``body``, ``accept_language``). ``retry_unsafe`` allows replaying a POST
        that may have reached the server; ``deadline`` bounds all attempts.
        ``strict`` overrides the client's setting for this call. ``raw=True`` skips
        the models: ``data`` comes back as plain dicts and lists (decoded with orjson
        when it is installed), for bulk work.
        """
        response = await self.call_raw(
            endpoint,
            headers=headers,
            timeout=timeout,
            retry_unsafe=retry_unsafe,
            deadline=deadline,
            strict=strict,
            raw=raw,
            **params,
        )
        return response.data

    @overload
    async def call_raw(
        self,
        endpoint: TypedEndpoint[DataT],
        /,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry_unsafe: bool = False,
        deadline: float | None = None,
        strict: bool | None = None,
        raw: Literal[False] = False,
        **params: Any,
    ) -> ApiResponse[DataT]: ...
    @overload
    async def call_raw(
        self,
        endpoint: Endpoint,
        /,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry_unsafe: bool = False,
        deadline: float | None = None,
        strict: bool | None = None,
        raw: bool = False,
        **params: Any,
    ) -> ApiResponse[Any]: ...
    async def call_raw(
        self,
        endpoint: Any,
        /,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry_unsafe: bool = False,
        deadline: float | None = None,
        strict: bool | None = None,
        raw: bool = False,
        **params: Any,
    ) -> ApiResponse[Any]:
        """Like ``call``, but returns status, headers and the parsed model as well."""
        answer = await self._send(
            endpoint,
            headers=headers,
            timeout=timeout,
            retry_unsafe=retry_unsafe,
            deadline=deadline,
            strict=strict,
            raw=raw,
            **params,
        )
        return answer.read()

    async def _send(
        self,
        endpoint: Any,
        /,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry_unsafe: bool = False,
        deadline: float | None = None,
        strict: bool | None = None,
        raw: bool = False,
        **params: Any,
    ) -> _Answer:
        """Check, send and receive; reading the answer is left to ``_Answer.read``, so the
        paginator can start the next request before it spends CPU on this one."""
        operation = operation_of(endpoint)
        if deadline is not None and not deadline > 0:
            raise ConfigurationError(
                f"deadline must be a positive number of seconds, got {deadline}"
            )
        if not operation.served_by(self.api):
            raise WrongAPIError(
                operation.operation_id,
                operation.method,
                operation.path_template,
                self.api,
                operation.apis,
            )
        from carecloud_openapi.types import UNSET

        from carecloud_async._param_checks import check_body, check_params, url_error
        from carecloud_async._wire import wire_formats

        module = resolve_endpoint(endpoint)
        language = params.get("accept_language")
        if language is None:
            language = self.accept_language
        if _takes_accept_language(module):
            # None: leave the header out rather than send the spec's documented default
            params["accept_language"] = UNSET if language is None else language
        elif language is not None:
            # A few operations do not declare the header; send it anyway, it is harmless.
            params.pop("accept_language", None)
            headers = {"Accept-Language": language, **(headers or {})}
        check_params(operation, module, params)
        wire = wire_formats(operation.method, operation.path_template)
        wire.prepare_params(params, self.project_timezone)
        body = params.get("body")
        if isinstance(body, Mapping) and (model := body_model_of(module)) is not None:
            # plain dicts are welcome too
            fields = wire.prepare_body(body, self.project_timezone)
            check_body(operation, module, fields)
            params["body"] = build_body(model, fields)
        try:
            request_kwargs: dict[str, Any] = module._get_kwargs(**params)
        except (TypeError, AttributeError) as exc:
            raise ConfigurationError(
                f"{operation.operation_id}: {exc}".replace("_get_kwargs() ", "")
            ) from None
        wire.prepare_request(request_kwargs, self.project_timezone)
        if headers:
            request_kwargs["headers"] = {**request_kwargs.get("headers", {}), **headers}
        if timeout is not None:
            request_kwargs["timeout"] = timeout
        display_path = _display_path(operation, params)
        options = CallOptions(
            retry_unsafe=retry_unsafe,
            deadline=deadline,
            timeout=None if timeout is None else httpx.Timeout(timeout),
            headers=headers,
            operation_id=operation.operation_id,
            path_template=operation.path_template,
            request_path=str(request_kwargs["url"]),
        )
        import asyncio

        with using_call_options(options):
            try:
                async with asyncio.timeout(deadline) as bound:
                    response = await self._http.request(**request_kwargs)
            except CareCloudError:
                raise
            except httpx.InvalidURL as exc:
                raise url_error(operation, exc) from None
            except httpx.TransportError as exc:
                raise _transport_error(exc, operation, display_path) from exc
            except TimeoutError as exc:
                if not bound.expired():
                    raise
                raise deadline_error(
                    operation, display_path, deadline or 0.0, options.progress, retry_unsafe
                ) from exc
        strict = self.strict if strict is None else strict
        return _Answer(self, module, operation, display_path, response, strict, raw)

    def _parse(
        self,
        module: ModuleType,
        operation: Operation,
        path: str,
        response: httpx.Response,
        strict: bool,
        raw: bool = False,
    ) -> ApiResponse[Any]:
        if not response.is_success:
            try:
                body = response.json()
            except ValueError:
                body = None
            raise error_for_status(
                method=operation.method,
                path=path,
                status=response.status_code,
                body=body,
                request_id=response.headers.get("x-request-id"),
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        from carecloud_async._reading import read_raw, read_response

        if raw:
            body, data = read_raw(response, operation=operation, display_path=path)
            missing = _missing_raw_member(data, operation.list_field)
            if missing is not None:
                raise ResponseParseError(
                    operation.method, path, response.status_code, f"the answer has no {missing}"
                )
            return ApiResponse(
                response.status_code, response.headers, body, data, operation, (), response.content
            )
        parsed, deviations = read_response(
            module,
            self._generated,
            response,
            strict=strict,
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

    @overload
    def paginate(
        self, endpoint: TypedListEndpoint[ItemT], /, *, raw: Literal[False] = False, **options: Any
    ) -> AsyncGenerator[ItemT, None]: ...
    @overload
    def paginate(
        self, endpoint: Endpoint, /, *, raw: bool = False, **options: Any
    ) -> AsyncGenerator[Any, None]: ...
    def paginate(
        self, endpoint: Any, /, *, raw: bool = False, **options: Any
    ) -> AsyncGenerator[Any, None]:
        """Iterate over the items of every page of a list endpoint (see ``_pagination``)."""
        from carecloud_async._pagination import paginate

        return paginate(self, endpoint, raw=raw, **options)

    @overload
    def pages(
        self, endpoint: TypedListEndpoint[ItemT], /, *, raw: Literal[False] = False, **options: Any
    ) -> AsyncGenerator[Page[ItemT], None]: ...
    @overload
    def pages(
        self, endpoint: Endpoint, /, *, raw: bool = False, **options: Any
    ) -> AsyncGenerator[Page[Any], None]: ...
    def pages(
        self, endpoint: Any, /, *, raw: bool = False, **options: Any
    ) -> AsyncGenerator[Page[Any], None]:
        """Iterate over whole pages of a list endpoint, with offset and total_items."""
        from carecloud_async._pagination import pages

        return pages(self, endpoint, raw=raw, **options)


def _build_transport(
    user_transport: httpx.AsyncBaseTransport | None,
    *,
    retry_policy: RetryPolicy | None,
    rate_limiter: RateLimiter | None,
    hooks: Sequence[RequestHook],
    cache: ResponseCache | None,
) -> httpx.AsyncBaseTransport:
    """The one place the transport stack is assembled: cache, then retries and limits, then I/O."""
    stack: httpx.AsyncBaseTransport = ResilientTransport(
        user_transport or httpx.AsyncHTTPTransport(),
        retry_policy=retry_policy or RetryPolicy(),
        rate_limiter=rate_limiter,
        hooks=hooks,
    )
    if cache is not None:
        from carecloud_async._cache import CachingTransport

        stack = CachingTransport(stack, cache)
    return stack


def _missing_member(data: Any, list_field: str | None) -> str | None:
    """What a 2xx answer declares but lacks: its ``data``, or the list under it."""
    if type(data).__name__ == "Unset":
        return "'data' member"
    if list_field is not None and type(getattr(data, list_field, None)).__name__ == "Unset":
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


def _transport_error(exc: httpx.TransportError, operation: Operation, path: str) -> TransportError:
    reason = type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        try:
            host = exc.request.url.host
        except RuntimeError:
            host = "the server"
        why = mask_text(str(exc)) or "no reason given"
        return APIConnectionError(
            operation.method, path, f"{reason} to {host}: {why}; the request was not sent"
        )
    if not operation.is_idempotent:
        return OutcomeUnknownError(
            operation.method,
            path,
            f"{reason} after sending: it may have been applied; not replayed",
        )
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(operation.method, path, f"{reason}: no answer in time")
    return TransportError(operation.method, path, reason)


class EnterpriseClient(EnterpriseNamespaces, _BaseClient):
    """Client of the Enterprise API (``enterprise-interface``) for back-office integrations.

    Give ``login``, ``password`` and ``external_application_id`` to let the
    client log in and refresh its token itself, or a pre-issued ``bearer_token``.
    Pass ``project_timezone`` so the token is refreshed before its project-local
    ``valid_to``; without it the token is renewed when the server answers 401.
    """

    api = "enterprise"
    interface = "enterprise-interface"

    def __init__(
        self,
        *,
        project_url: str | None = None,
        login: str | None = None,
        password: str | None = None,
        external_application_id: str | None = None,
        bearer_token: str | None = None,
        base_url: str | None = None,
        api_version: str = "v1.0",
        accept_language: str | None = None,
        project_timezone: str | tzinfo | None = None,
        timeout: httpx.Timeout | float | None = None,
        refresh_margin: float = 300.0,
        httpx_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        hooks: Sequence[RequestHook] = (),
        cache: ResponseCache | None = None,
        strict: bool = False,
    ) -> None:
        from carecloud_async._datetimes import project_zone

        has_login = any(v is not None for v in (login, password, external_application_id))
        if bearer_token is not None and has_login:
            raise ConfigurationError("pass either bearer_token or login credentials, not both")
        base = build_base_url(
            project_url=project_url,
            base_url=base_url,
            interface=self.interface,
            api_version=api_version,
        )
        auth: httpx.Auth
        if bearer_token is not None:
            auth = BearerTokenAuth(bearer_token)
        else:
            missing = [
                name
                for name, value in (
                    ("login", login),
                    ("password", password),
                    ("external_application_id", external_application_id),
                )
                if not value
            ]
            if missing:
                raise ConfigurationError(
                    f"EnterpriseClient needs bearer_token or all of login, password, "
                    f"external_application_id (missing: {', '.join(missing)})"
                )
            auth = EnterpriseAuth(
                base_url=base,
                login=str(login),
                password=str(password),
                external_application_id=str(external_application_id),
                project_timezone=None
                if project_timezone is None
                else project_zone(project_timezone),
                refresh_margin=refresh_margin,
            )
        self.auth = auth
        super().__init__(
            auth=auth,
            base_url=base,
            accept_language=accept_language,
            project_timezone="UTC" if project_timezone is None else project_timezone,
            timeout=timeout,
            httpx_client=httpx_client,
            transport=transport,
            retry_policy=retry_policy,
            rate_limiter=rate_limiter,
            hooks=hooks,
            cache=cache,
            strict=strict,
        )
        if isinstance(auth, EnterpriseAuth):
            auth.bind(send_without_auth(self._http))

    @classmethod
    def from_env(cls, **overrides: Any) -> EnterpriseClient:
        """Build from ``CARECLOUD_*`` variables (PROJECT_URL or BASE_URL, LOGIN, PASSWORD,
        EXTERNAL_APPLICATION_ID or BEARER_TOKEN, API_VERSION, ACCEPT_LANGUAGE, PROJECT_TIMEZONE)."""
        settings = _env_settings(
            login="LOGIN",
            password="PASSWORD",
            external_application_id="EXTERNAL_APPLICATION_ID",
            bearer_token="BEARER_TOKEN",
        )
        return cls(**{**settings, **overrides})


class CustomerClient(CustomerNamespaces, _BaseClient):
    """Client of the Customer API (``customer-interface``) for apps acting for one customer.

    The client creates a device token on first use and keeps it in
    ``token_store``; keep ``device.device_id`` stable per installation, since a
    new token for the same device invalidates the previous one.
    """

    api = "customer"
    interface = "customer-interface"

    def __init__(
        self,
        *,
        project_url: str | None = None,
        external_application_id: str | None = None,
        device: DeviceInfo | None = None,
        token_store: TokenStore | None = None,
        base_url: str | None = None,
        api_version: str = "v1.0",
        accept_language: str | None = None,
        project_timezone: str | tzinfo = "UTC",
        timeout: httpx.Timeout | float | None = None,
        httpx_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        hooks: Sequence[RequestHook] = (),
        cache: ResponseCache | None = None,
        strict: bool = False,
    ) -> None:
        if not external_application_id:
            raise ConfigurationError("CustomerClient needs external_application_id")
        if device is None:
            raise ConfigurationError(
                "CustomerClient needs device=DeviceInfo(device_id=...), "
                "with an id that stays the same for this installation"
            )
        base = build_base_url(
            project_url=project_url,
            base_url=base_url,
            interface=self.interface,
            api_version=api_version,
        )
        from carecloud_async._customer_auth import CustomerAuth

        self.auth: CustomerAuth = CustomerAuth(
            base_url=base,
            device=device,
            external_application_id=external_application_id,
            token_store=token_store,
        )
        super().__init__(
            auth=self.auth,
            base_url=base,
            accept_language=accept_language,
            project_timezone=project_timezone,
            timeout=timeout,
            httpx_client=httpx_client,
            transport=transport,
            retry_policy=retry_policy,
            rate_limiter=rate_limiter,
            hooks=hooks,
            cache=cache,
            strict=strict,
        )
        self.auth.bind(send_without_auth(self._http))

    @classmethod
    def from_env(cls, **overrides: Any) -> CustomerClient:
        """Build from ``CARECLOUD_*`` variables (PROJECT_URL or BASE_URL,
        EXTERNAL_APPLICATION_ID, DEVICE_ID, TOKEN_FILE, API_VERSION, ACCEPT_LANGUAGE, ...)."""
        settings = _env_settings(external_application_id="EXTERNAL_APPLICATION_ID")
        if device_id := _env("DEVICE_ID"):
            from carecloud_async._customer_auth import DeviceInfo

            settings["device"] = DeviceInfo(device_id=device_id)
        if token_file := _env("TOKEN_FILE"):
            from carecloud_async._token_store import FileTokenStore

            settings["token_store"] = FileTokenStore(token_file)
        return cls(**{**settings, **overrides})

    async def device_token(self) -> str:
        """The device token (creating and storing it on first use)."""
        return await self.auth.token_id()

    async def login_customer(
        self,
        *,
        password: str,
        email: str | None = None,
        card_number: str | None = None,
        phone: str | None = None,
    ) -> str | None:
        """Attach a customer to this device token; returns the customer id."""
        from carecloud_openapi.api.tokens import post_token_login
        from carecloud_openapi.models import PostTokenLoginBody, PostTokenLoginBodyLoginType

        from carecloud_async._customer_auth import token_refused

        given = [
            (kind, v)
            for kind, v in (("email", email), ("card", card_number), ("phone", phone))
            if v
        ]
        if len(given) != 1:
            raise ConfigurationError(
                "login_customer takes exactly one of email, card_number, phone"
            )
        kind, value = given[0]
        body = PostTokenLoginBody(
            login_type=PostTokenLoginBodyLoginType(kind), login_value=value, password=password
        )
        for renewed in (False, True):
            token = await self.device_token()
            try:
                data = await self.call(post_token_login, token_id=token, body=body)
            except AuthenticationError as exc:
                if renewed or not token_refused(exc):
                    raise  # a wrong password keeps the device token
                logger.warning("carecloud: device token dead at customer login; renewing it once")
                continue
            self.auth.customer_attached(token)
            break
        customer_id = getattr(data, "customer_id", None)
        return customer_id if isinstance(customer_id, str) else None

    async def logout_customer(self) -> None:
        """Detach the logged-in customer from this device token.

        If the server no longer knows the token, no customer is attached to it
        any more, so this returns quietly (the next call gets a new token).
        """
        from carecloud_openapi.api.tokens import post_token_logout

        from carecloud_async._customer_auth import token_refused

        try:
            await self.call(post_token_logout, token_id=await self.device_token())
        except AuthenticationError as exc:
            if not token_refused(exc):
                raise
        self.auth.customer_detached()

    @property
    def customer_logged_in(self) -> bool:
        """Whether a customer is logged in on the device token this client uses.

        It turns False when the device token is renewed: a call sent for the
        customer then raises ``CustomerSessionLostError`` instead of running
        without the customer.
        """
        return self.auth.customer_logged_in
