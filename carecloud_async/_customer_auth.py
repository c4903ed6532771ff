"""Customer API authentication: a device token from ``POST /tokens``, kept in a TokenStore.

The device token is the bearer for every Customer API call; logging a customer
in (``/tokens/{token_id}/actions/login``) attaches that customer to the token
on the server. Creating a token for a device id invalidates the previous token
of that device, so reuse the stored one and keep ``device_id`` stable.

Several processes may share one device id through one store. On a 401 the flow
first reads the store again and adopts a token another process saved; only if
the store still holds the refused token does it create one, under the store's
device lock and after reading the store once more, so a fleet settles on one
token instead of invalidating each other's.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncGenerator
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import asdict, dataclass

import httpx

from carecloud_async._call_options import options_of
from carecloud_async._errors import (
    APIStatusError,
    AuthenticationError,
    CustomerSessionLostError,
    TokenStoreError,
    error_for_status,
)
from carecloud_async._login import (
    SendWithoutAuth,
    SingleFlight,
    auth_request,
    login_failure,
    remaining_deadline,
    send_auth_request,
)
from carecloud_async._token_store import (
    InMemoryTokenStore,
    SharedTokenStore,
    TokenStore,
    os_reason,
    usable_token,
)

__all__ = ["CustomerAuth", "DeviceInfo", "customer_login_needed", "token_refused"]

logger = logging.getLogger("carecloud_async")

TOKENS_PATH = "/tokens"


@dataclass(frozen=True)
class DeviceInfo:
    """The installation a device token belongs to; ``device_id`` must stay stable."""

    device_id: str
    device_system: str = "python"
    device_name: str = "carecloud-async"
    device_type: str = "server"
    language_id: str = "en"
    allowed_gps: bool = False
    allowed_notifications: bool = False
    push_token: str | None = None

    def token_request_body(self, external_application_id: str) -> dict[str, object]:
        fields = asdict(self)
        body: dict[str, object] = {
            "device": {
                k: fields[k] for k in ("device_id", "device_system", "device_name", "device_type")
            },
            "setup": {
                k: fields[k] for k in ("language_id", "allowed_gps", "allowed_notifications")
            },
            "external_application_id": external_application_id,
        }
        if self.push_token:
            body["push_token"] = self.push_token
        return body


def _addresses_token(request: httpx.Request, token: str) -> bool:
    """Whether the URL names the token itself (``/tokens/{token_id}/...``).

    A 401 there is not replayed by the flow: the replay would still name the
    old token. If the server says the token is dead, the flow forgets it (the
    next call gets a live one); otherwise (a customer's wrong password, say)
    the device token is kept, since a new one would log this device out.
    """
    path = request.url.path
    marker = f"{TOKENS_PATH}/{token}"
    return path.endswith(marker) or f"{marker}/" in path


_TOKEN_WORD = re.compile(r"token", re.IGNORECASE)
_CREDENTIALS_WORD = re.compile(r"password|credential|customer|user", re.IGNORECASE)
_NO_CUSTOMER = re.compile(
    r"customer.?(?:is.?)?not.?logged|customer.?login.?required|no.?customer.?(?:is.?)?logged",
    re.IGNORECASE,
)


def customer_login_needed(error: APIStatusError) -> bool:
    """Whether a 401 says the call needs a logged-in customer (``customer_not_logged_in``).

    The device token is fine then: replacing it would change nothing for this call
    and would log out every other holder of the token.
    """
    if error.status != 401:
        return False
    return any(_NO_CUSTOMER.search(text or "") for text in (error.error_type, error.error_message))


def token_refused(error: APIStatusError) -> bool:
    """Whether a 401 says the device token is dead, rather than a customer's credentials.

    Every 401 has the same documented shape: an error code (``exception``, or
    ``type`` when it is not ``about:blank``), a title and a detail, and no list
    of codes. The code names what was refused (``token_invalid`` for a token
    that a newer one replaced; ``bad_credentials`` for a wrong password), so a
    code about the token, and not about a password or a customer, means dead.
    Without a code, the title and detail are read the same way.
    """
    if error.status != 401:
        return False
    reason = error.error_type or error.error_message or ""
    return bool(_TOKEN_WORD.search(reason)) and not _CREDENTIALS_WORD.search(reason)


class CustomerAuth(httpx.Auth):
    """Sends the device token as bearer; creates (once, shared) and persists it when missing."""

    requires_request_body = True

    def __init__(
        self,
        *,
        base_url: str,
        device: DeviceInfo,
        external_application_id: str,
        token_store: TokenStore | None = None,
    ) -> None:
        self._tokens_url = base_url.rstrip("/") + TOKENS_PATH
        self._device = device
        self._external_application_id = external_application_id
        self._store: TokenStore = token_store or InMemoryTokenStore()
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._flight = SingleFlight()
        self._customer_token: str | None = None
        """The device token a customer is logged in on, if any."""
        self._send: SendWithoutAuth | None = None
        self.tokens_created = 0
        """How many device tokens this flow has requested (for metrics and tests)."""
        self.tokens_adopted = 0
        """How many times this flow took a token another process had saved, after a 401."""

    def bind(self, send_without_auth: SendWithoutAuth) -> None:
        """Give the flow a way to call ``POST /tokens`` (the client does this)."""
        self._send = send_without_auth

    @property
    def customer_logged_in(self) -> bool:
        """Whether a customer is logged in on the device token in use."""
        return self._customer_token is not None and self._customer_token == self._token

    def customer_attached(self, token: str) -> None:
        """Record that a customer logged in on ``token`` (``login_customer`` calls this)."""
        self._customer_token = token

    def customer_detached(self) -> None:
        """Record that no customer is logged in any more."""
        self._customer_token = None

    async def token_id(self, deadline: float | None = None) -> str:
        """The current device token, loaded from the store or created on first use (a
        creation bounded by ``deadline`` seconds, when given)."""
        ticket = self._flight.ticket()
        async with self._lock:
            if self._token is None:
                self._token = await self._load()
            if self._token is None:
                if failure := self._flight.failed_since(ticket):
                    raise failure  # the request this call waited for failed: share it
                self._token = await self._flight.run(
                    lambda: self._stored_or_created(refused=None, deadline=deadline)
                )
            return self._token

    async def _load(self) -> str | None:
        """The stored token, if usable; store failures are raised as ``TokenStoreError``."""
        device_id = self._device.device_id
        try:
            value: object = await self._store.load(device_id)
        except OSError as exc:
            raise TokenStoreError(None, os_reason(exc)) from exc
        if value is None or usable_token(value):
            return value  # type: ignore[return-value]
        logger.warning("carecloud: the stored device token is unusable; discarding it")
        await self._delete_if(value)
        return None

    async def _save(self, token: str) -> None:
        try:
            await self._store.save(self._device.device_id, token)
        except (TokenStoreError, OSError) as exc:
            # The token is valid: keep using it from memory rather than failing the call
            # (or creating another one on the next call, which would cancel this one).
            logger.warning("carecloud: could not save the device token (%s); kept in memory", exc)

    async def _delete_if(self, refused: object) -> None:
        """Remove the refused token from the store, unless another process replaced it."""
        device_id = self._device.device_id
        try:
            if isinstance(self._store, SharedTokenStore) and isinstance(refused, str):
                await self._store.delete_if(device_id, refused)
            elif await self._store.load(device_id) == refused:
                await self._store.delete(device_id)
        except (TokenStoreError, OSError) as exc:
            logger.warning("carecloud: could not remove the refused device token (%s)", exc)

    def _device_lock(self) -> AbstractAsyncContextManager[object]:
        if isinstance(self._store, SharedTokenStore):
            return self._store.device_lock(self._device.device_id)
        return nullcontext()

    async def _stored_or_created(self, refused: str | None, deadline: float | None) -> str:
        """A token another process saved meanwhile, or a new one; one creator at a time."""
        async with self._device_lock():
            stored = await self._load()
            if stored is not None and stored != refused:
                if refused is not None:
                    self.tokens_adopted += 1
                    logger.info("carecloud: adopted the device token another process saved")
                return stored
            if refused is not None:
                logger.warning("carecloud: device token refused (401); replacing it once")
                if stored is not None:  # still the refused one: nobody replaced it yet
                    await self._delete_if(stored)
            return await self._create(deadline)

    async def _create(self, deadline: float | None) -> str:
        if self._send is None:
            raise RuntimeError("CustomerAuth is not bound to a client")
        self.tokens_created += 1
        body = self._device.token_request_body(self._external_application_id)
        request = auth_request(self._tokens_url, TOKENS_PATH, body, deadline=deadline)
        response = await send_auth_request(self._send, request)
        if not response.is_success:
            raise login_failure(response, "POST", TOKENS_PATH)
        try:
            token = response.json()["data"]["token_id"]
        except (ValueError, KeyError, TypeError):
            token = None
        if not usable_token(token):
            raise AuthenticationError(
                method="POST",
                path=TOKENS_PATH,
                status=response.status_code,
                error_type="token_response_unusable",
                error_message="POST /tokens answered without a usable data.token_id",
            )
        await self._save(token)
        logger.info("carecloud: created a customer-interface device token")
        return str(token)

    async def _renew(self, refused: str, deadline: float | None) -> str:
        """The token to replay with after ``refused`` got a 401."""
        async with self._lock:
            if self._token is not None and self._token != refused:
                return self._token  # another call of this process already renewed it
            self._token = None
            if self._customer_token == refused:
                self._customer_token = None
            self._token = await self._stored_or_created(refused, deadline)
            return self._token

    async def forget(self, refused: str) -> None:
        """The server says ``refused`` is dead: the next call loads or creates another."""
        async with self._lock:
            if self._token == refused:
                self._token = None
            if self._customer_token == refused:
                self._customer_token = None
            await self._delete_if(refused)

    def _refusal(self, response: httpx.Response, request: httpx.Request) -> APIStatusError:
        try:
            body = response.json()
        except ValueError:
            body = None
        return error_for_status(
            method=request.method,
            path=options_of(request).display_path,
            status=401,
            body=body,
            request_id=response.headers.get("x-request-id"),
        )

    def _customer_login_needed(self, refusal: APIStatusError, token: str) -> AuthenticationError:
        """The call needs a customer on the device token: keep the token, say what is missing."""
        if self._customer_token == token:
            self._customer_token = None  # the server no longer has the customer on it
        return AuthenticationError(
            method=refusal.method,
            path=refusal.path,
            status=401,
            error_type=refusal.error_type,
            error_message=(
                "this call needs a logged-in customer: call login_customer() first "
                "(the device token was kept)"
            ),
            request_id=refusal.request_id,
            body=refusal.body,
        )

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        options, started = options_of(request), time.monotonic()
        token = await self.token_id(remaining_deadline(options, started, started))
        as_customer = self._customer_token == token
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        await response.aread()
        refusal = self._refusal(response, request)
        if customer_login_needed(refusal):
            raise self._customer_login_needed(refusal, token)
        if _addresses_token(request, token):
            if token_refused(refusal):
                await self.forget(token)
            return
        fresh = await self._renew(token, remaining_deadline(options, started, time.monotonic()))
        if as_customer:
            raise CustomerSessionLostError(
                method=request.method,
                path=options_of(request).display_path,
                status=401,
                error_type="customer_session_lost",
                error_message=(
                    "the device token was refused while a customer was logged in on it; "
                    "the call was not replayed without the customer: log the customer in again"
                ),
            )
        request.headers["Authorization"] = f"Bearer {fresh}"
        yield request

    def __repr__(self) -> str:
        return f"CustomerAuth(device_id={self._device.device_id!r}, token=***)"
