"""Every example in examples/ runs against the mock and exits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from carecloud_async.testing import MockCareCloud

EXAMPLES = sorted(
    p for p in (Path(__file__).parents[2] / "examples").glob("*.py") if not p.name.startswith("_")
)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_against_the_mock(carecloud_mock: MockCareCloud, example: Path) -> None:
    """Examples are documentation that must keep working."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARECLOUD_")}
    env["CARECLOUD_MOCK_URL"] = carecloud_mock.base_url
    result = subprocess.run(
        [sys.executable, example.name],
        cwd=example.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()
