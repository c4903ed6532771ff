"""A purchase whose answer was lost is never reported as safe to resend unless it is settled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from carecloud_async import (
    APIConnectionError,
    OutcomeUnknownError,
    ResponseParseError,
    ServiceUnavailableError,
)
from carecloud_async.helpers import Checkout, PurchaseOutcomeUnknownError
from tests.conftest import SECRET_TOKEN, Recorder, enterprise, json_response
from tests.spec_examples import request_body_example, schema_example

SEND = "/purchases/actions/send-purchase"
LOOKUP = "/purchases"


def _bill() -> dict[str, Any]:
    return dict(request_body_example("POST", SEND)["bill"], bill_id="BILL-1")


def _purchase(**fields: Any) -> dict[str, Any]:
    values = {
        "purchase_id": "p-1",
        "external_purchase_id": "BILL-1",
        "store_id": "s1",
        "cashdesk_number": "1",
        **fields,
    }
    return dict(schema_example("Purchase"), **values)


def _listing(*purchases: dict[str, Any]) -> httpx.Response:
    return json_response(200, {"purchases": list(purchases), "total_items": len(purchases)})


def _lost_send(lookup: Callable[[httpx.Request], httpx.Response]) -> Recorder:
    """send-purchase answers 502 (it may have been recorded); the lookup answers ``lookup``."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == SEND:
            return httpx.Response(502)
        return lookup(request)

    return Recorder(handle)


def _checkout(client: Any) -> Checkout:
    return Checkout(client, store_id="s1", cashdesk_number=1)


def _refused_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


@pytest.mark.parametrize(
    ("lookup", "cause"),
    [
        (lambda request: httpx.Response(503), ServiceUnavailableError),
        (_refused_connection, APIConnectionError),
        (lambda request: httpx.Response(200, text="<html>maintenance</html>"), ResponseParseError),
    ],
    ids=["503", "connect-error", "unparseable"],
)
async def test_a_failed_lookup_after_a_lost_answer_is_outcome_unknown(
    lookup: Callable[[httpx.Request], httpx.Response], cause: type[Exception]
) -> None:
    """Never a 'safe to repeat' error: the purchase may be recorded."""
    recorder = _lost_send(lookup)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await _checkout(client).send_purchase(_bill())
    error = caught.value
    assert isinstance(error, PurchaseOutcomeUnknownError)
    assert error.bill_id == "BILL-1"
    assert "BILL-1" in str(error)
    assert isinstance(error.__cause__, cause)
    assert error.may_have_reached_server is True
    assert len(recorder.paths(SEND)) == 1


async def test_the_lookup_is_retried_before_giving_up() -> None:
    """A GET is harmless: a 503 on the lookup is retried and the purchase is found."""
    answers = iter([httpx.Response(503), _listing(_purchase())])
    recorder = _lost_send(lambda request: next(answers))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        found = await _checkout(client).send_purchase(_bill())
    assert found.purchase_id == "p-1"
    assert len(recorder.paths(LOOKUP)) == 2
    assert len(recorder.paths(SEND)) == 1


@pytest.mark.parametrize(
    "others",
    [
        [_purchase(purchase_id="p-9", external_purchase_id="SOMEONE-ELSE")],
        [_purchase(purchase_id="p-9", store_id="other-store")],
        [_purchase(purchase_id="p-9", cashdesk_number="7")],
        [],
    ],
    ids=["other-bill", "other-store", "other-cashdesk", "none"],
)
async def test_a_purchase_that_is_not_this_bills_is_not_returned(
    others: list[dict[str, Any]],
) -> None:
    """A server that ignores the filter must not make us return somebody else's purchase."""
    recorder = _lost_send(lambda request: _listing(*others))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(PurchaseOutcomeUnknownError, match="no purchase with this bill_id"):
            await _checkout(client).send_purchase(_bill())
    assert len(recorder.paths(SEND)) == 1


async def test_more_than_one_match_is_outcome_unknown_naming_the_ids() -> None:
    recorder = _lost_send(
        lambda request: _listing(_purchase(purchase_id="p-1"), _purchase(purchase_id="p-2"))
    )
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(PurchaseOutcomeUnknownError) as caught:
            await _checkout(client).send_purchase(_bill())
    assert caught.value.purchase_ids == ["p-1", "p-2"]
    assert "p-1" in str(caught.value)
    assert "p-2" in str(caught.value)


async def test_reconcile_settles_an_unknown_outcome_later() -> None:
    """A caller whose send was cancelled asks again by bill id, without resending."""
    recorder = Recorder(lambda request: _listing(_purchase()))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        found = await _checkout(client).reconcile("BILL-1")
        assert found.purchase_id == "p-1"
        assert await _checkout(client).find_purchase("BILL-2") is None
    assert recorder.paths(SEND) == []
    assert recorder.paths(LOOKUP)[0].url.params["external_purchase_id"] == "BILL-1"


async def test_checkout_calls_pass_their_deadline_on() -> None:
    """Each Checkout method takes deadline= and hands it to the call."""
    seen: list[float | None] = []
    recorder = Recorder(lambda request: json_response(201, {"purchase_id": "p-1"}))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        original = client.call

        async def spy(*args: Any, **kwargs: Any) -> Any:
            seen.append(kwargs.get("deadline"))
            return await original(*args, **kwargs)

        client.call = spy  # type: ignore[method-assign]
        checkout = _checkout(client)
        await checkout.send_purchase(_bill(), deadline=5.0)
        await checkout.assign_customer("BILL-1", customer_id="c1", deadline=4.0)
        await checkout.payment_summary("p-1", deadline=3.0)
    assert seen == [5.0, 4.0, 3.0]
