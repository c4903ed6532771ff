"""Where a Customer API device token lives between runs and between processes.

CareCloud binds a device token to the device id it was created for; creating a
new token for the same device invalidates the old one. Persist it (a
``FileTokenStore`` for a CLI, a kiosk or the workers of one web service, your
own store for a fleet of hosts) and keep the device id stable per installation,
or every start will log the previous run out.

A store that several processes share should also offer ``device_lock`` and
``delete_if`` (see ``SharedTokenStore``): the client then creates a token under
that lock only after reading the store again, and never deletes a token that
another process has just saved.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import re
import stat
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from carecloud_async._errors import TokenStoreError
from carecloud_async._file_lock import FileLock

__all__ = [
    "FileTokenStore",
    "InMemoryTokenStore",
    "SharedTokenStore",
    "TokenStore",
    "os_reason",
    "usable_token",
]

logger = logging.getLogger("carecloud_async")

_NOT_IN_A_TOKEN = re.compile(r"[\x00-\x20\x7f]")
_PRIVATE_DIR = 0o700
_PRIVATE_FILE = 0o600
_T = TypeVar("_T")


async def _to_thread(function: Callable[..., _T], /, *args: Any) -> _T:
    return await asyncio.to_thread(function, *args)


def usable_token(value: object) -> bool:
    """Whether a stored value can be sent as a bearer token (a non-empty string, no
    whitespace or control characters: a newline would break the header)."""
    return isinstance(value, str) and bool(value) and not _NOT_IN_A_TOKEN.search(value)


@runtime_checkable
class TokenStore(Protocol):
    """Loads and saves the device token for one device id."""

    async def load(self, device_id: str) -> str | None: ...

    async def save(self, device_id: str, token: str) -> None: ...

    async def delete(self, device_id: str) -> None: ...


@runtime_checkable
class SharedTokenStore(TokenStore, Protocol):
    """A store that several processes use at once for the same device id."""

    def device_lock(self, device_id: str) -> AbstractAsyncContextManager[None]:
        """Held while a new token is created, so only one process creates it."""
        ...

    async def delete_if(self, device_id: str, expected: str) -> bool:
        """Delete the token only if it is still ``expected``; whether it was deleted."""
        ...


class InMemoryTokenStore:
    """Keeps tokens for the life of the process (the default)."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._creation: asyncio.Lock | None = None

    async def load(self, device_id: str) -> str | None:
        return self._tokens.get(device_id)

    async def save(self, device_id: str, token: str) -> None:
        self._tokens[device_id] = token

    async def delete(self, device_id: str) -> None:
        self._tokens.pop(device_id, None)

    async def delete_if(self, device_id: str, expected: str) -> bool:
        if self._tokens.get(device_id) != expected:
            return False
        del self._tokens[device_id]
        return True

    def device_lock(self, device_id: str) -> AbstractAsyncContextManager[None]:
        if self._creation is None:
            self._creation = asyncio.Lock()
        return self._creation

    def __repr__(self) -> str:
        return f"InMemoryTokenStore(devices={len(self._tokens)})"


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, without the path (the error names it once)."""
    return f"{type(exc).__name__}: {exc.strerror or exc}"


def _make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and missing parents as 0700 whatever the umask; leave existing ones."""
    missing: list[Path] = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            if not candidate.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"{candidate} is not a directory")
            break
        missing.append(candidate)
    for created in reversed(missing):
        created.mkdir(mode=_PRIVATE_DIR, exist_ok=True)
        os.chmod(created, _PRIVATE_DIR)


class FileTokenStore:
    """A JSON file readable only by its owner (0600), safe to share between processes.

    Every change is a read-modify-write under an exclusive lock (a ``.lock``
    file next to it), and the file is replaced atomically, so concurrent saves
    from several workers never lose one another. Folders it creates are 0700;
    an existing token file that others may read is tightened to 0600, with a
    warning. A path that cannot work (a folder, a parent that is a file, a
    folder you may not write) raises ``TokenStoreError`` on first use, before
    any token is created.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self._lock = FileLock(self.path.with_name(f".{self.path.name}.lock"))
        self._creation_lock = FileLock(self.path.with_name(f".{self.path.name}.create.lock"))
        self._checked = False

    @contextmanager
    def _failures_as(self, action: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise TokenStoreError(str(self.path), os_reason(exc), action) from exc

    def check(self) -> None:
        """Make sure the store is usable now; raises ``TokenStoreError`` naming path and reason."""
        with self._failures_as("use"):
            if self.path.is_dir():
                raise IsADirectoryError(errno.EISDIR, "the path is a directory")
            _make_private_dirs(self.path.parent)
            with self._lock.held():  # creating the lock file proves the folder is writable
                self._tighten()
                self._read()
        self._checked = True

    def _tighten(self) -> None:
        try:
            mode = stat.S_IMODE(self.path.stat().st_mode)
        except FileNotFoundError:
            return
        if mode & 0o077:
            os.chmod(self.path, _PRIVATE_FILE)
            logger.warning(
                "carecloud: token file %s was readable by others (mode %o); changed it to 0600",
                self.path,
                mode,
            )

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (ValueError, UnicodeDecodeError):
            logger.warning("carecloud: token file %s is damaged; starting it afresh", self.path)
            return {}
        return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, tokens: dict[str, object]) -> None:
        _make_private_dirs(self.path.parent)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            os.fchmod(fd, _PRIVATE_FILE)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(tokens, handle)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _locked(self, action: str, change: Callable[[dict[str, object]], _T]) -> _T:
        """Run ``change`` on the current contents under the lock; write if it changed them."""
        if not self._checked:
            self.check()
        with self._failures_as(action), self._lock.held():
            tokens = self._read()
            before = dict(tokens)
            result = change(tokens)
            if tokens != before:
                self._write(tokens)
            return result

    def _load(self, device_id: str) -> str | None:
        def take(tokens: dict[str, object]) -> str | None:
            value = tokens.get(device_id)
            if value is None or usable_token(value):
                return value  # type: ignore[return-value]
            logger.warning(
                "carecloud: the device token stored in %s is unusable; discarding it", self.path
            )
            del tokens[device_id]
            return None

        return self._locked("read", take)

    def _save(self, device_id: str, token: str) -> None:
        self._locked("write", lambda tokens: tokens.__setitem__(device_id, token))

    def _delete_if(self, device_id: str, expected: str | None) -> bool:
        def remove(tokens: dict[str, object]) -> bool:
            if device_id not in tokens or (expected is not None and tokens[device_id] != expected):
                return False
            del tokens[device_id]
            return True

        return self._locked("write", remove)

    async def load(self, device_id: str) -> str | None:
        return await _to_thread(self._load, device_id)

    async def save(self, device_id: str, token: str) -> None:
        await _to_thread(self._save, device_id, token)

    async def delete(self, device_id: str) -> None:
        await _to_thread(self._delete_if, device_id, None)

    async def delete_if(self, device_id: str, expected: str) -> bool:
        return await _to_thread(self._delete_if, device_id, expected)

    @asynccontextmanager
    async def device_lock(self, device_id: str) -> AsyncIterator[None]:
        """One token creation at a time across every process using this file."""
        if not self._checked:
            await _to_thread(self.check)
        with self._failures_as("lock"):
            fd = await self._creation_lock.acquire_async()
        try:
            yield
        finally:
            self._creation_lock.release(fd)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"
