"""The normalized spec as shipped inside ``carecloud_openapi`` (``openapi.json``).

``make generate`` writes it beside the generated code, so an installed wheel
carries the same facts the code was generated from. Load it only when a
feature needs more than the operation index (descriptions, schemas,
examples): it is parsed once per process, on first use.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["normalized_spec"]

SPEC_RESOURCE = "openapi.json"


@cache
def normalized_spec() -> dict[str, Any]:
    """The normalized OpenAPI document of the generated package, parsed once."""
    data = resources.files("carecloud_openapi").joinpath(SPEC_RESOURCE).read_bytes()
    spec: dict[str, Any] = json.loads(data)
    return spec
