"""``deadline=`` bounds the wall-clock time of the whole call, not each read."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from carecloud_openapi.api.purchases import post_purchase_send
from carecloud_openapi.api.stores import get_stores

from carecloud_async import APITimeoutError, ConfigurationError, OutcomeUnknownError
from carecloud_async.helpers import Checkout, PurchaseOutcomeUnknownError
from tests.conftest import SECRET_TOKEN, Recorder, enterprise, json_response
from tests.spec_examples import request_body_example

SEND = "/purchases/actions/send-purchase"
DEADLINE = 0.05
"""Short: the server below never finishes, so this is all the test waits."""


class _Trickle(httpx.AsyncByteStream):
    """A body that sends one byte and then nothing more: each read is 'in time', the whole is not."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        await asyncio.Event().wait()


def _trickling(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=_Trickle())


async def _timed(coroutine: Any) -> tuple[BaseException, float]:
    started = time.monotonic()
    try:
        await asyncio.wait_for(coroutine, 2.0)  # a guard so a broken deadline fails, not hangs
    except Exception as exc:
        return exc, time.monotonic() - started
    raise AssertionError("the call did not fail")


async def test_a_read_that_never_ends_is_cut_at_the_deadline() -> None:
    recorder = Recorder(_trickling)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        error, elapsed = await _timed(client.call(get_stores, deadline=DEADLINE))
    assert isinstance(error, APITimeoutError)
    assert "deadline" in str(error)
    assert elapsed < 1.0


async def test_a_write_cut_by_the_deadline_is_outcome_unknown() -> None:
    recorder = Recorder(_trickling)
    body = request_body_example("POST", SEND)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        error, elapsed = await _timed(client.call(post_purchase_send, body=body, deadline=DEADLINE))
    assert isinstance(error, OutcomeUnknownError)
    assert error.may_have_reached_server
    assert elapsed < 1.0
    assert len(recorder.paths(SEND)) == 1


async def test_a_write_still_waiting_for_its_login_was_not_sent() -> None:
    """The deadline covers the wait for a login; nothing of the call reached the server."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/actions/login"):
            await asyncio.Event().wait()  # the login never answers
        return json_response(200, {})

    recorder = Recorder(handle)
    body = request_body_example("POST", SEND)
    async with enterprise(recorder) as client:
        error, elapsed = await _timed(client.call(post_purchase_send, body=body, deadline=DEADLINE))
    assert type(error) is APITimeoutError
    assert error.may_have_reached_server is False
    assert "nothing was sent" in str(error)
    assert recorder.paths(SEND) == []
    assert elapsed < 1.0


async def test_the_checkout_reports_a_purchase_cut_by_its_deadline_as_unknown() -> None:
    recorder = Recorder(_trickling)
    bill = request_body_example("POST", SEND)["bill"]
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        checkout = Checkout(client, store_id="s1", cashdesk_number=1)
        with pytest.raises(PurchaseOutcomeUnknownError) as caught:
            await checkout.send_purchase(bill, deadline=DEADLINE)
    assert caught.value.bill_id == bill["bill_id"]
    assert len(recorder.paths(SEND)) == 1


@pytest.mark.parametrize("deadline", [0, -1.0])
async def test_a_deadline_must_be_positive(deadline: float) -> None:
    recorder = Recorder(_trickling)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ConfigurationError, match="deadline"):
            await client.call(get_stores, deadline=deadline)
    assert recorder.requests == []
