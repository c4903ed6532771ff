"""The normalized spec as shipped inside ``carecloud_openapi`` (``openapi.json``).

``make generate`` writes it beside the generated code, so an installed wheel
carries the same facts the code was generated from. Load it only when a
feature needs more than the operation index (descriptions, schemas,
examples): it is parsed once per process, on first use.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["normalized_spec", "resolve_ref", "resolved"]

SPEC_RESOURCE = "openapi.json"


@cache
def normalized_spec() -> dict[str, Any]:
    """The normalized OpenAPI document of the generated package, parsed once."""
    data = resources.files("carecloud_openapi").joinpath(SPEC_RESOURCE).read_bytes()
    spec: dict[str, Any] = json.loads(data)
    return spec


def resolve_ref(spec: Mapping[str, Any], ref: str) -> Any:
    """What a local ``$ref`` (``#/components/schemas/Purchase``) points at in ``spec``."""
    target: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target


def resolved(spec: Mapping[str, Any], node: Any) -> Any:
    """``node`` itself, or the end of its ``$ref`` chain (``{}`` for a chain that loops)."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return {}
        seen.add(ref)
        node = resolve_ref(spec, ref)
    return node
