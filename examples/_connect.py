"""How every example gets a client: a real project from CARECLOUD_* variables,
else a running mock at CARECLOUD_MOCK_URL, else a mock started just for the example."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from carecloud_async import EnterpriseClient
from carecloud_async.testing import MockCareCloud

MOCK_LOGIN = {
    "login": "example@example.com",
    "password": "example-password",
    "external_application_id": "82de12eb8b138791e678fd11c3",
}


@contextlib.asynccontextmanager
async def enterprise_client() -> AsyncIterator[EnterpriseClient]:
    if os.environ.get("CARECLOUD_PROJECT_URL") or os.environ.get("CARECLOUD_BASE_URL"):
        async with EnterpriseClient.from_env() as client:
            yield client
        return
    running = os.environ.get("CARECLOUD_MOCK_URL")
    if running:
        async with EnterpriseClient(base_url=running, **MOCK_LOGIN) as client:
            yield client
        return
    async with (
        MockCareCloud() as mock,
        EnterpriseClient(base_url=mock.base_url, **MOCK_LOGIN) as client,
    ):
        yield client
