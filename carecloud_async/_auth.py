"""Enterprise API authentication as an ``httpx.Auth`` flow.

One flow covers every generated endpoint, so no call site deals with tokens:
it logs in lazily, refreshes ahead of ``valid_to`` on a monotonic clock, lets
concurrent requests share one in-flight login, and on a 401 for the current
token logs in again once and replays the request once.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

import httpx

from carecloud_async._call_options import options_of
from carecloud_async._datetimes import parse_project_datetime
from carecloud_async._errors import AuthenticationError, CareCloudError
from carecloud_async._login import (
    SendWithoutAuth,
    SingleFlight,
    auth_request,
    login_failure,
    remaining_deadline,
    send_auth_request,
)

__all__ = ["BearerTokenAuth", "EnterpriseAuth", "login_failure"]

logger = logging.getLogger("carecloud_async")

LOGIN_PATH = "/users/actions/login"
DEFAULT_REFRESH_MARGIN = 300.0
MIN_TOKEN_LIFE = 60.0
MAX_PLAUSIBLE_LIFE = 30 * 86400.0
"""A ``valid_to`` further ahead than this is not believed."""
WESTMOST_OFFSET = 12 * 3600.0
"""How far behind UTC a time zone can be (UTC-12): ``valid_to`` read as UTC plus this is
the latest moment the token can expire, whatever the project's zone."""
REFRESH_RETRY_BASE = 15.0
REFRESH_RETRY_MAX = 120.0
"""Backoff between attempts to refresh a still valid token after a failed refresh."""
_HAS_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")


