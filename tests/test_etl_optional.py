"""The ETL extras stay optional: the SDK and its usual paths never import pyarrow or duckdb."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import asyncio, json, sys
import carecloud_async
from carecloud_async.testing import MockRouter
from carecloud_openapi.api.purchases import get_purchases

async def main():
    async with MockRouter().enterprise_client(project_timezone="UTC") as client:
        async for _ in client.paginate(get_purchases, raw=True):
            pass
        async for _ in client.paginate(get_purchases):
            pass

asyncio.run(main())
import carecloud_async.cli._app
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("pyarrow", "duckdb", "dlt"))))
"""


def test_the_sdk_and_the_cli_never_import_pyarrow_or_duckdb() -> None:
    """Import the SDK, walk a list raw and typed, load the CLI: no ETL library is loaded."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out) == []
