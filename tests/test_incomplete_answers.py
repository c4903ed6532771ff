"""A 2xx answer that lacks what it declares is an error, never an empty result."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from carecloud_openapi.api.customers import get_customer
from carecloud_openapi.api.purchases import get_purchases

from carecloud_async import ResponseParseError
from tests.conftest import SECRET_TOKEN, Recorder, enterprise


def _answering(body: Any) -> Recorder:
    return Recorder(lambda request: httpx.Response(200, json=body))


@pytest.mark.parametrize(
    "body", [{}, {"data": {}}, {"data": {"total_items": 5}}], ids=["no-data", "empty", "no-list"]
)
async def test_a_list_answer_without_its_list_fails_pagination(body: Any) -> None:
    """An ETL job must not finish 'successfully' with zero purchases."""
    async with enterprise(_answering(body), bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ResponseParseError, match="has no 'data"):
            _ = [item async for item in client.paginate(get_purchases)]
        with pytest.raises(ResponseParseError):
            await client.call(get_purchases)


@pytest.mark.parametrize(
    "body", [{}, {"data": {}}, {"data": {"purchases": None}}], ids=["no-data", "empty", "null-list"]
)
async def test_a_raw_list_answer_without_its_list_fails_too(body: Any) -> None:
    """``raw=True`` skips the models, not the check that the list is there."""
    async with enterprise(_answering(body), bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ResponseParseError, match="has no 'data"):
            _ = [item async for item in client.paginate(get_purchases, raw=True)]
        with pytest.raises(ResponseParseError):
            await client.call(get_purchases, raw=True)


async def test_an_answer_without_data_is_a_parse_error() -> None:
    async with enterprise(_answering({}), bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ResponseParseError, match="'data' member") as caught:
            await client.call(get_customer, customer_id="c1")
    assert caught.value.status == 200


async def test_an_empty_list_is_still_an_empty_list() -> None:
    body = {"data": {"purchases": [], "total_items": 0}}
    async with enterprise(_answering(body), bearer_token=SECRET_TOKEN) as client:
        assert [item async for item in client.paginate(get_purchases)] == []
