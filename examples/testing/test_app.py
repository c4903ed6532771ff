"""Tests of app.py with the fixtures that carecloud-async installs into pytest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from app import app, carecloud

from carecloud_async import EnterpriseClient
from carecloud_async.testing import MockCareCloud, MockRouter


def _service_with(client: EnterpriseClient) -> httpx.AsyncClient:
    app.dependency_overrides[carecloud] = lambda: client
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service")


@pytest.fixture
async def service(carecloud_enterprise: EnterpriseClient) -> AsyncIterator[httpx.AsyncClient]:
    """The app, its CareCloud client answered by the in-process mock."""
    async with _service_with(carecloud_enterprise) as http:
        yield http
    app.dependency_overrides.clear()


async def test_store_card_shows_the_store_from_carecloud(
    service: httpx.AsyncClient, carecloud_router: MockRouter
) -> None:
    """The handler asks CareCloud for the store it was given and shows its name."""
    answer = await service.get("/stores/s-1")
    assert answer.status_code == 200
    assert answer.json()["name"] == carecloud_router.example("getStore")["data"]["name"]
    assert carecloud_router.calls_to("getStore")[0].path_params == {"store_id": "s-1"}


async def test_an_unknown_store_is_a_404(
    service: httpx.AsyncClient, carecloud_router: MockRouter
) -> None:
    """CareCloud's 404 becomes the service's own 404."""
    carecloud_router.respond("getStore", status=404)
    answer = await service.get("/stores/missing")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "unknown store"}


async def test_store_card_through_prism(carecloud_mock_server: MockCareCloud) -> None:
    """The same handler end to end over a real socket (skipped without Prism)."""
    async with EnterpriseClient(
        base_url=carecloud_mock_server.base_url,
        login="user",
        password="secret",
        external_application_id="app",
    ) as client:
        async with _service_with(client) as http:
            answer = await http.get("/stores/s-1")
        app.dependency_overrides.clear()
    assert answer.status_code == 200
    assert answer.json()["name"]
