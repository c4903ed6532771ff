"""Customer API authentication: a device token from ``POST /tokens``, kept in a TokenStore.

The device token is the bearer for every Customer API call; logging a customer
in (``/tokens/{token_id}/actions/login``) attaches that customer to the token
on the server. Creating a token for a device id invalidates the previous token
of that device, so reuse the stored one and keep ``device_id`` stable.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import asdict, dataclass

import httpx

from carecloud_async._auth import login_failure
from carecloud_async._errors import AuthenticationError
from carecloud_async._login import SingleFlight, auth_request
from carecloud_async._token_store import InMemoryTokenStore, TokenStore

__all__ = ["CustomerAuth", "DeviceInfo"]

logger = logging.getLogger("carecloud_async")

TOKENS_PATH = "/tokens"

SendWithoutAuth = Callable[[httpx.Request], Awaitable[httpx.Response]]


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

    A 401 there (a customer's wrong password, say) cannot be fixed by a new
    token: the replay would still name the old one, and creating it would log
    this device out. Such a 401 goes to the caller.
    """
    path = request.url.path
    marker = f"{TOKENS_PATH}/{token}"
    return path.endswith(marker) or f"{marker}/" in path


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
        self._send: SendWithoutAuth | None = None
        self.tokens_created = 0
        """How many device tokens this flow has requested (for metrics and tests)."""

    def bind(self, send_without_auth: SendWithoutAuth) -> None:
        """Give the flow a way to call ``POST /tokens`` (the client does this)."""
        self._send = send_without_auth

    async def token_id(self) -> str:
        """The current device token, loaded from the store or created on first use."""
        ticket = self._flight.ticket()
        async with self._lock:
            if self._token is None:
                self._token = await self._store.load(self._device.device_id)
            if self._token is None:
                if failure := self._flight.failed_since(ticket):
                    raise failure  # the request this call waited for failed: share it
                self._token = await self._flight.run(self._create)
            return self._token

    async def _create(self) -> str:
        if self._send is None:
            raise RuntimeError("CustomerAuth is not bound to a client")
        self.tokens_created += 1
        body = self._device.token_request_body(self._external_application_id)
        response = await self._send(auth_request(self._tokens_url, body))
        await response.aread()
        if not response.is_success:
            raise login_failure(response, "POST", TOKENS_PATH)
        try:
            token = str(response.json()["data"]["token_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise AuthenticationError(
                method="POST",
                path=TOKENS_PATH,
                status=response.status_code,
                error_type="token_response_unusable",
                error_message="POST /tokens answered without data.token_id",
            ) from exc
        await self._store.save(self._device.device_id, token)
        logger.info("carecloud: created a customer-interface device token")
        return token

    async def _renew(self, stale: str) -> str:
        async with self._lock:
            if self._token == stale:
                logger.warning("carecloud: device token refused (401); creating a new one once")
                await self._store.delete(self._device.device_id)
                self._token = await self._create()
            assert self._token is not None
            return self._token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.token_id()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401 and not _addresses_token(request, token):
            request.headers["Authorization"] = f"Bearer {await self._renew(token)}"
            yield request

    def __repr__(self) -> str:
        return f"CustomerAuth(device_id={self._device.device_id!r}, token=***)"
