"""Whole answers are read with the cyclic garbage collector paused, and it always comes back."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from carecloud_openapi.models import Purchase, PurchaseItem
from carecloud_openapi.types import collector_paused

ITEM = {"product_id": "p", "purchase_item_type_id": "t", "price": 1.5, "amount": 1, "vat_rate": 21}


class _Watching(Mapping[str, Any]):
    """A JSON object that notes whether the collector was on each time it was read."""

    def __init__(self, data: dict[str, Any], seen: list[bool]) -> None:
        self._data, self._seen = data, seen

    def __getitem__(self, key: str) -> Any:
        self._seen.append(gc.isenabled())
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_model_holding_others_is_read_with_the_collector_paused() -> None:
    seen: list[bool] = []
    source = {"customer_id": "c", "purchase_items": [ITEM]}
    read = Purchase.from_dict(_Watching(source, seen))
    assert seen
    assert not any(seen)
    assert gc.isenabled()
    assert read.to_dict()["purchase_items"] == [ITEM]


def test_the_collector_stays_off_if_it_was_off_and_comes_back_after_an_error() -> None:
    gc.disable()
    Purchase.from_dict({"customer_id": "c"})
    assert not gc.isenabled()
    gc.enable()
    with pytest.raises(TypeError, match="read from a JSON object"):
        Purchase.from_dict([1, 2])  # type: ignore[arg-type]
    assert gc.isenabled()

    def failing(_: Any, __: Any, ___: Any) -> Any:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError), collector_paused:
        failing(None, None, None)
    assert gc.isenabled()


def test_overlapping_pauses_resume_once_the_last_one_ends() -> None:
    with collector_paused:
        with collector_paused:
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_threads_reading_at_once_leave_the_collector_on() -> None:
    start = threading.Barrier(4)
    item = ITEM

    def work() -> None:
        start.wait()
        for _ in range(200):
            Purchase.from_dict({"customer_id": "c", "purchase_items": [item] * 20})
            PurchaseItem.from_dict(item)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.isenabled()
