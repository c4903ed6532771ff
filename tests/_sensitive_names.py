"""Property names of the spec that are credentials, shared by the log and repr tests.

Kept apart from any test that imports the helpers, so a bump that breaks a helper
breaks only the tests that use it.
"""

from __future__ import annotations

import re
from typing import Any

from carecloud_async._spec_data import normalized_spec

CREDENTIAL_NAME = re.compile(
    r"password|token|secret|credential|application_id|verification_code|^login(_value)?$"
)
"""What makes a field a credential; ``token_type`` and ``token_request_id`` are masked too."""


def spec_property_names() -> set[str]:
    """Every property name declared anywhere in the normalized spec."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                names.update(properties)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(normalized_spec())
    return names
