"""Importing the SDK and one endpoint loads no attrs model; reading an answer loads its own."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
import httpx
import carecloud_async
import carecloud_openapi.api.purchases.get_purchases as endpoint
def loaded():
    return [m for m in sys.modules if m.startswith("carecloud_openapi.models.")]
at_import = loaded(), "attr" in sys.modules
answer = httpx.Response(200, json={"data": {"purchases": [], "total_items": 0}})
endpoint._parse_response(response=answer)
print(json.dumps({"import": at_import, "read": [loaded(), "attr" in sys.modules]}))
"""


def test_an_endpoint_loads_its_models_and_attrs_only_when_it_reads_an_answer() -> None:
    """Import: only the enums of its parameters (their members are defaults), no attrs.
    First read: the answer's models, a small fraction of the package."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    found = json.loads(out)
    from carecloud_openapi import models

    assert found["import"] == [["carecloud_openapi.models.get_purchases_sort_direction"], False]
    read, attrs_loaded = found["read"]
    assert "carecloud_openapi.models.get_purchases_get_purchases_200_response" in read
    assert attrs_loaded
    assert len(read) < len(models.__all__) / 20
