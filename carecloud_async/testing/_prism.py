"""A local mock CareCloud for your tests and demos: Prism serving the pinned spec.

Prism answers every documented operation with the spec's own examples and
checks each request against the spec; a request that does not fit gets a 4xx
and an ``sl-violations`` header saying why. Use it from async or sync code::

    async with MockCareCloud() as mock:
        async with EnterpriseClient(base_url=mock.base_url, login=..., ...) as client:
            ...

or as a session fixture in your own tests::

    @pytest.fixture(scope="session")
    def carecloud_mock():
        with MockCareCloud() as mock:
            yield mock

Prism comes from npm: ``npm install -g @stoplight/prism-cli@<PRISM_VERSION>``
(or ``npm ci`` in a checkout of this repository). The mock runs in its own process group, which
is killed whole on exit, so no node process outlives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from carecloud_async._package_data import PINNED_SPEC_NAME, package_data_path

__all__ = ["DEFAULT_SPEC", "PRISM_VERSION", "MockCareCloud", "MockServerError", "find_prism"]

PRISM_VERSION = "5.16.0"
"""The Prism release the spec is checked against (``package.json`` pins the same)."""

PRISM_INSTALL_HINT = f"npm install -g @stoplight/prism-cli@{PRISM_VERSION}"

_REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_SPEC = package_data_path(PINNED_SPEC_NAME)


class MockServerError(RuntimeError):
    """The mock could not be started (Prism missing, bad spec, or not ready in time)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stop_with_parent() -> None:
    """Runs in the child before exec: on Linux, ask for SIGTERM when the starter dies.

    Fixture teardown does not run when a test process is killed; this keeps a
    killed test run from leaving Prism behind. Elsewhere it does nothing.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


_PR_SET_PDEATHSIG = 1


def find_prism() -> str:
    """The Prism executable: $CARECLOUD_PRISM, ./node_modules, a checkout's node_modules, PATH.

    A ``CARECLOUD_PRISM`` that points nowhere is an error of its own, never
    silently replaced by another Prism.
    """
    configured = os.environ.get("CARECLOUD_PRISM")
    if configured:
        if _is_executable(configured):
            return configured
        raise MockServerError(
            f"CARECLOUD_PRISM={configured!r} is not an executable file; "
            f"install Prism with `{PRISM_INSTALL_HINT}` and point it at `prism`"
        )
    candidates = [
        str(Path.cwd() / "node_modules" / ".bin" / "prism"),
        str(_REPO_ROOT / "node_modules" / ".bin" / "prism"),
        shutil.which("prism"),
    ]
    for candidate in candidates:
        if candidate and _is_executable(candidate):
            return candidate
    raise MockServerError(
        f"Prism not found: install the pinned version with `{PRISM_INSTALL_HINT}` "
        "(or set CARECLOUD_PRISM to the prism executable)"
    )


def _is_executable(candidate: str) -> bool:
    return Path(candidate).is_file() and os.access(candidate, os.X_OK)


class MockCareCloud:
    """Prism on a free loopback port; ``base_url`` is what clients should use."""

    def __init__(
        self,
        spec: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        log_path: str | os.PathLike[str] | None = None,
        startup_timeout: float = 60.0,
    ) -> None:
        self.spec = Path(spec or os.environ.get("CARECLOUD_MOCK_SPEC") or DEFAULT_SPEC)
        self.port = port
        self.log_path = Path(log_path) if log_path else None
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._own_log = False
        """The log is a temporary file this mock made: removed when it stops."""

    @property
    def base_url(self) -> str:
        if self.port is None or self._process is None:
            raise MockServerError("the mock is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """Process id of the mock's process group leader, while it runs."""
        return self._process.pid if self._process else None

    def start(self) -> None:
        if self._process is not None:
            return
        if not self.spec.is_file():
            raise MockServerError(
                f"spec {self.spec} not found (pass spec= or set CARECLOUD_MOCK_SPEC)"
            )
        prism = find_prism()
        self.port = self.port or _free_port()
        if self.log_path is None or self._own_log:
            handle, name = tempfile.mkstemp(prefix="carecloud-mock-", suffix=".log")
            os.close(handle)
            self.log_path, self._own_log = Path(name), True
        self._log = self.log_path.open("wb")
        command = [prism, "mock", "--host", "127.0.0.1", "--port", str(self.port), str(self.spec)]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() kills node and children
            preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        url = f"http://127.0.0.1:{self.port}/stores"
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise MockServerError(
                    f"Prism exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            try:
                urllib.request.urlopen(url, timeout=1)
                return
            except urllib.error.HTTPError:
                return  # any HTTP answer (401 without a token) means it is serving
            except OSError:
                time.sleep(0.1)
        raise MockServerError(
            f"Prism not ready after {self.startup_timeout:g} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 20) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the whole process group; escalate to SIGKILL after a grace period."""
        process, self._process = self._process, None
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=5)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            with contextlib.suppress(ProcessLookupError):  # children that ignored SIGTERM
                os.killpg(process.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._own_log and self.log_path is not None:
            self.log_path.unlink(missing_ok=True)  # its tail is already in any start error

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)
