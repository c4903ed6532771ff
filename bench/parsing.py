"""Cost of the typed response path, as ratios measured in one run.

- models: ``json.loads`` + generated ``from_dict`` of 1,000 purchases with nested
  items and property records, against ``json.loads`` alone (budget 2.0x).
- call: ``client.call`` on a 100-purchase page against bare ``httpx`` +
  ``.json()``, both over a real loopback socket to a server in another process;
  client-side CPU time per request (budget 1.6x).
- datetimes: ``parse_project_datetime`` against ``datetime.fromisoformat``
  (budget 1.5x).
"""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

PURCHASES = 1000
PAGE = 100
BUDGETS = {"models": 2.0, "call": 1.6, "call raw": 1.1, "datetimes": 1.5}


def _property_records(seed: int) -> list[dict[str, Any]]:
    return [
        {
            "property_record_id": f"note:{seed:026x}",
            "property_id": "note",
            "property_name": "Note",
            "property_value": f"delivered to desk {seed % 7}",
            "last_change": "2024-02-02 10:11:12",
        },
        {
            "property_record_id": f"visits:{seed:026x}",
            "property_id": "visits",
            "property_name": "Visits",
            "property_value": seed % 40,
            "last_change": "2024-02-02 10:11:12",
        },
        {
            "property_record_id": f"colour:{seed:026x}",
            "property_id": "colour",
            "property_name": "Colour",
            "property_value": [
                {"id": "86e05affc7a7abefcd513ab400", "name": "Blue", "state": 1},
            ],
            "last_change": "2024-02-02 10:11:12",
        },
    ]


def purchase(seed: int) -> dict[str, Any]:
    """One purchase as the API sends it with items and property records included."""
    items = [
        {
            "purchase_item_id": f"{seed:020x}{n:06x}",
            "product_id": f"{seed % 97:026x}",
            "purchase_item_type_id": "8bed991c68a470e7aaeffbf048",
            "price": 129.9 + n,
            "amount": 1 + n,
            "vat_rate": 21,
            "product_name": f"Product {seed % 97}",
            "product_group_id": "81eaeea13b8984a169c490a325",
            "product_group_name": "Drinks",
            "product_brand_id": "86e05affc7a7abefcd513ab400",
            "product_brand_name": "Brand",
            "external_id": f"EXT{seed}-{n}",
            "additional_properties": _property_records(seed + n)[:1],
        }
        for n in range(3)
    ]
    return {
        "purchase_id": f"{seed:026x}",
        "customer_id": "8ea2591121e636086a4a9c0992",
        "store_id": "81eaeea13b8984a169c490a325",
        "external_purchase_id": f"D67X{seed:06d}",
        "payment_time": "2021-02-24 12:00:00",
        "items_count": len(items),
        "type_id": "86e05affc7a7abefcd513ab400",
        "total_price": 660.5,
        "currency_id": "8bed991c68a470e7aaeffbf048",
        "cashdesk_number": "2a",
        "card_number": "1000000000016",
        "last_change": "2021-02-24 12:00:01",
        "purchase_items": items,
        "property_records": _property_records(seed),
    }


def page_body(count: int, offset: int = 0) -> bytes:
    purchases = [purchase(offset + i) for i in range(count)]
    return json.dumps({"data": {"purchases": purchases, "total_items": count}}).encode()


@dataclass
class Timings:
    """Best CPU seconds per call of each subject, and each one's median ratio to the first."""

    best: list[float]
    ratios: list[float]


def _paired(samples: list[list[float]]) -> Timings:
    """Ratios from runs taken side by side: each round's subject against the same round's
    baseline, then the median over rounds. A slow spell of a shared machine slows both
    members of a pair, so it cancels out instead of landing on one side."""
    rounds = list(zip(*samples, strict=True))
    return Timings(
        best=[min(column) for column in samples],
        ratios=[statistics.median(r[i] / r[0] for r in rounds) for i in range(len(samples))],
    )


def _compare(subjects: list[Callable[[], object]], calls: int, rounds: int = 31) -> Timings:
    """CPU seconds per call of each subject over ``rounds`` interleaved runs of ``calls``."""
    samples: list[list[float]] = [[] for _ in subjects]
    gc.collect()
    for _ in range(rounds):
        for column, func in zip(samples, subjects, strict=True):
            started = time.process_time()
            for _ in range(calls):
                func()
            column.append((time.process_time() - started) / calls)
    return _paired(samples)


def bench_models() -> float:
    from carecloud_openapi.models import GetPurchasesGetPurchases200Response as Model

    body = page_body(PURCHASES)
    timings = _compare([lambda: json.loads(body), lambda: Model.from_dict(json.loads(body))], 2)
    (loads, typed), ratio = timings.best, timings.ratios[1]
    print(f"models: {PURCHASES} purchases with items and property records")
    print(f"  json.loads                 {loads * 1000:8.2f} ms")
    print(f"  json.loads + from_dict     {typed * 1000:8.2f} ms")
    print(f"  ratio {ratio:.2f}x (budget {BUDGETS['models']}x)")
    return ratio


