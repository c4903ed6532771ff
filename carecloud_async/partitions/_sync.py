"""Run the async SDK from plain synchronous code: a driver, a Spark task, a Ray or Dask worker.

Each call gets an event loop of its own, closed when it is done, so the caller's
process is left as it was. Called from a thread whose loop is running (a notebook),
the work moves to a helper thread instead of failing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["iterate", "run"]

T = TypeVar("T")


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run(coroutine: Coroutine[object, object, T]) -> T:
    """``coroutine``'s result, computed on a loop of its own."""
    if not _loop_running():
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def iterate(generator: AsyncGenerator[T, None]) -> Iterator[T]:
    """The items of an async generator, one at a time, as a plain iterator.

    Stopping early (``close()`` or garbage collection of this iterator) closes the
    generator on its loop, which cancels the requests it has in flight.
    """
    if _loop_running():
        raise RuntimeError(
            "read_partition is synchronous: call it from a thread without a running event loop"
        )
    loop = asyncio.new_event_loop()
    try:
        while True:
            try:
                yield loop.run_until_complete(generator.__anext__())
            except StopAsyncIteration:
                return
    finally:
        try:
            loop.run_until_complete(generator.aclose())
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
