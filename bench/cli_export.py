"""``carecloud export`` of a 25,000-item collection from a loopback fake.

Two budgets: the export's peak memory (measured in a child process running the
real command, as the child counts it: see ``bench._child_peak``) stays under
60 MB, and its throughput stays within 1.2x of iterating the same collection
with the library's own typed ``paginate`` (same page size and concurrency, same
fake, in a process of its own: see ``bench._side_by_side``). The export reads each
item's text without decoding it, so it is faster than that walk; ``bench.etl_export``
holds it against the raw walk.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench._child_peak import cli_peak_mb
from bench._side_by_side import fake_in_own_process, ratio_of_medians, rotated_round
from carecloud_async import EnterpriseClient

ITEMS = 25_000
PAGE_SIZE = 500
CONCURRENCY = 4
MEMORY_BUDGET_MB = 60.0
SPEED_BUDGET = 1.2
ROUNDS = 9


def _client(base_url: str) -> EnterpriseClient:
    from tests._fake_collection import TOKEN

    return EnterpriseClient(base_url=base_url, bearer_token=TOKEN)


async def _paginate(base_url: str) -> float:
    from carecloud_openapi.api.stores import get_stores

    async with _client(base_url) as client:
        started = time.perf_counter()
        count = 0
        async for _ in client.paginate(get_stores, page_size=PAGE_SIZE, concurrency=CONCURRENCY):
            count += 1
        elapsed = time.perf_counter() - started
    assert count == ITEMS, count
    return elapsed


async def _export(base_url: str, out: Path) -> float:
    from carecloud_openapi.api.stores import get_stores

    from carecloud_async.cli._export import ExportJob, run_export

    job = ExportJob("getStores", get_stores, {}, {}, out, "jsonl", PAGE_SIZE, CONCURRENCY)
    async with _client(base_url) as client:
        started = time.perf_counter()
        result = await run_export(client, job, restart=True)
        elapsed = time.perf_counter() - started
    assert result.items == ITEMS, result
    return elapsed


def _child_peak_mb(base_url: str, out: Path) -> float:
    from tests._fake_collection import TOKEN

    args = ["export", "getStores", "--base-url", base_url, "-o", str(out)]
    args += ["--page-size", str(PAGE_SIZE), "--concurrency", str(CONCURRENCY), "--restart"]
    peak = cli_peak_mb(args, {"CARECLOUD_BEARER_TOKEN": TOKEN})
    with out.open("rb") as handle:
        assert sum(1 for _ in handle) == ITEMS
    return peak


def main() -> int:
    from tests._fake_collection import FakeCollection

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stores.jsonl"
        with FakeCollection(ITEMS) as fake:
            peak = _child_peak_mb(fake.base_url, out)
        with fake_in_own_process(ITEMS) as base_url:
            rounds = [
                rotated_round([lambda: _paginate(base_url), lambda: _export(base_url, out)], n)
                for n in range(ROUNDS)
            ]
    library, export = min(r[0] for r in rounds), min(r[1] for r in rounds)
    ratio = ratio_of_medians(rounds, 1)
    print(f"cli export: {ITEMS} items, page size {PAGE_SIZE}, concurrency {CONCURRENCY}")
    print(f"  peak RSS of `carecloud export` {peak:6.1f} MB (budget {MEMORY_BUDGET_MB:.0f} MB)")
    print(f"  library paginate   {library * 1000:7.0f} ms (best of {ROUNDS})")
    print(f"  export to JSONL    {export * 1000:7.0f} ms (best of {ROUNDS})")
    print(f"  ratio {ratio:.2f}x (medians of {ROUNDS} rotating rounds; budget {SPEED_BUDGET}x)")
    return 0 if peak < MEMORY_BUDGET_MB and ratio <= SPEED_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
