"""One worker process of a web service: a CustomerClient built from the environment.

Run as ``python -m tests._fleet_worker CALLS CONCURRENCY``, with the usual
``CARECLOUD_*`` variables set. It prints ``ready``, waits for a line on stdin
(so that every worker starts at once), makes the calls and prints one JSON line
with what its callers saw.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter

from carecloud_openapi.api.stores import get_stores

from carecloud_async import CustomerClient
from carecloud_async._retry import RetryPolicy


async def _run(calls: int, concurrency: int) -> dict[str, object]:
    errors: Counter[str] = Counter()
    ok = 0
    async with CustomerClient.from_env(retry_policy=RetryPolicy(wait=False)) as client:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        slots = asyncio.Semaphore(concurrency)

        async def one() -> None:
            nonlocal ok
            async with slots:
                try:
                    await client.call(get_stores)
                    ok += 1
                except Exception as exc:
                    errors[type(exc).__name__] += 1

        await asyncio.gather(*(one() for _ in range(calls)))
        created = client.auth.tokens_created
    return {"ok": ok, "errors": dict(errors), "tokens_created": created}


def main() -> None:
    calls, concurrency = int(sys.argv[1]), int(sys.argv[2])
    print(json.dumps(asyncio.run(_run(calls, concurrency))), flush=True)


if __name__ == "__main__":
    main()
