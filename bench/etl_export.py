"""``carecloud export`` of purchases to Parquet, and to JSON Lines, against bare baselines.

Three budgets, measured side by side in one run against one loopback fake in a process
of its own (see ``bench._side_by_side``):

- Parquet export of 25,000 purchases (``run_export``: raw pages -> Arrow batches ->
  part file -> Parquet) against bare httpx + ``json.loads`` + ``pyarrow.Table.from_pylist``
  + ``pyarrow.parquet.write_table`` (same page size, same pages in flight): <= 1.2x;
- JSON Lines export against the library's raw walk (``paginate(..., raw=True)``): <= 1.1x
  (the export reads each item's text, ``raw="bytes"``, without decoding it; the export
  over a walk of those texts is shown too: what writing the lines durably costs);
- peak RSS of the real ``carecloud export -o x.parquet`` command at 250,000 purchases
  <= 1.5x of that at 25,000 (flat memory).

Each ratio is the subject's median over its baseline's, over 15 rounds that rotate
which side runs first.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench._child_peak import cli_peak_mb
from bench._side_by_side import fake_in_own_process, ratio_of_medians, rotated_round
from carecloud_async._call_options import RawReading

ITEMS = 25_000
LARGE = 250_000
PAGE_SIZE = 500
CONCURRENCY = 4
ROUNDS = 15
ZONE = "Europe/Prague"
PARQUET_BUDGET = 1.2
JSONL_BUDGET = 1.1
MEMORY_BUDGET = 1.5


def purchase(index: int) -> dict[str, Any]:
    """One purchase as getPurchases lists it (no includes)."""
    day = 1 + index % 28
    return {
        "purchase_id": f"p{index:09d}",
        "customer_id": f"c{index % 5000:08d}",
        "store_id": f"s{index % 40:04d}",
        "external_purchase_id": f"X{index}",
        "payment_time": f"2024-03-{day:02d} {index % 24:02d}:{index % 60:02d}:00",
        "items_count": 1 + index % 7,
        "type_id": "t1",
        "total_price": round(10 + (index % 1000) * 0.37, 2),
        "currency_id": "czk",
        "card_number": f"{index:012d}",
        "cashdesk_number": str(index % 9),
        "last_change": f"2024-03-{day:02d} 23:59:{index % 60:02d}",
    }


def serve_purchases(fake: Any, size: int) -> None:
    """Answer GET /purchases from ``size`` generated purchases."""
    cache: dict[tuple[int, int], tuple[int, Any]] = {}

    def answer(query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        count, offset = int(query["count"][0]), int(query["offset"][0])
        found = cache.get((offset, count))
        if found is None:
            items = [purchase(i) for i in range(offset, min(offset + count, size))]
            found = (200, {"data": {"purchases": items, "total_items": size}})
            if size <= ITEMS:
                cache[(offset, count)] = found
        return found

    fake.routes[("GET", "/purchases")] = answer


def _client(base_url: str) -> Any:
    from carecloud_async import EnterpriseClient
    from tests._fake_collection import TOKEN

    return EnterpriseClient(base_url=base_url, bearer_token=TOKEN, project_timezone=ZONE)


async def _bare_parquet(base_url: str, out: Path) -> float:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests._fake_collection import TOKEN

    started = time.perf_counter()
    headers = {"authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as http:
        limit = asyncio.Semaphore(CONCURRENCY)

        async def page(offset: int) -> list[Any]:
            async with limit:
                answer = await http.get("/purchases", params={"count": PAGE_SIZE, "offset": offset})
            items: list[Any] = json.loads(answer.content)["data"]["purchases"]
            return items

        pages = await asyncio.gather(*(page(o) for o in range(0, ITEMS, PAGE_SIZE)))
    table = pa.Table.from_pylist([item for items in pages for item in items])
    pq.write_table(table, out)
    elapsed = time.perf_counter() - started
    assert table.num_rows == ITEMS
    return elapsed


async def _export(base_url: str, out: Path, fmt: str) -> float:
    from carecloud_openapi.api.purchases import get_purchases

    from carecloud_async.cli._export import ExportJob, run_export

    job = ExportJob("getPurchases", get_purchases, {}, {}, out, fmt, PAGE_SIZE, CONCURRENCY)
    async with _client(base_url) as client:
        started = time.perf_counter()
        result = await run_export(client, job, restart=True)
        elapsed = time.perf_counter() - started
    assert result.written == ITEMS, result
    return elapsed


async def _raw_walk(base_url: str, raw: RawReading) -> float:
    from carecloud_openapi.api.purchases import get_purchases

    async with _client(base_url) as client:
        started = time.perf_counter()
        count = 0
        async for _ in client.paginate(
            get_purchases, raw=raw, page_size=PAGE_SIZE, concurrency=CONCURRENCY
        ):
            count += 1
        elapsed = time.perf_counter() - started
    assert count == ITEMS, count
    return elapsed


def _child_peak_mb(base_url: str, out: Path, items: int) -> float:
    from tests._fake_collection import TOKEN

    args = ["export", "getPurchases", "--base-url", base_url, "-o", str(out)]
    args += ["--page-size", str(PAGE_SIZE), "--concurrency", str(CONCURRENCY), "--restart"]
    peak = cli_peak_mb([*args, "--project-timezone", ZONE], {"CARECLOUD_BEARER_TOKEN": TOKEN})
    import pyarrow.parquet as pq

    assert pq.ParquetFile(out).metadata.num_rows == items
    return peak


def main() -> int:
    from tests._fake_collection import FakeCollection

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        peaks = {}
        for size in (ITEMS, LARGE):
            with FakeCollection(0) as fake:
                serve_purchases(fake, size)
                peaks[size] = _child_peak_mb(fake.base_url, folder / f"{size}.parquet", size)
        with fake_in_own_process(ITEMS, "bench.etl_export:serve_purchases") as base_url:
            parquet: list[list[float]] = []
            jsonl: list[list[float]] = []
            for round_number in range(ROUNDS):
                # Each round starts with another side: whichever runs later inherits the
                # earlier ones' heap and page cache, so rotate the order.
                parquet.append(
                    rotated_round(
                        [
                            lambda: _bare_parquet(base_url, folder / "bare.parquet"),
                            lambda: _export(base_url, folder / "p.parquet", "parquet"),
                        ],
                        round_number,
                    )
                )
                jsonl.append(
                    rotated_round(
                        [
                            lambda: _raw_walk(base_url, True),
                            lambda: _export(base_url, folder / "p.jsonl", "jsonl"),
                            lambda: _raw_walk(base_url, "bytes"),
                        ],
                        round_number,
                    )
                )
    parquet_ratio = ratio_of_medians(parquet, 1)
    jsonl_ratio = ratio_of_medians(jsonl, 1)
    write_ratio = ratio_of_medians(jsonl, 1, 2)
    memory_ratio = peaks[LARGE] / peaks[ITEMS]
    best = {
        name: min(r[at] for r in rounds)
        for name, rounds, at in (
            ("bare", parquet, 0),
            ("parquet", parquet, 1),
            ("walk", jsonl, 0),
            ("jsonl", jsonl, 1),
            ("texts", jsonl, 2),
        )
    }
    print(f"etl export: {ITEMS} purchases, page size {PAGE_SIZE}, concurrency {CONCURRENCY}")
    print(f"  bare httpx+json.loads+from_pylist+write_table {best['bare'] * 1000:6.0f} ms")
    print(f"  export to Parquet                             {best['parquet'] * 1000:6.0f} ms")
    print(
        f"  ratio {parquet_ratio:.2f}x (medians of {ROUNDS} rotating rounds; budget {PARQUET_BUDGET}x)"
    )
    print(f"  library raw walk                              {best['walk'] * 1000:6.0f} ms")
    print(f"  export to JSON Lines                          {best['jsonl'] * 1000:6.0f} ms")
    print(
        f"  ratio {jsonl_ratio:.2f}x (medians of {ROUNDS} rotating rounds; budget {JSONL_BUDGET}x)"
    )
    print(f"  library walk of item texts (raw='bytes')      {best['texts'] * 1000:6.0f} ms")
    print(
        f"  export over it {write_ratio:.2f}x (what writing costs: lines, fsync, rename; no budget)"
    )
    print(
        f"  peak RSS of `carecloud export -o x.parquet`: {peaks[ITEMS]:.0f} MB at {ITEMS}, "
        f"{peaks[LARGE]:.0f} MB at {LARGE}"
    )
    print(f"  ratio {memory_ratio:.2f}x (budget {MEMORY_BUDGET}x)")
    within = (
        parquet_ratio <= PARQUET_BUDGET
        and jsonl_ratio <= JSONL_BUDGET
        and memory_ratio <= MEMORY_BUDGET
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
