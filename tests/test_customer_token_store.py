"""Token store failures: typed errors before any token is created, repairs, permissions, locking."""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from carecloud_openapi.api.stores import get_stores

from carecloud_async import ConfigurationError, CustomerClient, DeviceInfo, TokenStoreError
from carecloud_async._file_lock import FileLock
from carecloud_async._retry import RetryPolicy
from carecloud_async._token_store import FileTokenStore, InMemoryTokenStore, TokenStore
from tests._fake_customer_api import FakeCustomerAPI
from tests.conftest import BASE_URL

ROOT = Path(__file__).resolve().parent.parent
DEVICE_ID = "kiosk-7"


def _client(api: FakeCustomerAPI, store: TokenStore) -> CustomerClient:
    return CustomerClient(
        base_url=BASE_URL,
        external_application_id="app-1",
        device=DeviceInfo(device_id=DEVICE_ID),
        token_store=store,
        transport=api.transport(),
        retry_policy=RetryPolicy(wait=False),
    )


async def _three_calls_fail_typed(store: FileTokenStore, api: FakeCustomerAPI) -> TokenStoreError:
    async with _client(api, store) as client:
        for _ in range(3):
            with pytest.raises(TokenStoreError) as caught:
                await client.call(get_stores)
    assert api.tokens_created == 0
    assert api.requests == 0
    error = caught.value
    assert isinstance(error, ConfigurationError)
    assert error.path == str(store.path)
    assert error.reason in str(error)
    return error


async def test_a_directory_at_the_token_path_is_a_typed_error_and_burns_no_token(
    tmp_path: Path,
) -> None:
    """IsADirectoryError never reaches the caller, and no call creates a token."""
    path = tmp_path / "tokens.json"
    path.mkdir()
    error = await _three_calls_fail_typed(FileTokenStore(path), FakeCustomerAPI())
    assert error.reason.startswith("IsADirectoryError")


async def test_a_parent_that_is_a_file_is_a_typed_error_and_burns_no_token(
    tmp_path: Path,
) -> None:
    """A regular file where the folder should be: TokenStoreError naming the path."""
    (tmp_path / "state").write_text("not a folder")
    error = await _three_calls_fail_typed(
        FileTokenStore(tmp_path / "state" / "tokens.json"), FakeCustomerAPI()
    )
    assert error.reason.startswith("NotADirectoryError")


async def test_a_folder_that_cannot_be_written_is_a_typed_error_and_burns_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Creating the lock file fails with EACCES: TokenStoreError, no token created."""

    def refuse(self: FileLock) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(self.path))

    monkeypatch.setattr(FileLock, "_open", refuse)
    error = await _three_calls_fail_typed(
        FileTokenStore(tmp_path / "tokens.json"), FakeCustomerAPI()
    )
    assert error.reason == "PermissionError: Permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
async def test_a_read_only_folder_is_a_typed_error(tmp_path: Path) -> None:
    """A real 0500 folder: TokenStoreError before any token is created."""
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        error = await _three_calls_fail_typed(
            FileTokenStore(folder / "tokens.json"), FakeCustomerAPI()
        )
    finally:
        folder.chmod(0o700)
    assert error.reason.startswith("PermissionError")


@pytest.mark.parametrize("stored", ["devtok-1\nX-Evil: 1", 12345, ""])
async def test_an_unusable_stored_token_is_discarded_once_and_replaced(
    tmp_path: Path, stored: object, caplog: pytest.LogCaptureFixture
) -> None:
    """A newline, a number or an empty string: warned about, replaced by one new token."""
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({DEVICE_ID: stored, "other-device": "keep-me"}))
    path.chmod(0o600)
    api = FakeCustomerAPI()
    with caplog.at_level(logging.WARNING, logger="carecloud_async"):
        async with _client(api, FileTokenStore(path)) as client:
            for _ in range(3):
                await client.call(get_stores)
        async with _client(api, FileTokenStore(path)) as client:
            await client.call(get_stores)
    assert api.tokens_created == 1
    assert json.loads(path.read_text()) == {DEVICE_ID: api.issued[0], "other-device": "keep-me"}
    assert [r.getMessage() for r in caplog.records if "unusable" in r.getMessage()] == [
        f"carecloud: the device token stored in {path} is unusable; discarding it"
    ]


async def test_a_custom_store_returning_an_unusable_value_gets_one_new_token() -> None:
    """The flow checks what any store returns before sending it as a header."""
    store = InMemoryTokenStore()
    await store.save(DEVICE_ID, "broken\r\ntoken")
    api = FakeCustomerAPI()
    async with _client(api, store) as client:
        await client.call(get_stores)
        await client.call(get_stores)
    assert api.tokens_created == 1
    assert await store.load(DEVICE_ID) == api.issued[0]


async def test_a_store_that_cannot_save_keeps_the_token_in_memory(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Saving fails after the token was created: warn, use it, never create one per call."""

    class ReadOnlyStore(InMemoryTokenStore):
        async def save(self, device_id: str, token: str) -> None:
            raise PermissionError(errno.EROFS, "Read-only file system")

    api = FakeCustomerAPI()
    with caplog.at_level(logging.WARNING, logger="carecloud_async"):
        async with _client(api, ReadOnlyStore()) as client:
            for _ in range(5):
                await client.call(get_stores)
    assert api.tokens_created == 1
    assert "kept in memory" in caplog.text
    assert api.issued[0] not in caplog.text


