"""``EnterpriseClient`` and ``CustomerClient``: one configured way to call any endpoint.

Each client owns one ``httpx.AsyncClient`` (pooled keep-alive connections) and
one generated ``carecloud_openapi`` client bound to it. Pass any generated
endpoint module to ``call``: the client checks the operation belongs to its
API, sends it through the auth flow and the resilience transport, and returns
the unwrapped ``data`` or raises a typed error.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import UTC, tzinfo
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeVar, overload

import httpx
from carecloud_openapi.typed.customer import CustomerNamespaces
from carecloud_openapi.typed.enterprise import EnterpriseNamespaces

from carecloud_async._auth import BearerTokenAuth, EnterpriseAuth
from carecloud_async._call_options import RawReading
from carecloud_async._datetimes import project_zone
from carecloud_async._errors import (
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
)
from carecloud_async._identity import send_without_auth, user_agent_for
from carecloud_async._logging import RequestHook
from carecloud_async._operations import operation_of
from carecloud_async._pagination import Page, pages, paginate
from carecloud_async._pipeline import (
    Answer,
    ApiResponse,
    CallSettings,
    CallTarget,
    Endpoint,
    prepare,
    send,
)
from carecloud_async._retry import RetryPolicy
from carecloud_async._transport import RateLimiter, ResilientTransport

if TYPE_CHECKING:
    from carecloud_async._cache import ResponseCache

    # Customer API pieces are loaded only by CustomerClient (an optional part).
    from carecloud_async._customer_auth import CustomerAuth, DeviceInfo
    from carecloud_async._token_store import TokenStore
    from carecloud_async._typed_endpoint import TypedEndpoint, TypedListEndpoint

__all__ = ["DEFAULT_TIMEOUT", "ApiResponse", "CustomerClient", "EnterpriseClient"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
logger = logging.getLogger("carecloud_async")
DataT = TypeVar("DataT")
ItemT = TypeVar("ItemT")


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
        raise ConfigurationError(
            "pass project_url (e.g. 'sandbox.crmcarecloud.com') or base_url; from_env() "
            "reads them from CARECLOUD_PROJECT_URL or CARECLOUD_BASE_URL"
        )
    host = re.sub(r"^https?://", "", project_url.strip()).rstrip("/")
    if not host or "/" in host or " " in host:
        raise ConfigurationError(f"project_url {project_url!r} should be a host name only")
    return f"https://{host}/webservice/rest-api/{interface}/{api_version}"


def _env(name: str) -> str | None:
    value = os.environ.get(f"CARECLOUD_{name}")
    return value or None


_SHARED_ENV = {
    "project_url": "PROJECT_URL",
    "base_url": "BASE_URL",
    "api_version": "API_VERSION",
    "accept_language": "ACCEPT_LANGUAGE",
    "project_timezone": "PROJECT_TIMEZONE",
}


def _from_env(
    cls: type[ClientT],
    names: Mapping[str, str],
    overrides: Mapping[str, Any],
    also_read: Sequence[str] = (),
) -> ClientT:
    """A client from the ``CARECLOUD_*`` variables named by ``names`` (and both clients' own),
    ``overrides`` winning; a missing setting is named with every variable that was read."""
    names = {**_SHARED_ENV, **names}
    settings = {key: value for key, name in names.items() if (value := _env(name)) is not None}
    try:
        return cls(**{**settings, **overrides})
    except ConfigurationError as exc:
        looked_at = ", ".join(f"CARECLOUD_{name}" for name in [*names.values(), *also_read])
        raise ConfigurationError(f"{exc} (from_env read: {looked_at})") from None


class _BaseClient:
    api: ClassVar[str]
    interface: ClassVar[str]
    auth: httpx.Auth
    """The auth flow every call of this client is sent through (per request)."""

    def __init__(
        self,
        *,
        auth: httpx.Auth,
        base_url: str,
        accept_language: str | None,
        project_timezone: str | tzinfo | None,
        timeout: httpx.Timeout | float | None,
        httpx_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None,
        retry_policy: RetryPolicy | None,
        rate_limiter: RateLimiter | None,
        hooks: Sequence[RequestHook],
        cache: ResponseCache | None,
        strict: bool = False,
    ) -> None:
        self.base_url = base_url
        self.strict = strict
        """Raise ``ResponseParseError`` at any value that does not match the schema."""
        zone = None if project_timezone is None else project_zone(project_timezone)
        self.project_timezone: tzinfo = UTC if zone is None else zone
        """The zone answers' date-times are read in (UTC when none was given)."""
        self.accept_language = accept_language
        self._owns_http = httpx_client is None
        if httpx_client is None:
            httpx_client = httpx.AsyncClient(
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
        # An injected client is used as given: base URL, auth and User-Agent go on each
        # request, so SDK clients of either API can share one pool.
        self._http = httpx_client
        self.auth = auth
        self._target = CallTarget(
            api=self.api,
            base_url=base_url,
            project_timezone=zone,
            accept_language=accept_language,
            strict=strict,
            user_agent=user_agent_for(httpx_client),
        )
        self._closed = False

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
        """Close pooled connections (only those of an httpx client this object created).

        Calls made afterwards raise ``ClientClosedError``."""
        self._closed = True
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
    async def call(self, endpoint: Any, /, **arguments: Any) -> Any:
        """Call a generated endpoint and return the ``data`` of its answer (None for 204).

        The endpoint's own arguments (path and query parameters, ``body``,
        ``accept_language``) go with the per-call options: ``retry_unsafe`` allows
        replaying a POST that may have reached the server; ``deadline`` bounds all
        attempts; ``strict`` overrides the client's setting for this call; ``raw=True``
        skips the models: ``data`` comes back as plain dicts and lists (decoded with
        orjson when it is installed), for bulk work.
        """
        settings, params = CallSettings.split(arguments)
        answer = await self.fetch(endpoint, settings, params)
        return answer.read().data

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
    async def call_raw(self, endpoint: Any, /, **arguments: Any) -> ApiResponse[Any]:
        """Like ``call``, but returns status, headers and the parsed model as well."""
        settings, params = CallSettings.split(arguments)
        answer = await self.fetch(endpoint, settings, params)
        return answer.read()

    async def fetch(
        self, endpoint: Endpoint, settings: CallSettings, params: Mapping[str, object]
    ) -> Answer:
        """Prepare and send one call, leaving the answer unread (``Answer.read()``): the
        step iterators use to send the next request before reading this one."""
        if self._closed:
            operation = operation_of(endpoint)
            raise ClientClosedError(operation.method, operation.path_template)
        module, request = prepare(self._http, self._target, endpoint, settings, dict(params))
        response = await send(self._http, self.auth, request)
        return Answer(module, response)

    @overload
    def paginate(
        self, endpoint: TypedListEndpoint[ItemT], /, *, raw: Literal[False] = False, **options: Any
    ) -> AsyncGenerator[ItemT, None]: ...
    @overload
    def paginate(
        self, endpoint: Endpoint, /, *, raw: Literal["bytes"], **options: Any
    ) -> AsyncGenerator[bytes, None]: ...
    @overload
    def paginate(
        self, endpoint: Endpoint, /, *, raw: bool = False, **options: Any
    ) -> AsyncGenerator[Any, None]: ...
    def paginate(
        self, endpoint: Any, /, *, raw: RawReading = False, **options: Any
    ) -> AsyncGenerator[Any, None]:
        """Iterate over the items of every page of a list endpoint (see ``_pagination``):
        models, plain JSON with ``raw=True``, or each item's JSON text as the server sent
        it with ``raw="bytes"`` (needs msgspec: the ``fast`` extra)."""
        return paginate(self, endpoint, raw=raw, **options)

    @overload
    def pages(
        self, endpoint: TypedListEndpoint[ItemT], /, *, raw: Literal[False] = False, **options: Any
    ) -> AsyncGenerator[Page[ItemT], None]: ...
    @overload
    def pages(
        self, endpoint: Endpoint, /, *, raw: Literal["bytes"], **options: Any
    ) -> AsyncGenerator[Page[bytes], None]: ...
    @overload
    def pages(
        self, endpoint: Endpoint, /, *, raw: bool = False, **options: Any
    ) -> AsyncGenerator[Page[Any], None]: ...
    def pages(
        self, endpoint: Any, /, *, raw: RawReading = False, **options: Any
    ) -> AsyncGenerator[Page[Any], None]:
        """Iterate over whole pages of a list endpoint, with offset and total_items."""
        return pages(self, endpoint, raw=raw, **options)


ClientT = TypeVar("ClientT", bound=_BaseClient)


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
        from carecloud_async._cache import CachingTransport  # deferred: an optional part

        stack = CachingTransport(stack, cache)
    return stack


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
        if isinstance(auth, EnterpriseAuth):
            auth.bind(send_without_auth(self._http))

    async def bearer_token(self) -> str:
        """The bearer token calls are sent with, logging in first if needed: for handing to
        other processes (Spark executors, say). Treat it as the secret it is."""
        auth = self.auth
        if not isinstance(auth, BearerTokenAuth | EnterpriseAuth):
            raise ConfigurationError(f"{type(auth).__name__} hands out no bearer token")
        return await auth.token()

    @classmethod
    def from_env(cls, **overrides: Any) -> EnterpriseClient:
        """Build from ``CARECLOUD_*`` variables (PROJECT_URL or BASE_URL, LOGIN, PASSWORD,
        EXTERNAL_APPLICATION_ID or BEARER_TOKEN, API_VERSION, ACCEPT_LANGUAGE, PROJECT_TIMEZONE)."""
        names = {
            "login": "LOGIN",
            "password": "PASSWORD",
            "external_application_id": "EXTERNAL_APPLICATION_ID",
            "bearer_token": "BEARER_TOKEN",
        }
        return _from_env(cls, names, overrides)


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
        project_timezone: str | tzinfo | None = None,
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
        from carecloud_async._customer_auth import CustomerAuth  # Customer API only

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
        from carecloud_async._customer_auth import DeviceInfo  # Customer API only
        from carecloud_async._token_store import FileTokenStore  # an optional part

        settings: dict[str, Any] = {}
        if device_id := _env("DEVICE_ID"):
            settings["device"] = DeviceInfo(device_id=device_id)
        if token_file := _env("TOKEN_FILE"):
            settings["token_store"] = FileTokenStore(token_file)
        names = {"external_application_id": "EXTERNAL_APPLICATION_ID"}
        return _from_env(cls, names, {**settings, **overrides}, ("DEVICE_ID", "TOKEN_FILE"))

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
        # Deferred: Customer API auth is an optional part of the package.
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
        # Deferred: Customer API auth is an optional part of the package.
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
