"""The one place retries, rate limiting, deadlines and request logging happen.

``ResilientTransport`` wraps the real transport under the client's auth flow,
so a login or a 401 replay is retried by the same rules as any request. Per
request settings (retry safety, ``deadline``, the operation for logs and hooks)
are read from the ``CallOptions`` each request carries. What it gives up on is
raised as it came; ``_failures`` turns it into the SDK's error.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, datetime

import httpx

from carecloud_async._call_options import CallOptions, options_of
from carecloud_async._errors import OutcomeUnknownError
from carecloud_async._logging import (
    BODY_LOGGER,
    RequestEvent,
    RequestHook,
    body_logging_enabled,
    mask_body,
)
from carecloud_async._ratelimit import RateLimiter
from carecloud_async._retry import (
    NOT_SENT,
    RetryPolicy,
    Verdict,
    backoff_delay,
    exception_verdict,
    parse_retry_after,
    retry_after_within_cap,
    status_verdict,
)

__all__ = ["RateLimiter", "ResilientTransport"]

logger = logging.getLogger("carecloud_async")
body_logger = logging.getLogger(BODY_LOGGER)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ResilientTransport(httpx.AsyncBaseTransport):
    """Retries what is safe to retry, waits as the server asks, and never replays a write
    that may have been applied (unless the call said ``retry_unsafe=True``).

    Statuses come back as responses (the client maps them to typed errors), also a 429
    or 503 whose ``Retry-After`` exceeds ``retry_after_cap``: it is returned at once,
    unwaited, and becomes ``RateLimitError``/``ServiceUnavailableError`` with
    ``retry_after`` set. A 5xx to a write that may have been applied raises
    ``OutcomeUnknownError``; an exception it stops retrying on is raised as httpx
    raised it, and the client turns it into ``APIConnectionError``, ``APITimeoutError``,
    ``OutcomeUnknownError`` or ``TransportError`` (``_failures``).
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        retry_policy: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        hooks: Sequence[RequestHook] = (),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        wall_clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.inner = inner
        self.policy = retry_policy or RetryPolicy()
        self.rate_limiter = rate_limiter
        self.hooks = list(hooks)
        self._sleep = sleep
        self._clock = clock
        self._rand = rand
        self._wall_clock = wall_clock

    async def aclose(self) -> None:
        await self.inner.aclose()

    def _slot(self) -> AbstractAsyncContextManager[None]:
        return self.rate_limiter.slot() if self.rate_limiter else nullcontext()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        options = options_of(request)
        method = request.method
        template = options.path_template
        await request.aread()  # buffered once, so every attempt sends the same bytes
        log_bodies = body_logging_enabled()
        if log_bodies and request.content:
            body_logger.debug("%s %s request body %s", method, template, mask_body(request.content))
        deadline_at = None if options.deadline is None else self._clock() + options.deadline
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._slot():
                    started = self._clock()  # time in the limiter's queue is not request time
                    self._cap_timeout(request, deadline_at)
                    reached_before = options.progress.may_have_reached_server
                    options.progress.may_have_reached_server = True
                    response = await self._send_and_read(request)
            except httpx.TransportError as exc:
                if isinstance(exc, NOT_SENT):
                    options.progress.may_have_reached_server = reached_before
                verdict = exception_verdict(method, exc, options.idempotent)
                delay = backoff_delay(attempt, self.policy, self._rand())
                retry = self._may_retry(verdict, attempt, delay, deadline_at)
                self._report(
                    options, method, template, attempt, None, started, None, exc, retry, delay
                )
                if retry:
                    await self._wait(delay)
                    continue
                raise  # the caller's side turns it into an SDK error (_failures)
            status = response.status_code
            verdict = status_verdict(method, status, options.idempotent)
            retry_header = response.headers.get("retry-after")
            retry_after = (
                None
                if retry_header is None
                else parse_retry_after(retry_header, self._wall_clock())
            )
            if self.rate_limiter is not None:
                if status == 429:
                    self.rate_limiter.on_throttled()
                elif response.is_success:
                    self.rate_limiter.on_success()
            if verdict is Verdict.RETRY and not retry_after_within_cap(retry_after, self.policy):
                verdict = Verdict.DONE  # longer than we would wait: the caller gets the error now
            delay = (
                retry_after
                if retry_after is not None
                else backoff_delay(attempt, self.policy, self._rand())
            )
            retry = self._may_retry(verdict, attempt, delay, deadline_at)
            request_id = response.headers.get("x-request-id")
            self._report(
                options, method, template, attempt, status, started, request_id, None, retry, delay
            )
            if log_bodies and response.content:
                body_logger.debug(
                    "%s %s response body %s", method, template, mask_body(response.content)
                )
            if verdict is Verdict.OUTCOME_UNKNOWN:
                raise OutcomeUnknownError(
                    method,
                    options.display_path,
                    f"server answered {status} after receiving the request; it may have been "
                    "applied, so it was not replayed",
                )
            if not retry:
                return response
            await self._wait(delay)

    async def _send_and_read(self, request: httpx.Request) -> httpx.Response:
        """One attempt, body included, so a read timeout mid-body counts as this attempt's."""
        response = await self.inner.handle_async_request(request)
        try:
            await response.aread()
        except BaseException:
            await response.aclose()  # hand the connection back before any retry
            raise
        return response

    def _may_retry(
        self, verdict: Verdict, attempt: int, delay: float, deadline_at: float | None
    ) -> bool:
        if verdict is not Verdict.RETRY or attempt > self.policy.max_retries:
            return False
        return deadline_at is None or self._clock() + delay < deadline_at

    async def _wait(self, delay: float) -> None:
        if self.policy.wait and delay > 0:
            await self._sleep(delay)

    def _cap_timeout(self, request: httpx.Request, deadline_at: float | None) -> None:
        """No single attempt may outlive the call's deadline."""
        if deadline_at is None:
            return
        remaining = max(0.001, deadline_at - self._clock())
        timeouts = dict(request.extensions.get("timeout", {}))
        for key in ("connect", "read", "write", "pool"):
            current = timeouts.get(key)
            timeouts[key] = remaining if current is None else min(current, remaining)
        request.extensions["timeout"] = timeouts

    def _report(
        self,
        options: CallOptions,
        method: str,
        template: str,
        attempt: int,
        status: int | None,
        started: float,
        request_id: str | None,
        exc: Exception | None,
        will_retry: bool,
        delay: float,
    ) -> None:
        event = RequestEvent(
            method=method,
            path_template=template,
            attempt=attempt,
            status=status,
            duration_ms=(self._clock() - started) * 1000,
            request_id=request_id,
            operation_id=options.operation_id,
            error=None if exc is None else type(exc).__name__,
            will_retry=will_retry,
            wait_seconds=delay if will_retry else None,
        )
        outcome = status if exc is None else event.error
        logger.debug(
            "%s %s -> %s in %.1f ms (attempt %d, request id %s)",
            method,
            template,
            outcome,
            event.duration_ms,
            attempt,
            request_id or "-",
        )
        if will_retry:
            logger.warning(
                "%s %s -> %s; retry %d in %.2f s", method, template, outcome, attempt, delay
            )
        for hook in self.hooks:
            try:
                hook(event)
            except Exception:  # a broken metrics hook must not break the API call
                logger.exception("carecloud: request hook %r failed", hook)