async def test_a_custom_store_failing_to_load_raises_a_typed_error() -> None:
    """An OSError from your own store arrives as TokenStoreError, before any token is made."""

    class BrokenStore(InMemoryTokenStore):
        async def load(self, device_id: str) -> str | None:
            raise OSError(errno.EIO, "Input/output error")

    api = FakeCustomerAPI()
    async with _client(api, BrokenStore()) as client:
        with pytest.raises(TokenStoreError, match="Input/output error") as caught:
            await client.call(get_stores)
    assert caught.value.path is None
    assert api.tokens_created == 0


async def test_folders_and_files_are_private_even_under_umask_zero(tmp_path: Path) -> None:
    """Created folders are 0700, the token and lock files 0600, whatever the umask."""
    outer_mode = stat.S_IMODE(os.stat(tmp_path).st_mode)
    old_umask = os.umask(0)
    try:
        store = FileTokenStore(tmp_path / "a" / "b" / "tokens.json")
        await store.save(DEVICE_ID, "tok")
        async with store.device_lock(DEVICE_ID):
            pass
    finally:
        os.umask(old_umask)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(tmp_path / "a") == mode(tmp_path / "a" / "b") == 0o700
    folder = tmp_path / "a" / "b"
    assert {p.name: mode(p) for p in folder.iterdir()} == {
        "tokens.json": 0o600,
        ".tokens.json.lock": 0o600,
        ".tokens.json.create.lock": 0o600,
    }
    assert mode(tmp_path) == outer_mode  # a folder that already existed is left alone


async def test_an_existing_token_file_readable_by_others_is_tightened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 0644 token file becomes 0600 on first use, with a warning that names the file."""
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({DEVICE_ID: "devtok-secret"}))
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="carecloud_async"):
        assert await FileTokenStore(path).load(DEVICE_ID) == "devtok-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"token file {path} was readable by others (mode 644)" in caplog.text
    assert "devtok-secret" not in caplog.text


async def test_delete_if_keeps_a_token_that_another_process_saved(tmp_path: Path) -> None:
    """Deleting the refused token must not delete the fresh one that replaced it."""
    store = FileTokenStore(tmp_path / "tokens.json")
    await store.save(DEVICE_ID, "fresh")
    assert await store.delete_if(DEVICE_ID, "refused") is False
    assert await store.load(DEVICE_ID) == "fresh"
    assert await store.delete_if(DEVICE_ID, "fresh") is True
    assert await store.load(DEVICE_ID) is None


_SAVER = """
import asyncio, sys
from carecloud_async._token_store import FileTokenStore
async def main():
    store = FileTokenStore(sys.argv[1])
    sys.stdin.readline()
    for n in range(int(sys.argv[3])):
        await store.save(f"{sys.argv[2]}-{n}", f"token-{n}")
asyncio.run(main())
"""


def test_concurrent_saves_from_several_processes_lose_no_writes(tmp_path: Path) -> None:
    """4 processes x 40 saves into one file: all 160 entries are there at the end."""
    path = tmp_path / "tokens.json"
    savers = [
        subprocess.Popen(
            [sys.executable, "-c", _SAVER, str(path), f"worker{w}", "40"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    for saver in savers:
        assert saver.stdin is not None
        saver.stdin.write("go\n")
        saver.stdin.flush()
    for saver in savers:
        saver.communicate(timeout=60)
        assert saver.returncode == 0
    assert len(json.loads(path.read_text())) == 160
