"""Every operation of the pinned spec, sent through the facade to Prism.

Prism checks each request against the pinned (not normalized) spec, so a
normalization fix or a template can never hide a mismatch: no ``sl-violations``
header, a 2xx, and an answer that parses into the generated model.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from carecloud_async import (
    AuthenticationError,
    CustomerClient,
    DeviceInfo,
    EnterpriseClient,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServiceUnavailableError,
    operation_of,
)
from carecloud_async.testing import MockCareCloud
from tests.contract.conftest import RESULTS
from tests.contract.requests import all_operations, build_call

OPERATIONS = all_operations()
RESULTS["total"] = len(OPERATIONS)


class ViolationLog:
    """Collects Prism's sl-violations headers, keyed by request path."""

    def __init__(self) -> None:
        self.by_path: dict[str, str] = {}

    async def __call__(self, response: httpx.Response) -> None:
        violations = response.headers.get("sl-violations")
        if violations:
            self.by_path[response.request.url.path] = violations


@pytest.fixture
async def clients(
    carecloud_mock: MockCareCloud,
) -> AsyncIterator[tuple[dict[str, Any], ViolationLog]]:
    violations = ViolationLog()
    no_wait = RetryPolicy(wait=False, max_retries=0)
    enterprise = EnterpriseClient(
        base_url=carecloud_mock.base_url,
        login="integration@example.com",
        password="example-password",
        external_application_id="82de12eb8b138791e678fd11c3",
        retry_policy=no_wait,
        strict=True,  # an example that does not match its model fails, not just logs
    )
    customer = CustomerClient(
        base_url=carecloud_mock.base_url,
        external_application_id="82de12eb8b138791e678fd11c3",
        device=DeviceInfo(device_id="00000000-89ABCDEF-01234567-89ABCDEF"),
        retry_policy=no_wait,
        strict=True,
    )
    for client in (enterprise, customer):
        client.http.event_hooks["response"].append(violations)
    async with enterprise, customer:
        yield {"enterprise": enterprise, "customer": customer}, violations


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
async def test_operation_round_trips_through_the_mock(
    clients: tuple[dict[str, Any], ViolationLog], method: str, path: str
) -> None:
    """A request built from the spec's examples is accepted and its answer parses."""
    by_api, violations = clients
    module, kwargs = build_call(method, path)
    operation = operation_of(module)
    client = by_api["enterprise" if operation.served_by("enterprise") else "customer"]
    try:
        response = await client.call_raw(module, **kwargs)
    except Exception as exc:
        raise AssertionError(f"{exc!r}; violations: {violations.by_path}") from exc
    assert violations.by_path == {}
    assert 200 <= response.status < 300
    if response.status != 204:
        assert response.parsed is not None
        assert type(response.parsed).__module__.startswith("carecloud_openapi.models.")
    RESULTS["passed"].add(f"{method} {path}")


ERROR_PATHS = [
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (405, MethodNotAllowedError),
    (429, RateLimitError),
    (503, ServiceUnavailableError),
]
SAMPLE = [("GET", "/customers"), ("GET", "/purchases/{purchase_id}"), ("POST", "/events")]


@pytest.mark.parametrize(("status", "error_class"), ERROR_PATHS)
@pytest.mark.parametrize(("method", "path"), SAMPLE)
async def test_documented_error_answers_map_to_typed_errors(
    clients: tuple[dict[str, Any], ViolationLog],
    method: str,
    path: str,
    status: int,
    error_class: type[Exception],
) -> None:
    """Prism's `Prefer: code=N` answers become the matching typed error."""
    by_api, _ = clients
    module, kwargs = build_call(method, path)
    with pytest.raises(error_class) as caught:
        await by_api["enterprise"].call(module, headers={"Prefer": f"code={status}"}, **kwargs)
    assert getattr(caught.value, "status", None) == status
