"""Importing the SDK and one endpoint loads only the models that endpoint uses."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
import carecloud_async
import carecloud_openapi.api.purchases.post_purchase_send
loaded = [m for m in sys.modules if m.startswith("carecloud_openapi.models.")]
print(json.dumps(loaded))
"""


def test_one_endpoint_loads_a_small_fraction_of_the_models() -> None:
    """Lazy model exports: far fewer model modules load than the package has."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    loaded = json.loads(out)
    from carecloud_openapi import models

    assert "carecloud_openapi.models.post_purchase_send_body" in loaded
    assert len(loaded) < len(models.__all__) / 20
