"""Where a Customer API device token lives between runs.

CareCloud binds a device token to the device id it was created for; creating a
new token for the same device invalidates the old one. Persist it (a
``FileTokenStore`` for a CLI or a kiosk, your own store for a fleet) and keep
the device id stable per installation, or every start will log the previous
run out.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = ["FileTokenStore", "InMemoryTokenStore", "TokenStore"]


@runtime_checkable
class TokenStore(Protocol):
    """Loads and saves the device token for one device id."""

    async def load(self, device_id: str) -> str | None: ...

    async def save(self, device_id: str, token: str) -> None: ...

    async def delete(self, device_id: str) -> None: ...


class InMemoryTokenStore:
    """Keeps tokens for the life of the process (the default)."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}

    async def load(self, device_id: str) -> str | None:
        return self._tokens.get(device_id)

    async def save(self, device_id: str, token: str) -> None:
        self._tokens[device_id] = token

    async def delete(self, device_id: str) -> None:
        self._tokens.pop(device_id, None)

    def __repr__(self) -> str:
        return f"InMemoryTokenStore(devices={len(self._tokens)})"


class FileTokenStore:
    """A JSON file readable only by its owner (0600), replaced atomically on every save."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # unreadable or corrupt: a new device token is the safe recovery
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, tokens: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(tokens, handle)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def load(self, device_id: str) -> str | None:
        return self._read().get(device_id)

    async def save(self, device_id: str, token: str) -> None:
        tokens = self._read()
        tokens[device_id] = token
        self._write(tokens)

    async def delete(self, device_id: str) -> None:
        tokens = self._read()
        if tokens.pop(device_id, None) is not None:
            self._write(tokens)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"
