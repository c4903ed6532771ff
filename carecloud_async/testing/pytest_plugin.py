"""pytest fixtures for code that uses carecloud-async; installed with the package.

The plugin only defines fixtures: nothing runs and nothing heavy is imported
until a test asks for one.

- ``carecloud_router``: a fresh :class:`~carecloud_async.testing.MockRouter`
  per test, for overrides (``respond``) and assertions (``calls_to``).
- ``carecloud_enterprise`` / ``carecloud_customer``: clients answered by that
  router (no network, no sleeping between retries).
- ``carecloud_mock_server``: one Prism-backed
  :class:`~carecloud_async.testing.MockCareCloud` per session; the tests that
  use it are skipped, with the install command, when Prism is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from carecloud_async._client import CustomerClient, EnterpriseClient
    from carecloud_async.testing import MockCareCloud, MockRouter

__all__ = [
    "carecloud_customer",
    "carecloud_enterprise",
    "carecloud_mock_server",
    "carecloud_router",
]


@pytest.fixture
def carecloud_router() -> MockRouter:
    """An in-process mock CareCloud answering from the spec's examples."""
    from carecloud_async.testing import MockRouter

    return MockRouter()


@pytest.fixture
def carecloud_enterprise(carecloud_router: MockRouter) -> EnterpriseClient:
    """An ``EnterpriseClient`` whose every request is answered by ``carecloud_router``.

    Its transport holds no sockets, so a sync fixture can hand it out without
    closing it; ``async with carecloud_enterprise as client:`` works as well.
    """
    return carecloud_router.enterprise_client()


@pytest.fixture
def carecloud_customer(carecloud_router: MockRouter) -> CustomerClient:
    """A ``CustomerClient`` whose every request is answered by ``carecloud_router``."""
    return carecloud_router.customer_client()


@pytest.fixture(scope="session")
def carecloud_mock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockCareCloud]:
    """Prism serving the pinned spec on a loopback port, once per session."""
    from carecloud_async.testing import MockCareCloud, MockServerError, find_prism

    try:
        find_prism()
    except MockServerError as exc:
        pytest.skip(str(exc))
    log = tmp_path_factory.mktemp("carecloud-mock") / "prism.log"
    with MockCareCloud(log_path=log) as mock:
        yield mock
