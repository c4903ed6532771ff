"""What per-attempt DEBUG logging costs on a call answering 100 purchases.

The same ``get_purchases`` call (100 purchases in the answer, through the full
client stack in this process) runs with the ``carecloud_async`` logger at INFO
and at DEBUG, both writing to an in-memory handler. Budget: DEBUG at most 1.3x
the INFO time. Body logging (its own opt-in, ``carecloud_async.bodies`` at
DEBUG) is shown for information, without a budget.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import statistics
import sys
import time
from typing import Any

import httpx

from carecloud_async import EnterpriseClient

PURCHASES = 100
CALLS = 10
ROUNDS = 21
BUDGET = 1.3


def _purchase(n: int) -> dict[str, Any]:
    record = {
        "property_record_id": f"r-{n}",
        "property_id": "note",
        "property_name": "Note",
        "property_value": "2024-02-02",
        "last_change": "2024-02-02 00:00:00",
    }
    return {
        "purchase_id": f"p-{n:05d}",
        "customer_id": f"c-{n:05d}",
        "store_id": "s-1",
        "external_purchase_id": f"BILL-{n:05d}",
        "payment_time": "2024-02-24 10:00:00",
        "items_count": 2,
        "purchase_items": [
            {
                "purchase_item_id": f"i-{n}-{k}",
                "product_id": f"prod-{k}",
                "product_name": "Coffee beans 1 kg",
                "product_group_id": "g-1",
                "product_group_name": "Coffee",
                "product_brand_id": "b-1",
                "product_brand_name": "Roastery",
                "purchase_item_type_id": "t-1",
                "price": 19.9,
                "amount": 1,
                "vat_rate": 21,
                "additional_properties": [record],
            }
            for k in range(2)
        ],
        "type_id": "t-1",
        "total_price": 39.8,
        "currency_id": "eur",
        "card_number": f"10000000{n:05d}",
        "cashdesk_number": "2",
        "last_change": "2024-02-24 10:00:00",
        "property_records": [record],
    }


BODY = json.dumps(
    {"data": {"purchases": [_purchase(n) for n in range(PURCHASES)], "total_items": PURCHASES}}
).encode()


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODY, headers={"Content-Type": "application/json"})


async def _per_call(client: EnterpriseClient) -> float:
    from carecloud_openapi.api.purchases import get_purchases

    started = time.perf_counter()
    for _ in range(CALLS):
        await client.call(get_purchases, count=PURCHASES)
    return (time.perf_counter() - started) / CALLS


def _configure(package_level: int, bodies_level: int) -> None:
    logging.getLogger("carecloud_async").setLevel(package_level)
    logging.getLogger("carecloud_async.bodies").setLevel(bodies_level)


async def _measure() -> dict[str, list[float]]:
    sink = logging.StreamHandler(io.StringIO())
    sink.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    package = logging.getLogger("carecloud_async")
    package.addHandler(sink)
    package.propagate = False
    settings = {
        "info": (logging.INFO, logging.NOTSET),
        "debug": (logging.DEBUG, logging.NOTSET),
        "debug + bodies": (logging.DEBUG, logging.DEBUG),
    }
    times: dict[str, list[float]] = {name: [] for name in settings}
    try:
        async with EnterpriseClient(
            base_url="http://127.0.0.1:1",
            bearer_token="bench",
            transport=httpx.MockTransport(_answer),
        ) as client:
            _configure(logging.INFO, logging.NOTSET)
            await _per_call(client)  # warm-up: imports, caches
            for _ in range(ROUNDS):  # interleaved, so drift hits every setting alike
                for name, (package_level, bodies_level) in settings.items():
                    _configure(package_level, bodies_level)
                    times[name].append(await _per_call(client))
    finally:
        package.removeHandler(sink)
        package.propagate = True
        _configure(logging.NOTSET, logging.NOTSET)
    return times


def main() -> int:
    times = asyncio.run(_measure())
    # Each round's setting against that round's INFO run, then the median round: a slow
    # spell of a shared machine hits both members of a pair.
    ratios = {
        name: statistics.median(t / i for t, i in zip(values, times["info"], strict=True))
        for name, values in times.items()
    }
    ratio = ratios["debug"]
    print(f"logging cost: get_purchases answering {PURCHASES} purchases ({len(BODY)} bytes)")
    for name, values in times.items():
        seconds = statistics.median(values)
        print(f"  {name:<16} {seconds * 1000:7.2f} ms per call  ({ratios[name]:.2f}x INFO)")
    print(f"  DEBUG / INFO {ratio:.2f}x (median of {ROUNDS} rounds; budget {BUDGET}x)")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
