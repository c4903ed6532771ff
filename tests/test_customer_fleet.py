"""Several worker processes sharing one device id and one token file settle on one token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests._fake_customer_api import FakeCustomerAPI

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
CALLS = 50
CONCURRENCY = 4
DEVICE_ID = "web-service-1"


def _run_fleet(base_url: str, token_file: Path) -> list[dict[str, object]]:
    env = {
        **os.environ,
        "CARECLOUD_BASE_URL": base_url,
        "CARECLOUD_EXTERNAL_APPLICATION_ID": "app-fleet",
        "CARECLOUD_DEVICE_ID": DEVICE_ID,
        "CARECLOUD_TOKEN_FILE": str(token_file),
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests._fleet_worker", str(CALLS), str(CONCURRENCY)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        for worker in workers:  # all at once, like a service taking traffic after a deploy
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            out, _ = worker.communicate(timeout=60)
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


@pytest.mark.parametrize("start", ["empty store", "dead token in the store"])
def test_four_workers_sharing_a_token_file_settle_on_one_device_token(
    tmp_path: Path, start: str
) -> None:
    """4 processes x 50 calls, one store, one device id: at most 2 tokens, no caller errors."""
    api = FakeCustomerAPI()
    token_file = tmp_path / "state" / "tokens.json"
    if start == "dead token in the store":
        token_file.parent.mkdir(mode=0o700)
        token_file.write_text(json.dumps({DEVICE_ID: "devtok-replaced-long-ago"}))
        token_file.chmod(0o600)
    with api.serve() as base_url:
        results = _run_fleet(base_url, token_file)
    errors = sum(sum(r["errors"].values()) for r in results)  # type: ignore[attr-defined]
    ok = sum(int(r["ok"]) for r in results)  # type: ignore[call-overload]
    print(
        f"\nfleet ({start}): tokens created {api.tokens_created}, 401s {api.unauthorized}, "
        f"errors to callers {errors}, ok {ok}/{WORKERS * CALLS}, requests {api.requests}"
    )
    assert errors == 0, results
    assert ok == WORKERS * CALLS
    assert api.tokens_created <= 2
