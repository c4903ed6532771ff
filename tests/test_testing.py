"""The mock server helper starts Prism, serves the spec, and leaves no process behind."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from carecloud_async.testing import MockCareCloud, MockServerError


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


async def test_the_mock_serves_the_pinned_spec_and_stops_its_whole_process_group() -> None:
    """After exit, no Prism or node process of the mock remains, nor its temporary log."""
    async with MockCareCloud() as mock:
        pgid = mock.pid
        assert pgid is not None
        log = mock.log_path
        assert log is not None
        assert log.is_file()
        assert _group_members(pgid)  # node is running in its own group
        async with httpx.AsyncClient(base_url=mock.base_url) as http:
            answer = await http.get("/stores", headers={"Authorization": "Bearer t"})
        assert answer.status_code == 200
        assert "stores" in answer.json()["data"]
    assert _group_members(pgid) == []
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)
    assert not log.exists()


def test_a_log_path_the_caller_chose_is_kept(tmp_path: Path) -> None:
    """Only the temporary log the mock made itself is removed when it stops."""
    chosen = tmp_path / "prism.log"
    with MockCareCloud(log_path=chosen):
        pass
    assert chosen.is_file()
    assert chosen.read_bytes()  # Prism wrote its start-up lines there


def test_a_missing_spec_is_reported_before_starting(tmp_path: Path) -> None:
    """A wrong path names the file and how to fix it."""
    with pytest.raises(MockServerError, match="not found"), MockCareCloud(tmp_path / "nope.yaml"):
        pass


def test_a_spec_prism_cannot_serve_fails_with_the_log_tail(tmp_path: Path) -> None:
    """Prism exiting early surfaces its own message, and nothing is left running."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.2\ninfo: {title: t, version: '1'}\npaths: 42\n")
    mock = MockCareCloud(broken, startup_timeout=30)
    with pytest.raises(MockServerError, match="Prism"):
        mock.start()
    assert mock.pid is None
    assert mock.log_path is not None
    assert not mock.log_path.exists()


def test_a_killed_test_process_does_not_leave_the_mock_running(tmp_path: Path) -> None:
    """SIGKILL skips every teardown; the mock still stops with the process that started it."""
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "pid"
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import pathlib, time\n"
            "from carecloud_async.testing import MockCareCloud\n"
            f"mock = MockCareCloud(log_path={str(tmp_path / 'prism.log')!r}); mock.start()\n"
            f"pathlib.Path({str(pid_file)!r}).write_text(str(mock.pid))\n"
            "time.sleep(600)\n",
        ]
    )
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "mock did not start"
            time.sleep(0.1)
        pgid = int(pid_file.read_text())
        assert _group_members(pgid)
    finally:
        starter.send_signal(signal.SIGKILL)
        starter.wait()
    deadline = time.monotonic() + 15
    while _group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_members(pgid) == []
