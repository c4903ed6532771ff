"""Rounds that run a baseline and its subjects side by side, and the fake they read from.

The fake CareCloud runs in a process of its own, as a real server does: in the measured
process its threads' JSON encoding would take the interpreter lock and count as the
client's time (it doubled a raw walk's time there, flattering every ratio against it).
Each round starts with another side, because whichever runs later inherits the earlier
ones' heap and page cache (up to a fifth more); each side's median over rounds that rotate
the order does not swing with it as a single round's ratio does.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import subprocess
import sys
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

__all__ = ["fake_in_own_process", "ratio_of_medians", "rotated_round"]

_SERVER = """
import importlib, sys
from tests._fake_collection import FakeCollection
size, routes = int(sys.argv[1]), sys.argv[2]
with FakeCollection(size) as fake:
    if routes:
        module, function = routes.split(":")
        getattr(importlib.import_module(module), function)(fake, size)
    print(fake.base_url, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
"""


@contextlib.contextmanager
def fake_in_own_process(size: int, routes: str = "") -> Iterator[str]:
    """``FakeCollection(size)`` in a child process; ``routes`` (``"module:function"``) is
    called with the fake and ``size`` to add answers. Yields its base URL."""
    with subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(size), routes],
        cwd=Path(__file__).resolve().parent.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as server:
        assert server.stdin is not None
        assert server.stdout is not None
        try:
            yield server.stdout.readline().strip()
        finally:
            server.stdin.close()
            server.wait(timeout=30)


def rotated_round(runs: list[Callable[[], Coroutine[Any, Any, float]]], first: int) -> list[float]:
    """Seconds of each run, in the order given, having run them starting at ``first``."""
    seconds = [0.0] * len(runs)
    for step in range(len(runs)):
        at = (first + step) % len(runs)
        seconds[at] = asyncio.run(runs[at]())
    return seconds


def ratio_of_medians(rounds: list[list[float]], subject: int, baseline: int = 0) -> float:
    """The median of ``subject``'s seconds over the median of ``baseline``'s."""
    return statistics.median(r[subject] for r in rounds) / statistics.median(
        r[baseline] for r in rounds
    )
