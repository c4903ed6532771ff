"""One Prism mock for the whole contract suite, and the suite's summary line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from carecloud_async.testing import MockCareCloud

RESULTS: dict[str, Any] = {"passed": set(), "exceptions": {}, "total": 0}


@pytest.fixture(scope="session")
def carecloud_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockCareCloud]:
    """Prism serving the pinned spec, started once per test session."""
    log = tmp_path_factory.mktemp("mock") / "prism.log"
    with MockCareCloud(log_path=log) as mock:
        yield mock


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RESULTS["total"]:
        exceptions = RESULTS["exceptions"]
        terminalreporter.write_line(
            f"contract: {len(RESULTS['passed'])}/{RESULTS['total']} operations, "
            f"{len(exceptions)} upstream-example exceptions"
            + (f" ({', '.join(sorted(exceptions))})" if exceptions else "")
        )
