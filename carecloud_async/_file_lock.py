"""An exclusive lock shared by every process (and thread) that opens the same lock file.

``fcntl.flock`` locks belong to the open file, not to the process, so two
handles in one process exclude each other as well as two processes do, and the
kernel drops the lock when its holder dies: a crashed worker never leaves the
others waiting. Where ``fcntl`` does not exist (Windows) the lock only excludes
threads of this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["FileLock"]

_LOCK_FILE_MODE = 0o600


class FileLock:
    """An exclusive lock on ``path``, which is created (0600) on first use and never removed.

    Removing a lock file while another process waits on it would let two
    holders in at once, so it stays; it is empty.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.Lock()  # for platforms without flock

    def _open(self) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, _LOCK_FILE_MODE)
        with contextlib.suppress(OSError):  # a lock file of another user: locking still works
            os.fchmod(fd, _LOCK_FILE_MODE)
        return fd

    def acquire(self) -> int:
        """Block until the lock is held; returns the handle to give to ``release``."""
        fd = self._open()
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:  # pragma: no cover - not POSIX
                self._local.acquire()
        except BaseException:
            os.close(fd)
            raise
        return fd

    def release(self, fd: int) -> None:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            else:  # pragma: no cover - not POSIX
                self._local.release()
        finally:
            os.close(fd)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for a short, blocking critical section."""
        fd = self.acquire()
        try:
            yield
        finally:
            self.release(fd)

    async def acquire_async(self) -> int:
        """Like ``acquire``, waiting in a worker thread so the event loop keeps running."""
        waiting = asyncio.ensure_future(asyncio.to_thread(self.acquire))
        try:
            return await asyncio.shield(waiting)
        except asyncio.CancelledError:
            waiting.add_done_callback(self._release_when_acquired)
            raise

    @asynccontextmanager
    async def held_async(self) -> AsyncIterator[None]:
        """Hold the lock across awaits."""
        fd = await self.acquire_async()
        try:
            yield
        finally:
            self.release(fd)

    def _release_when_acquired(self, waiting: asyncio.Future[int]) -> None:
        """The caller gave up while the thread was waiting: free the lock it got anyway."""
        if not waiting.cancelled() and waiting.exception() is None:
            self.release(waiting.result())

    def __repr__(self) -> str:
        return f"FileLock({str(self.path)!r})"
