"""Where the pinned spec and its lock file are, installed or in a checkout.

A wheel carries both under ``carecloud_async/_data``; a source checkout (and an
editable install) has them in ``openapi/`` beside the package. Either way the
files are found through ``importlib.resources`` first, so nothing depends on
the current directory.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["PINNED_SPEC_NAME", "SPEC_LOCK_NAME", "package_data_path", "spec_lock"]

PINNED_SPEC_NAME = "carecloud-openapi.yaml"
SPEC_LOCK_NAME = "spec.lock.json"

_CHECKOUT_DIR = Path(__file__).resolve().parent.parent / "openapi"


def package_data_path(name: str) -> Path:
    """The file ``name`` shipped with the package, or the checkout's copy of it.

    Returns the installed location even when it is missing, so that an error
    names the place a wheel should have put it.
    """
    shipped = resources.files("carecloud_async").joinpath("_data", name)
    if shipped.is_file():
        return Path(str(shipped))
    in_checkout = _CHECKOUT_DIR / name
    if in_checkout.is_file():
        return in_checkout
    return Path(str(shipped))


@cache
def spec_lock() -> dict[str, Any]:
    """The pinned spec's lock file (upstream repository, commit, date, sha256), parsed once."""
    lock: dict[str, Any] = json.loads(package_data_path(SPEC_LOCK_NAME).read_bytes())
    return lock
