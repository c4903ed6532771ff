"""The README's Python blocks run, not only type-check (tests/test_typing.py does that).

Each block is executed as its own module. What it defines is then called the way a
reader would use it: ``main()`` as is, functions taking a client or the pytest
plugin's fixtures with an in-process ``MockRouter`` (clients a block builds for a
real project are swapped for router-backed ones), and blocks that start Prism with
the real ``MockCareCloud``. A block that defines nothing runnable only has to execute.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from carecloud_async.testing import MockCareCloud, MockRouter

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def _runnables(namespace: dict[str, Any]) -> list[Callable[..., Any]]:
    """Functions the block itself defines (not imported ones, not pytest fixtures)."""
    found = []
    for value in namespace.values():
        if not inspect.iscoroutinefunction(value):
            continue
        if getattr(value, "__module__", None) != namespace["__name__"]:
            continue
        found.append(value)
    return found


async def _call(
    function: Callable[..., Any], router: MockRouter, mock: MockCareCloud | None
) -> None:
    arguments: dict[str, Any] = {}
    clients = []
    for name, parameter in inspect.signature(function).parameters.items():
        hint = str(parameter.annotation)
        if name == "carecloud_router" or "MockRouter" in hint:
            arguments[name] = router
        elif name == "carecloud_mock_server" or "MockCareCloud" in hint:
            assert mock is not None
            arguments[name] = mock
        elif "CustomerClient" in hint or name == "carecloud_customer":
            clients.append(arguments.setdefault(name, router.customer_client()))
        else:
            clients.append(arguments.setdefault(name, router.enterprise_client()))
    try:
        await function(**arguments)
    finally:
        for client in clients:
            await client.aclose()


def _block_id(block: str) -> str:
    first = next(
        line for line in block.splitlines() if line.startswith(("async def", "def ", "found"))
    )
    return re.sub(r"\W+", "-", first)[:40].strip("-")


@pytest.mark.parametrize("block", BLOCKS, ids=[_block_id(b) for b in BLOCKS])
async def test_the_readme_block_runs(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # a block's FileTokenStore("~/...") stays here
    namespace: dict[str, Any] = {"__name__": f"readme_block_{BLOCKS.index(block) + 1}"}
    exec(compile(block, namespace["__name__"], "exec"), namespace)
    router = MockRouter()
    # Clients a block builds for a real project are answered by the router instead.
    if "EnterpriseClient" in namespace and "MockCareCloud" not in block:
        namespace["EnterpriseClient"] = lambda **_: router.enterprise_client()
    if "CustomerClient" in namespace:
        namespace["CustomerClient"] = lambda **_: router.customer_client()
    needs_prism = "MockCareCloud()" in block or "carecloud_mock_server" in block
    runnables = [
        f for f in _runnables(namespace) if f.__name__ == "main" or inspect.signature(f).parameters
    ]
    if needs_prism:
        async with MockCareCloud() as mock:
            for function in runnables:
                await _call(function, router, mock)
    else:
        for function in runnables:
            await _call(function, router, None)
    if runnables and not needs_prism:
        assert router.calls, "the block's calls were answered by the router"
    assert "Traceback" not in capsys.readouterr().err
