"""Shared fakes: a recording mock CareCloud, a fake clock, and client factories."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from carecloud_async._client import EnterpriseClient
from carecloud_async._retry import RetryPolicy

BASE_URL = "http://127.0.0.1:9999"
SECRET_PASSWORD = "s3cret-Passw0rd!"
SECRET_TOKEN = "tok-0123456789abcdef0123456789abcdef"

Handler = Callable[[httpx.Request], Awaitable[httpx.Response] | httpx.Response]


@dataclass
class FakeClock:
    """Monotonic and wall clocks that only move when a test says so."""

    now: float = 1000.0
    wall_start: datetime = datetime(2030, 1, 1, tzinfo=UTC)
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return self.wall_start + timedelta(seconds=self.now - 1000.0)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class Recorder:
    """A mock transport that records every request and answers through ``handler``."""

    handler: Handler
    requests: list[httpx.Request] = field(default_factory=list)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        # A snapshot: the auth flow mutates headers of the same object when it replays.
        self.requests.append(
            httpx.Request(
                request.method, request.url, headers=request.headers, content=request.content
            )
        )
        await asyncio.sleep(0)  # let concurrent requests interleave
        answer = self.handler(request)
        if isinstance(answer, Awaitable):
            answer = await answer
        return answer

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def paths(self, suffix: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith(suffix)]


def login_ok(token: str = SECRET_TOKEN, valid_to: str = "2030-01-01 07:00:00") -> httpx.Response:
    return httpx.Response(200, json={"data": {"bearer_token": token, "valid_to": valid_to}})


def json_response(status: int, data: Any = None, **extra: Any) -> httpx.Response:
    return httpx.Response(status, json={"data": data} if data is not None else None, **extra)


@pytest.fixture
def isolated_cli_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CARECLOUD_* variable from the machine, and a config file that does not exist."""
    for name in list(os.environ):
        if name.startswith("CARECLOUD_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CARECLOUD_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture
def httpx_logs_redacted() -> Iterator[None]:
    """What the README asks of an application that logs httpx at INFO: a ``RedactingFilter``
    on its logger (the SDK never puts one there itself)."""
    from carecloud_async import RedactingFilter

    redacting = RedactingFilter()
    logging.getLogger("httpx").addFilter(redacting)
    yield
    logging.getLogger("httpx").removeFilter(redacting)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def no_wait() -> RetryPolicy:
    return RetryPolicy(wait=False)


def enterprise(recorder: Recorder, **kwargs: Any) -> EnterpriseClient:
    """An EnterpriseClient on the recorder, with login credentials unless told otherwise."""
    settings: dict[str, Any] = {
        "base_url": BASE_URL,
        "transport": recorder.transport,
        "retry_policy": RetryPolicy(wait=False),
    }
    if "bearer_token" not in kwargs:
        settings.update(
            login="ops@example.com", password=SECRET_PASSWORD, external_application_id="app"
        )
    settings.update(kwargs)
    return EnterpriseClient(**settings)
