"""What the input checks add to a call, measured against a call on an in-process mock.

The checks run once per call, before anything is sent: the parameters of a list
call and a purchase body with nested bill items are timed through
``client.call_raw`` with the checks on and off (the mock answers at once, so the
numbers are the SDK's own work, not the network's).

Budget: the checks add at most 1 ms to a call with a purchase body, and at most
0.2 ms to a list call with a few query parameters.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any
from unittest import mock

import httpx

ROUNDS = 7
CALLS = 200
LIST_BUDGET_MS = 0.2
BODY_BUDGET_MS = 1.0


def _answer(request: httpx.Request) -> httpx.Response:
    if request.method == "POST":
        return httpx.Response(201, json={"data": {"purchase_id": "p-1"}})
    return httpx.Response(200, json={"data": {"stores": [], "total_items": 0}})


async def _per_call_ms(call: Callable[[], Coroutine[Any, Any, Any]]) -> float:
    for _ in range(20):
        await call()
    start = time.perf_counter()
    for _ in range(CALLS):
        await call()
    return (time.perf_counter() - start) / CALLS * 1000


async def _measure() -> dict[str, tuple[float, float]]:
    from carecloud_openapi.api.purchases import post_purchase_send
    from carecloud_openapi.api.stores import get_stores
    from carecloud_openapi.models import GetStoresSortDirection

    from carecloud_async import EnterpriseClient
    from tests.spec_examples import request_body_example

    body = request_body_example("POST", "/purchases/actions/send-purchase")
    client = EnterpriseClient(
        base_url="http://127.0.0.1:9", bearer_token="t", transport=httpx.MockTransport(_answer)
    )
    calls: dict[str, Callable[[], Coroutine[Any, Any, Any]]] = {
        "list call (3 query parameters)": lambda: client.call_raw(
            get_stores, count=50, offset=0, sort_direction=GetStoresSortDirection.DESC
        ),
        "purchase with a dict body": lambda: client.call_raw(post_purchase_send, body=body),
    }
    results = {}
    async with client:
        for name, call in calls.items():
            # alternate, so that a busy moment of the machine hits both sides alike
            checked, unchecked = [], []
            for _ in range(ROUNDS):
                checked.append(await _per_call_ms(call))
                with (
                    mock.patch("carecloud_async._pipeline.check_params", return_value=None),
                    mock.patch("carecloud_async._pipeline.check_body", return_value=None),
                ):
                    unchecked.append(await _per_call_ms(call))
            results[name] = (min(unchecked), min(checked))
    return results


def main() -> int:
    results = asyncio.run(_measure())
    failures = 0
    budgets = [LIST_BUDGET_MS, BODY_BUDGET_MS]
    for (name, (unchecked, checked)), budget in zip(results.items(), budgets, strict=True):
        added = checked - unchecked
        verdict = "ok" if added <= budget else "OVER BUDGET"
        failures += added > budget
        print(
            f"{name}: {unchecked:.3f} ms without checks, {checked:.3f} ms with "
            f"({added:+.3f} ms, budget {budget} ms) {verdict}"
        )
    print(f"(best of {ROUNDS} rounds of {CALLS} calls each)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