_SERVER = """
import socket, sys, threading
body = sys.stdin.buffer.read()
head = b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: %d\\r\\n\\r\\n" % len(body)
answer = head + body
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(16)
print(srv.getsockname()[1], flush=True)
def serve(conn):
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return
        buf += data
        while b"\\r\\n\\r\\n" in buf:
            _, buf = buf.split(b"\\r\\n\\r\\n", 1)
            conn.sendall(answer)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
"""


async def _cpu_per_request(sends: list[Callable[[], Any]], calls: int, rounds: int) -> Timings:
    """Client CPU seconds per request of each sender, over ``rounds`` interleaved runs."""
    for send in sends:
        for _ in range(5):  # warm up the pool and the caches
            await send()
    samples: list[list[float]] = [[] for _ in sends]
    gc.collect()
    for _ in range(rounds):
        for column, send in zip(samples, sends, strict=True):
            started = time.process_time()
            for _ in range(calls):
                await send()
            column.append((time.process_time() - started) / calls)
    return _paired(samples)


async def _call_timings(port: int) -> Timings:
    import httpx
    from carecloud_openapi.api.purchases import get_purchases

    from carecloud_async import EnterpriseClient

    base = f"http://127.0.0.1:{port}"
    async with (
        httpx.AsyncClient(base_url=base) as bare,
        EnterpriseClient(base_url=base, bearer_token="bench") as client,
    ):

        async def bare_call() -> Any:
            response = await bare.get("/purchases", params={"count": PAGE, "offset": 0})
            return response.json()

        async def sdk_call() -> Any:
            return await client.call(get_purchases, count=PAGE, offset=0)

        async def raw_call() -> Any:
            return await client.call(get_purchases, count=PAGE, offset=0, raw=True)

        return await _cpu_per_request([bare_call, sdk_call, raw_call], 2, 301)


def bench_call() -> tuple[float, float]:
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert server.stdin is not None
        assert server.stdout is not None
        server.stdin.write(page_body(PAGE))
        server.stdin.close()
        port = int(server.stdout.readline())
        with socket.create_connection(("127.0.0.1", port)):
            pass
        timings = asyncio.run(_call_timings(port))
    finally:
        server.kill()
        server.wait()
    from carecloud_async._reading import loads

    bare_cpu, sdk_cpu, raw_cpu = timings.best
    _, ratio, raw_ratio = timings.ratios
    decoder = loads.__module__ or "json"
    print(f"call: one page of {PAGE} purchases over loopback, client CPU per request")
    print(f"  httpx + .json()            {bare_cpu * 1000:8.2f} ms")
    print(f"  client.call (typed)        {sdk_cpu * 1000:8.2f} ms")
    print(f"  client.call raw=True       {raw_cpu * 1000:8.2f} ms  ({decoder})")
    print(f"  ratio typed {ratio:.2f}x (budget {BUDGETS['call']}x)")
    print(f"  ratio raw   {raw_ratio:.2f}x (budget {BUDGETS['call raw']}x)")
    return ratio, raw_ratio


def _datetime_texts(count: int) -> list[str]:
    """Distinct project-local date-times spread over a year, both sides of the DST changes."""
    start = datetime(2024, 1, 1, 8, 0, 0)
    return [str(start + timedelta(minutes=527 * n + n % 60, seconds=n % 60)) for n in range(count)]


def bench_datetimes() -> float:
    from carecloud_async import parse_project_datetime

    texts = _datetime_texts(1000)
    with_offsets = [f"{text}+01:00" for text in texts]
    fromisoformat = datetime.fromisoformat
    timings = _compare(
        [
            lambda: [fromisoformat(text) for text in texts],
            lambda: [parse_project_datetime(text, "Europe/Prague") for text in texts],
            lambda: [fromisoformat(text) for text in with_offsets],
        ],
        5,
    )
    (plain, ours, offset), (_, ratio, offset_ratio) = timings.best, timings.ratios
    per = 1e6 / len(texts)
    print(f"datetimes: {len(texts)} distinct 'YYYY-MM-DD HH:MM:SS' values, Europe/Prague")
    print(f"  datetime.fromisoformat     {plain * per:8.3f} us  (naive)")
    print(f"  parse_project_datetime     {ours * per:8.3f} us  (aware, zoneinfo)")
    print(f"  fromisoformat '...+01:00'  {offset * per:8.3f} us  (aware, fixed offset; reference)")
    print(
        f"  ratio {ratio:.2f}x (budget {BUDGETS['datetimes']}x); the reference {offset_ratio:.2f}x"
    )
    return ratio


def main() -> int:
    # The models first: bench_call leaves httpx, asyncio and the facade loaded (some 30,000
    # more objects), and every full collection during bench_models would walk them too.
    models = bench_models()
    call, call_raw = bench_call()
    ratios = {
        "models": models,
        "call": call,
        "call raw": call_raw,
        "datetimes": bench_datetimes(),
    }
    over = [name for name, ratio in ratios.items() if ratio > BUDGETS[name]]
    if over:
        print(f"  over budget: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
