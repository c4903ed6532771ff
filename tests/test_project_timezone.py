"""Whatever ``project_timezone`` says (or does not say), at most one login per token lifetime
plus one per 401: a project-local ``valid_to`` that cannot be placed in time is not used to
refresh early; the token is renewed when the server refuses it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from carecloud_openapi.api.stores import get_stores

from carecloud_async._auth import EnterpriseAuth
from carecloud_async._client import EnterpriseClient
from tests.conftest import BASE_URL, SECRET_PASSWORD, FakeClock, Recorder, enterprise, json_response

LIFETIME = timedelta(hours=1)
HOURS = 5


@dataclass
class _Project:
    """A CareCloud project in ``zone`` issuing one-hour tokens and refusing expired ones."""

    zone: str
    clock: FakeClock
    expiry: dict[str, datetime] = field(default_factory=dict)
    logins: int = 0
    refusals: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        now = self.clock.wall()
        if request.url.path.endswith("/users/actions/login"):
            self.logins += 1
            token = f"token-{self.logins}"
            self.expiry[token] = now + LIFETIME
            local = (now + LIFETIME).astimezone(ZoneInfo(self.zone))
            valid_to = local.strftime("%Y-%m-%d %H:%M:%S")  # project-local, no offset
            return json_response(200, {"bearer_token": token, "valid_to": valid_to})
        token = request.headers["authorization"].removeprefix("Bearer ")
        if now >= self.expiry[token]:
            self.refusals += 1
            return json_response(401, None)
        return json_response(200, {"stores": [], "total_items": 0})


def _client(project: _Project, clock: FakeClock, zone: str | None) -> EnterpriseClient:
    client = enterprise(Recorder(project))
    auth = EnterpriseAuth(
        base_url=BASE_URL,
        login="ops@example.com",
        password=SECRET_PASSWORD,
        external_application_id="app",
        project_timezone=None if zone is None else ZoneInfo(zone),
        clock=clock,
        wall_clock=clock.wall,
    )
    http = client.http
    auth.bind(lambda request: http.send(request, auth=None))
    client.auth = auth
    return client


async def _a_call_a_minute(client: EnterpriseClient, clock: FakeClock) -> None:
    for _ in range(HOURS * 60):
        await client.call(get_stores)
        clock.advance(60)


ZONES = ["Pacific/Kiritimati", "Pacific/Honolulu", "America/Los_Angeles", "Europe/Prague"]


@pytest.mark.parametrize("real_zone", ZONES)
async def test_without_the_zone_logins_follow_the_401s(
    real_zone: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """UTC+14, UTC-10 and UTC-8 with project_timezone not given: one login per token."""
    caplog.set_level(logging.WARNING, logger="carecloud_async")
    project = _Project(real_zone, clock)
    async with _client(project, clock, zone=None) as client:
        await _a_call_a_minute(client, clock)
    assert project.logins <= HOURS + 1 + project.refusals
    assert project.logins <= HOURS + 1
    warnings = [r for r in caplog.records if "project_timezone" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize("real_zone", ZONES)
async def test_with_the_right_zone_the_token_is_refreshed_before_it_expires(
    real_zone: str, clock: FakeClock
) -> None:
    project = _Project(real_zone, clock)
    async with _client(project, clock, zone=real_zone) as client:
        await _a_call_a_minute(client, clock)
    assert project.refusals == 0
    assert project.logins <= HOURS + 1


@pytest.mark.parametrize(
    ("real_zone", "configured"),
    [
        ("America/Los_Angeles", "UTC"),
        ("Pacific/Honolulu", "Pacific/Kiritimati"),
        ("Pacific/Kiritimati", "Pacific/Honolulu"),
    ],
)
async def test_a_wrong_zone_costs_no_more_than_one_login_per_token_plus_one_per_401(
    real_zone: str, configured: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="carecloud_async")
    project = _Project(real_zone, clock)
    async with _client(project, clock, zone=configured) as client:
        await _a_call_a_minute(client, clock)
    assert project.logins <= HOURS + 1 + project.refusals
    assert project.logins <= 2 * HOURS + 1
    assert len([r for r in caplog.records if "not plausible" in r.getMessage()]) <= 1


async def test_the_client_passes_a_missing_zone_on_as_not_given() -> None:
    """EnterpriseClient without project_timezone does not pretend the project is on UTC."""
    client = enterprise(Recorder(lambda request: json_response(200, {})))
    assert isinstance(client.auth, EnterpriseAuth)
    assert client.auth._zone is None
    given = enterprise(
        Recorder(lambda request: json_response(200, {})), project_timezone="Pacific/Honolulu"
    )
    assert isinstance(given.auth, EnterpriseAuth)
    assert given.auth._zone == ZoneInfo("Pacific/Honolulu")
