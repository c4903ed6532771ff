"""Enterprise API authentication as an ``httpx.Auth`` flow.

One flow covers every generated endpoint, so no call site deals with tokens:
it logs in lazily, refreshes ahead of ``valid_to`` on a monotonic clock, lets
concurrent requests share one in-flight login, and on a 401 for the current
token logs in again once and replays the request once.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

import httpx

from carecloud_async._datetimes import parse_project_datetime
from carecloud_async._errors import (
    APIConnectionError,
    AuthenticationError,
    CareCloudError,
    error_for_status,
)

__all__ = ["BearerTokenAuth", "EnterpriseAuth", "login_failure"]

logger = logging.getLogger("carecloud_async")

LOGIN_PATH = "/users/actions/login"
DEFAULT_REFRESH_MARGIN = 300.0
MIN_TOKEN_LIFE = 60.0


def login_failure(response: httpx.Response, method: str, path: str) -> AuthenticationError:
    """An AuthenticationError naming why a login was refused, without the request's secrets."""
    try:
        body = response.json()
    except ValueError:
        body = None
    parsed = error_for_status(method=method, path=path, status=response.status_code, body=body)
    return AuthenticationError(
        method=method,
        path=path,
        status=response.status_code,
        error_type=parsed.error_type or f"login_refused_{response.status_code}",
        error_message=parsed.error_message or "the server refused the credentials",
        request_id=response.headers.get("x-request-id"),
    )


class BearerTokenAuth(httpx.Auth):
    """A token issued elsewhere; it cannot be refreshed, so a 401 surfaces as an error."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "BearerTokenAuth(token=***)"


class EnterpriseAuth(httpx.Auth):
    """User login (``POST /users/actions/login``) and token lifecycle for the Enterprise API."""

    requires_request_body = True  # a replay after a 401 must resend the same bytes
    requires_response_body = True  # the login answer is read inside the flow

    def __init__(
        self,
        *,
        base_url: str,
        login: str,
        password: str,
        external_application_id: str,
        project_timezone: tzinfo,
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
        self._token: str | None = None
        self._expires_at: float | None = None  # on self._clock
        self._valid_to: datetime | None = None
        self._finished_logins = 0
        self._failure: CareCloudError | None = None
        """Outcome of the last login if it failed; calls that waited for it share it."""
        self.logins = 0
        """How many login requests this flow has sent (for metrics and tests)."""

    @property
    def valid_to(self) -> datetime | None:
        """When the current token expires, as an aware datetime; None before the first login."""
        return self._valid_to

    def _needs_login(self) -> bool:
        if self._token is None:
            return True
        return self._expires_at is not None and self._clock() >= self._expires_at - self._margin

    def _token_usable(self) -> bool:
        """Whether the token may still be sent: it exists and is not past ``valid_to``."""
        if self._token is None:
            return False
        return self._expires_at is None or self._clock() < self._expires_at

    def _login_interrupted(self) -> None:
        """The login request raised (no answer): calls waiting for it should not each retry it."""
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            return  # only this caller gave up; the next waiter tries for itself
        self._finished_logins += 1
        self._failure = APIConnectionError(
            "POST", LOGIN_PATH, "the login this call waited for got no answer; call not sent"
        )

    def _login_request(self) -> httpx.Request:
        self.logins += 1
        return httpx.Request("POST", self._login_url, json=self._credentials)

    def _accept_login(self, response: httpx.Response) -> None:
        self._finished_logins += 1
        if not response.is_success:
            self._token = None
            self._failure = login_failure(response, "POST", LOGIN_PATH)
            raise copy.copy(self._failure)
        try:
            data = response.json()["data"]
            token = str(data["bearer_token"])
        except (ValueError, KeyError, TypeError) as exc:
            self._failure = AuthenticationError(
                method="POST",
                path=LOGIN_PATH,
                status=response.status_code,
                error_type="login_response_unusable",
                error_message="login answered without data.bearer_token",
            )
            raise copy.copy(self._failure) from exc
        self._failure = None
        self._token = token
        self._valid_to = self._expiry(data.get("valid_to"))
        if self._valid_to is None:
            self._expires_at = None  # unknown lifetime: rely on the 401 path
            return
        remaining = (self._valid_to - self._wall_clock()).total_seconds()
        if remaining < self._margin + MIN_TOKEN_LIFE:
            # A token "already expiring" means the clocks or project_timezone disagree;
            # logging in on every request would not help, so trust it briefly and rely on 401.
            logger.warning(
                "carecloud: login valid_to %s is only %.0f s away; check project_timezone",
                self._valid_to,
                remaining,
            )
            remaining = self._margin + MIN_TOKEN_LIFE
        self._expires_at = self._clock() + remaining
        logger.info("carecloud: enterprise login succeeded, token valid to %s", self._valid_to)

    def _expiry(self, valid_to: object) -> datetime | None:
        if not isinstance(valid_to, str):
            return None
        try:
            return parse_project_datetime(valid_to, self._zone)
        except ValueError:
            logger.warning("carecloud: login valid_to %r unreadable; refreshing on 401", valid_to)
            return None

    def _should_log_in(self, logins_seen: int, *, after_401: bool) -> bool:
        """Whether this request logs in now, given the logins finished since it last looked.

        A login that finished meanwhile is shared: its token is used, or its failure
        raised (unless the old token may still be sent, when a refresh ahead of time failed).
        """
        someone_logged_in = self._finished_logins != logins_seen
        if someone_logged_in and self._failure is not None:
            if after_401 or not self._token_usable():
                raise copy.copy(self._failure)
            return False
        if after_401:
            if not someone_logged_in:
                logger.warning("carecloud: 401 with the current token; logging in again once")
            return not someone_logged_in
        return self._needs_login()

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        logins_seen = self._finished_logins
        for after_401 in (False, True):  # send, then replay at most once after a 401
            async with self._lock:
                if self._should_log_in(logins_seen, after_401=after_401):
                    try:
                        login_response = yield self._login_request()
                    except GeneratorExit:
                        self._login_interrupted()
                        raise
                    self._accept_login(login_response)
                token, logins_seen = self._token, self._finished_logins
            request.headers["Authorization"] = f"Bearer {token}"
            response = yield request
            if response.status_code != 401:
                return
        # A second 401 goes back to the caller as an AuthenticationError.

    def __repr__(self) -> str:
        return f"EnterpriseAuth(login_url={self._login_url!r}, password=***, token=***)"