class BearerTokenAuth(httpx.Auth):
    """A token issued elsewhere; it cannot be refreshed, so a 401 surfaces as an error."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    async def token(self) -> str:
        """The token requests are sent with."""
        return self._token

    def __repr__(self) -> str:
        return "BearerTokenAuth(token=***)"


class EnterpriseAuth(httpx.Auth):
    """User login (``POST /users/actions/login``) and token lifecycle for the Enterprise API.

    The login is sent through the client (``bind``), so the transport retries it
    like any harmless request; its outcome is shared by every call that waited for it.

    ``valid_to`` is project-local. When ``project_timezone`` is None (not given) or
    ``valid_to`` is implausible for the local clock (already past, about to pass, or
    months ahead), it is not used to refresh ahead of time: the token is renewed when
    the server refuses it (401), and at the latest once ``valid_to`` has passed in
    every time zone. Either way there is at most one login per token lifetime plus
    one per 401.
    """

    requires_request_body = True  # a replay after a 401 must resend the same bytes

    def __init__(
        self,
        *,
        base_url: str,
        login: str,
        password: str,
        external_application_id: str,
        project_timezone: tzinfo | None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._login_url = base_url.rstrip("/") + LOGIN_PATH
        self._credentials = {
            "user_external_application_id": external_application_id,
            "login": login,
            "password": password,
        }
        self._zone = project_timezone
        self._margin = refresh_margin
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = asyncio.Lock()
        self._send: SendWithoutAuth | None = None
        self._token: str | None = None
        self._expires_at: float | None = None  # on self._clock
        self._refresh_ahead = True
        """Whether ``_expires_at`` is believed enough to log in before it."""
        self._valid_to: datetime | None = None
        self._flight = SingleFlight()
        """Outcome of the last login; calls that waited for it share a failure."""
        self._failed_refreshes = 0
        self._next_refresh_at: float | None = None
        self._warned_valid_to = False
        self.logins = 0
        """How many login requests this flow has sent (for metrics and tests)."""

    def bind(self, send_without_auth: SendWithoutAuth) -> None:
        """Give the flow a way to send the login request (the client does this)."""
        self._send = send_without_auth

    @property
    def valid_to(self) -> datetime | None:
        """When the current token expires, as an aware datetime; None before the first login."""
        return self._valid_to

    async def token(self) -> str:
        """The token calls are sent with, logging in first when there is none (or it is due)."""
        async with self._lock:
            if self._should_log_in(self._flight.ticket(), after_401=False):
                await self._log_in_or_keep(after_401=False, deadline=None)
            token = self._token
        if token is None:  # pragma: no cover - a failed login raised above
            raise RuntimeError("EnterpriseAuth has no token after logging in")
        return token

    def _needs_login(self) -> bool:
        if self._token is None:
            return True
        if self._expires_at is None:
            return False
        now = self._clock()
        if now >= self._expires_at:
            return True
        if not self._refresh_ahead or now < self._expires_at - self._margin:
            return False
        return self._next_refresh_at is None or now >= self._next_refresh_at

    def _token_usable(self) -> bool:
        """Whether the token may still be sent: it exists and is not past ``valid_to``."""
        if self._token is None:
            return False
        return self._expires_at is None or self._clock() < self._expires_at

    async def _log_in(self, deadline: float | None) -> None:
        """One login (retried by the transport); a failure is kept for the calls that waited."""
        send = self._send
        if send is None:
            raise RuntimeError("EnterpriseAuth is not bound to a client")
        self.logins += 1
        request = auth_request(self._login_url, LOGIN_PATH, self._credentials, deadline=deadline)

        async def send_login() -> None:
            self._accept_login(await send_auth_request(send, request))

        await self._flight.run(send_login)

    async def _log_in_or_keep(self, *, after_401: bool, deadline: float | None) -> None:
        """Log in; if this was an early refresh and it failed, keep the valid token."""
        refreshing_early = not after_401 and self._token_usable()
        try:
            await self._log_in(deadline)
        except CareCloudError as exc:
            if not refreshing_early:
                raise
            self._refresh_failed(exc)
            return
        self._failed_refreshes = 0
        self._next_refresh_at = None

    def _refresh_failed(self, exc: CareCloudError) -> None:
        self._failed_refreshes += 1
        wait = min(REFRESH_RETRY_MAX, REFRESH_RETRY_BASE * 2 ** (self._failed_refreshes - 1))
        self._next_refresh_at = self._clock() + wait
        if self._failed_refreshes == 1:
            logger.warning(
                "carecloud: token refresh failed (%s); keeping the current token until %s, "
                "trying again in %.0f s",
                exc,
                self._valid_to,
                wait,
            )
        else:
            logger.debug(
                "carecloud: token refresh failed again (%s); next try in %.0f s", exc, wait
            )

    def _accept_login(self, response: httpx.Response) -> None:
        if not response.is_success:
            raise login_failure(response, "POST", LOGIN_PATH)
        try:
            data = response.json()["data"]
            token = str(data["bearer_token"])
        except (ValueError, KeyError, TypeError) as exc:
            raise AuthenticationError(
                method="POST",
                path=LOGIN_PATH,
                status=response.status_code,
                error_type="login_response_unusable",
                error_message="login answered without data.bearer_token",
            ) from exc
        self._token = token
        self._set_expiry(data.get("valid_to"))
        logger.info("carecloud: enterprise login succeeded, token valid to %s", self._valid_to)

    def _set_expiry(self, text: object) -> None:
        self._valid_to = None
        self._expires_at = None
        self._refresh_ahead = False
        if not isinstance(text, str):
            return  # unknown lifetime: rely on the 401 path
        try:
            self._valid_to = parse_project_datetime(text, self._zone or UTC)
            as_utc = parse_project_datetime(text, UTC)
        except ValueError:
            logger.warning("carecloud: login valid_to %r unreadable; refreshing on 401", text)
            return
        now = self._wall_clock()
        remaining = (self._valid_to - now).total_seconds()
        known_zone = self._zone is not None or _HAS_OFFSET.search(text.strip()) is not None
        if known_zone and self._margin + MIN_TOKEN_LIFE <= remaining <= MAX_PLAUSIBLE_LIFE:
            self._expires_at = self._clock() + remaining
            self._refresh_ahead = True
            return
        # The zone is unknown or wrong (or a clock is off): renew on 401, and at the
        # latest when valid_to has passed in every time zone.
        latest = (as_utc - now).total_seconds() + WESTMOST_OFFSET
        if latest > 0:
            self._expires_at = self._clock() + min(latest, MAX_PLAUSIBLE_LIFE)
        if not self._warned_valid_to:
            self._warned_valid_to = True
            if self._zone is None:
                logger.warning(
                    "carecloud: project_timezone not given, so the token's valid_to %s cannot "
                    "be placed in time; it is renewed when the server refuses it (401). Pass "
                    "project_timezone to refresh ahead of expiry",
                    text,
                )
            else:
                logger.warning(
                    "carecloud: login valid_to %s is %.0f s from now in %s, which is not "
                    "plausible; check project_timezone and the clock. The token is renewed "
                    "when the server refuses it (401)",
                    text,
                    remaining,
                    self._zone,
                )

    def _should_log_in(self, logins_seen: int, *, after_401: bool) -> bool:
        """Whether this request logs in now, given the logins finished since it last looked.

        A login that finished meanwhile is shared: its token is used, or its failure
        raised (unless the old token may still be sent, when a refresh ahead of time failed).
        """
        someone_logged_in = self._flight.finished_since(logins_seen)
        failure = self._flight.failed_since(logins_seen)
        if failure is not None:
            if after_401 or not self._token_usable():
                raise failure
            return False
        if after_401:
            if not someone_logged_in:
                logger.warning("carecloud: 401 with the current token; logging in again once")
            return not someone_logged_in
        return self._needs_login()

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        logins_seen = self._flight.ticket()
        options, started = options_of(request), self._clock()
        for after_401 in (False, True):  # send, then replay at most once after a 401
            async with self._lock:
                if self._should_log_in(logins_seen, after_401=after_401):
                    deadline = remaining_deadline(options, started, self._clock())
                    await self._log_in_or_keep(after_401=after_401, deadline=deadline)
                token, logins_seen = self._token, self._flight.ticket()
            request.headers["Authorization"] = f"Bearer {token}"
            response = yield request
            if response.status_code != 401:
                return
        # A second 401 goes back to the caller as an AuthenticationError.

    def __repr__(self) -> str:
        return f"EnterpriseAuth(login_url={self._login_url!r}, password=***, token=***)"
