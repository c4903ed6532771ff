"""Where the pinned spec and its lock file are, installed or in a checkout.

A wheel carries both under ``carecloud_async/_data``; a source checkout (and an
editable install) has them in ``openapi/`` beside the package. Nothing depends
on the current directory: the package's own ``_data`` folder first, then the
checkout's, then ``importlib.resources`` for installs that are not plain files.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["PINNED_SPEC_NAME", "SPEC_LOCK_NAME", "package_data_path", "spec_lock"]

PINNED_SPEC_NAME = "carecloud-openapi.yaml"
SPEC_LOCK_NAME = "spec.lock.json"

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_DIR = _PACKAGE_DIR.parent / "openapi"


def package_data_path(name: str) -> Path:
    """The file ``name`` shipped with the package, or the checkout's copy of it.

    Returns the installed location even when it is missing, so that an error
    names the place a wheel should have put it.
    """
    beside = _PACKAGE_DIR / "_data" / name  # what importlib.resources finds in a plain install
    if beside.is_file():
        return beside
    in_checkout = _CHECKOUT_DIR / name
    if in_checkout.is_file():
        return in_checkout
    from importlib import resources  # costly to import: only for unusual installs

    shipped = resources.files("carecloud_async").joinpath("_data", name)
    return Path(str(shipped))


@cache
def spec_lock() -> dict[str, Any]:
    """The pinned spec's lock file (upstream repository, commit, date, sha256), parsed once."""
    lock: dict[str, Any] = json.loads(package_data_path(SPEC_LOCK_NAME).read_bytes())
    return lock
