"""`make demo` runs the main job against the embedded mock and leaves nothing running."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if text in cmdline:
                found.append(cmdline)
    return found


def test_the_demo_runs_the_main_job_and_stops_the_mock() -> None:
    """Login, lookup, pagination, checkout and device token, then no Prism left."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARECLOUD_")}
    result = subprocess.run(
        [sys.executable, "-m", "scripts.demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for step in (
        "login + first store",
        "customer lookup",
        "paginate purchases",
        "recommended rewards",
        "accept payment (quote)",
        "send purchase",
        "payment summary",
        "customer API device token",
    ):
        assert step in out, out
    port = re.search(r"127\.0\.0\.1:(\d+)", out)
    assert port is not None
    assert _processes_mentioning(f"--port {port.group(1)}") == []
