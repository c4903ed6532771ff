"""The generated package stands on its own: it imports nothing private of the facade, and
its run-time support is the checked source of ``openapi/runtime/``, copied as it is."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import carecloud_openapi

from scripts.generate import HEADER, runtime_modules

PACKAGE_DIR = Path(carecloud_openapi.__file__).parent

_PROBE = """
import importlib, json, pkgutil, sys
import carecloud_openapi.typed.enterprise, carecloud_openapi.typed.customer
import carecloud_openapi.types, carecloud_openapi.namespaces, carecloud_openapi.masking
import carecloud_openapi.api.purchases.get_purchases
from carecloud_openapi.models import Customer, Purchase
for api in (carecloud_openapi.typed.enterprise, carecloud_openapi.typed.customer):
    for tag in pkgutil.iter_modules(api.__path__):
        importlib.import_module(f"{api.__name__}.{tag.name}")
Purchase.from_dict({"purchase_items": [{"product_id": "p"}]})
repr(Customer.from_dict({"customer_id": "c"}))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "carecloud_async")))
"""


def test_importing_carecloud_openapi_does_not_import_carecloud_async() -> None:
    """Every typed namespace, the run-time modules, an endpoint and models: no facade module."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out) == []


def test_generated_code_names_no_private_facade_module_even_for_type_checkers() -> None:
    """No import of ``carecloud_async._*`` anywhere, ``TYPE_CHECKING`` blocks included."""
    imported: dict[str, set[str]] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = {node.module}
            elif isinstance(node, ast.Import):
                names = {alias.name for alias in node.names}
            else:
                continue
            for name in names:
                if name.split(".")[0] == "carecloud_async":
                    imported.setdefault(name, set()).add(path.name)
    assert set(imported) <= {"carecloud_async"}  # the public name, for ``Page`` annotations


def test_the_run_time_modules_are_copied_into_the_package_as_they_are() -> None:
    """types, namespaces and masking: the checked source plus the DO-NOT-EDIT header."""
    copied = runtime_modules()
    assert {path.name for path in copied} == {"types.py", "namespaces.py", "masking.py"}
    for source in copied:
        generated = (PACKAGE_DIR / source.name).read_text(encoding="utf-8")
        assert generated == HEADER + source.read_text(encoding="utf-8"), source.name
