"""Bracket arrays and formatted date-times against Prism: the pinned spec accepts them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from carecloud_async import EnterpriseClient, RetryPolicy
from carecloud_async.testing import MockCareCloud
from tests.spec_examples import request_body_example


class Seen:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.violations: list[str] = []

    async def __call__(self, response: httpx.Response) -> None:
        self.requests.append(response.request)
        if "sl-violations" in response.headers:
            self.violations.append(
                f"{response.request.url.path}: {response.headers['sl-violations']}"
            )


@pytest.fixture
async def client(carecloud_mock: MockCareCloud) -> AsyncIterator[tuple[EnterpriseClient, Seen]]:
    seen = Seen()
    enterprise = EnterpriseClient(
        base_url=carecloud_mock.base_url,
        login="integration@example.com",
        password="example-password",
        external_application_id="82de12eb8b138791e678fd11c3",
        project_timezone="Europe/Prague",
        retry_policy=RetryPolicy(wait=False, max_retries=0),
    )
    enterprise.http.event_hooks["response"].append(seen)
    async with enterprise:
        yield enterprise, seen
    assert seen.violations == []


async def test_multi_value_and_datetime_filters_are_accepted(
    client: tuple[EnterpriseClient, Seen],
) -> None:
    """Two-value filters in bracket form and datetime filters pass Prism's request check."""
    from carecloud_openapi.api.customers import get_customers
    from carecloud_openapi.api.purchases import get_purchases
    from carecloud_openapi.api.vouchers import get_vouchers

    enterprise, seen = client
    await enterprise.call(get_customers, customer_ids=["a1", "b2"], email_list=["a@b.cz"])
    await enterprise.call(get_vouchers, reward_id=["r1", "r2"])
    await enterprise.call(
        get_purchases,
        payment_time_from=datetime(2030, 1, 1, tzinfo=UTC),
        payment_time_to="2030-01-31T23:00:00Z",
    )
    queries = [r.url.params for r in seen.requests if r.method == "GET"]
    assert queries[0].get_list("customer_ids[]") == ["a1", "b2"]
    assert queries[1].get_list("reward_id[]") == ["r1", "r2"]
    assert queries[2]["payment_time_from"] == "2030-01-01 01:00:00"
    assert queries[2]["payment_time_to"] == "2030-02-01 00:00:00"


async def test_a_body_with_datetime_values_is_accepted(
    client: tuple[EnterpriseClient, Seen],
) -> None:
    """A voucher batch whose validity is given as datetimes passes the body check."""
    from carecloud_openapi.api.vouchers import post_bulk_vouchers

    enterprise, seen = client
    body = request_body_example("POST", "/vouchers/batch")
    for voucher in body["vouchers"]:
        voucher["valid_from"] = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
        voucher["valid_to"] = datetime(2030, 12, 31, 22, 0, tzinfo=UTC)
    await enterprise.call(post_bulk_vouchers, body=body)
    assert b'"valid_to":"2030-12-31 23:00:00"' in seen.requests[-1].content
