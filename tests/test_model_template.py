"""What the overridden model and enum templates produce, checked on the generated source."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from carecloud_openapi import models

MODELS_DIR = Path(models.__file__).parent
HOT_MODELS = ["purchase", "purchase_item", "property_record", "personal_information", "customer"]


def _from_dict(module: str) -> ast.FunctionDef:
    tree = ast.parse((MODELS_DIR / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "from_dict":
            return node
    raise AssertionError(f"{module} has no from_dict")


@pytest.mark.parametrize("module", HOT_MODELS)
def test_from_dict_imports_nothing_copies_nothing_and_catches_nothing(module: str) -> None:
    function = _from_dict(module)
    nodes = list(ast.walk(function))
    assert not [n for n in nodes if isinstance(n, ast.Import | ast.ImportFrom)]
    # The only try blocks read a required key (nearly always present): no exception is
    # raised on the common path, and nothing else is caught.
    for node in nodes:
        if isinstance(node, ast.Try):
            assert len(node.body) == 1
            assert isinstance(node.body[0], ast.Assign)
            assert isinstance(node.body[0].value, ast.Subscript)
            assert [ast.unparse(h.type) for h in node.handlers if h.type] == ["KeyError"]
    calls = [n.func for n in nodes if isinstance(n, ast.Call)]
    assert not [f for f in calls if isinstance(f, ast.Attribute) and f.attr == "pop"]
    assert not [f for f in calls if isinstance(f, ast.Name) and f.id == "dict"]


@pytest.mark.parametrize("module", HOT_MODELS)
def test_the_constructor_is_called_positionally_in_declaration_order(module: str) -> None:
    function = _from_dict(module)
    call = next(
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "cls"
    )
    assert call.keywords == []
    cls = getattr(models, "".join(part.title() for part in module.split("_")))
    declared = list(inspect.signature(cls).parameters)
    assert [arg.id for arg in call.args if isinstance(arg, ast.Name)] == declared


_PROBE = """
import sys
from carecloud_openapi.models.purchase import Purchase
before = "carecloud_openapi.models.purchase_item" in sys.modules
Purchase.from_dict({"purchase_items": [{"product_id": "p"}]})
print(before, "carecloud_openapi.models.purchase_item" in sys.modules)
"""


def test_models_a_model_refers_to_are_imported_on_its_first_use() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    assert out.split() == ["False", "True"]


def test_every_enum_is_open() -> None:
    enum_modules = [
        path
        for path in MODELS_DIR.glob("*.py")
        if "(IntEnum):" in (text := path.read_text(encoding="utf-8")) or "(StrEnum):" in text
    ]
    assert len(enum_modules) > 50
    for path in enum_modules:
        assert "def _missing_(cls, value: object) -> Any:" in path.read_text(encoding="utf-8")
