"""Cost of the in-process mock next to a bare ``httpx.MockTransport``, measured in one run.

Budgets: a router's start-up (import, construction and the first answer, which
parses the spec) under 200 ms in a fresh interpreter, and each call, through
an SDK client, under 1 ms more than the same client on a bare transport.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx

STARTUP_BUDGET_MS = 200.0
PER_CALL_BUDGET_MS = 1.0
CALLS = 2000

_STARTUP_PROBE = """
import json, time
start = time.perf_counter()
{setup}
request = httpx.Request(
    "GET",
    "https://h/webservice/rest-api/enterprise-interface/v1.0/stores/s-1",
    headers={{"Authorization": "Bearer t"}},
)
with httpx.Client(transport=transport) as http:
    assert http.send(request).status_code == 200
print(json.dumps(time.perf_counter() - start))
"""

ROUTER_SETUP = "import httpx\nfrom carecloud_async.testing import MockRouter\ntransport = MockRouter().transport"
BARE_SETUP = "import httpx\ntransport = httpx.MockTransport(lambda r: httpx.Response(200, json={}))"

_ENV_WITH_BYTECODE = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def startup_seconds(setup: str) -> float:
    """Import, build and answer one request in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _STARTUP_PROBE.format(setup=setup)],
        env=_ENV_WITH_BYTECODE,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    seconds: float = json.loads(out)
    return seconds


async def _per_call_seconds(transport: httpx.AsyncBaseTransport, calls: int) -> float:
    from carecloud_openapi.api.stores import get_store

    from carecloud_async import EnterpriseClient

    async with EnterpriseClient(
        project_url="mock.carecloud.invalid", bearer_token="t", transport=transport
    ) as client:
        await client.call(get_store, store_id="s-0")  # warm: imports, caches, first parse
        start = time.perf_counter()
        for number in range(calls):
            await client.call(get_store, store_id=f"s-{number}")
        return (time.perf_counter() - start) / calls


def _bare_transport() -> httpx.MockTransport:
    from carecloud_async.testing import MockRouter

    # The same bytes the router sends, so both sides parse the same answer.
    body: Any = MockRouter().example("getStore")
    content = json.dumps(body).encode()
    return httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=content, headers={"content-type": "application/json"}
        )
    )


def main(runs: int = 7) -> int:
    from carecloud_async.testing import MockRouter

    startup_seconds(ROUTER_SETUP)  # warm the .pyc caches of both
    startup_seconds(BARE_SETUP)
    bare_starts, router_starts = [], []
    for _ in range(runs):  # interleaved, so machine noise hits both alike
        bare_starts.append(startup_seconds(BARE_SETUP))
        router_starts.append(startup_seconds(ROUTER_SETUP))
    bare_start = statistics.median(bare_starts) * 1000
    router_start = statistics.median(router_starts) * 1000

    router = MockRouter()
    bare_call = asyncio.run(_per_call_seconds(_bare_transport(), CALLS)) * 1000
    router_call = asyncio.run(_per_call_seconds(router.transport, CALLS)) * 1000
    extra_call = router_call - bare_call

    print(f"mock router (start-up: median of {runs} fresh interpreters; calls: {CALLS} GETs)")
    print(f"  start-up  bare MockTransport {bare_start:7.1f} ms")
    print(
        f"  start-up  MockRouter         {router_start:7.1f} ms  "
        f"(+{router_start - bare_start:.1f} ms, budget {STARTUP_BUDGET_MS:.0f} ms)"
    )
    print(f"  per call  bare MockTransport {bare_call:7.3f} ms  (EnterpriseClient.call)")
    print(
        f"  per call  MockRouter         {router_call:7.3f} ms  "
        f"(+{extra_call:.3f} ms, {router_call / bare_call:.2f}x, budget +{PER_CALL_BUDGET_MS} ms)"
    )
    within = router_start <= STARTUP_BUDGET_MS and extra_call <= PER_CALL_BUDGET_MS
    print("  within budget" if within else "  OVER BUDGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
