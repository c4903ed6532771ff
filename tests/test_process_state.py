"""Reading answers leaves the interpreter as the application set it: the garbage collector
is never switched off or on by the SDK, in any thread."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator

import httpx
import pytest
from carecloud_openapi.api.purchases import get_purchases

from bench.parsing import page_body
from carecloud_async import EnterpriseClient
from tests.conftest import BASE_URL

PAGE = page_body(100)


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def _read_pages(pages: int, started: threading.Event | None = None) -> None:
    """What an application thread does: a client reading 100-purchase pages."""

    async def run() -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=PAGE))
        async with EnterpriseClient(
            base_url=BASE_URL, bearer_token="t", transport=transport
        ) as client:
            for _ in range(pages):
                data = await client.call(get_purchases, count=100)
                assert len(data.purchases) == 100
                if started is not None:
                    started.set()

    asyncio.run(run())


def test_reading_answers_in_one_thread_never_turns_the_collector_off_for_another() -> None:
    """Another thread sampling ``gc.isenabled()`` while pages are read always sees it on."""
    gc.enable()
    started, done = threading.Event(), threading.Event()
    samples: list[bool] = []

    def watch() -> None:
        started.wait()
        while not done.is_set():
            samples.append(gc.isenabled())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        _read_pages(30, started)
    finally:
        done.set()
        watcher.join()
    assert len(samples) > 100
    assert all(samples), f"collector off in {samples.count(False)} of {len(samples)} samples"


def test_an_applications_gc_disable_stays_as_it_set_it_across_sdk_reads() -> None:
    """Switched off before reads, or while another thread reads, the collector stays off."""
    gc.disable()
    _read_pages(3)
    assert not gc.isenabled()

    gc.enable()
    started = threading.Event()
    reader = threading.Thread(target=_read_pages, args=(30, started))
    reader.start()
    started.wait()
    gc.disable()  # the application's own call, in the middle of the other thread's reads
    reader.join()
    assert not gc.isenabled()


def test_an_applications_gc_enable_stays_as_it_set_it_across_sdk_reads() -> None:
    """Reads never leave the collector off behind an application that keeps it on."""
    gc.enable()
    readers = [threading.Thread(target=_read_pages, args=(10,)) for _ in range(3)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert gc.isenabled()
