"""Token stores: in memory by default, or a 0600 file replaced atomically."""

from __future__ import annotations

import stat
from pathlib import Path

from carecloud_async._token_store import FileTokenStore, InMemoryTokenStore, TokenStore


async def test_in_memory_store_keeps_tokens_per_device() -> None:
    """Save, load and delete by device id."""
    store = InMemoryTokenStore()
    assert isinstance(store, TokenStore)
    await store.save("a", "t1")
    await store.save("b", "t2")
    await store.delete("a")
    assert (await store.load("a"), await store.load("b")) == (None, "t2")
    assert "t2" not in repr(store)


async def test_file_store_is_private_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    """The file is readable by its owner only and written via rename; only lock files stay."""
    store = FileTokenStore(tmp_path / "sub" / "tokens.json")
    await store.save("kiosk", "secret-token")
    await store.save("kiosk-2", "other-token")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        ".tokens.json.lock",
        "tokens.json",
    ]
    assert stat.S_IMODE((store.path.parent / ".tokens.json.lock").stat().st_mode) == 0o600
    assert await FileTokenStore(store.path).load("kiosk") == "secret-token"
    assert "secret-token" not in repr(store)


async def test_file_store_recovers_from_a_corrupt_file(tmp_path: Path) -> None:
    """A damaged file reads as empty: a new device token is the safe recovery."""
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    store = FileTokenStore(path)
    assert await store.load("kiosk") is None
    await store.save("kiosk", "fresh")
    assert await store.load("kiosk") == "fresh"
