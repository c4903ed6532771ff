"""How every example gets a client: a real project from CARECLOUD_* variables,
else a running mock at CARECLOUD_MOCK_URL, else a mock started just for the example."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from carecloud_async import EnterpriseClient
from carecloud_async.testing import MockCareCloud


def _mock_client(base_url: str) -> EnterpriseClient:
    return EnterpriseClient(
        base_url=base_url,
        login="example@example.com",
        password="example-password",
        external_application_id="82de12eb8b138791e678fd11c3",
    )


@contextlib.asynccontextmanager
async def enterprise_client() -> AsyncIterator[EnterpriseClient]:
    if os.environ.get("CARECLOUD_PROJECT_URL") or os.environ.get("CARECLOUD_BASE_URL"):
        async with EnterpriseClient.from_env() as client:
            yield client
        return
    running = os.environ.get("CARECLOUD_MOCK_URL")
    if running:
        async with _mock_client(running) as client:
            yield client
        return
    async with (
        MockCareCloud() as mock,
        _mock_client(mock.base_url) as client,
    ):
        yield client
