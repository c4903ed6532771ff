"""What the overridden model and enum templates produce, checked on the generated source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from carecloud_openapi import models
from carecloud_openapi.types import UNSET

MODELS_DIR = Path(models.__file__).parent
HOT_MODELS = ["purchase", "purchase_item", "property_record", "personal_information", "customer"]
ARRAY_ITEM_MODELS = [module for module in HOT_MODELS if module != "personal_information"]
"""The hot models some other model reads as the items of an array."""


def _functions(module: str) -> dict[str, ast.FunctionDef]:
    tree = ast.parse((MODELS_DIR / f"{module}.py").read_text(encoding="utf-8"))
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def _from_dict(module: str) -> ast.FunctionDef:
    """The function that reads the JSON object: ``_from_json`` where ``from_dict`` is a
    wrapper around it (models holding others), else ``from_dict`` itself."""
    functions = _functions(module)
    found = functions.get("_from_json") or functions.get("from_dict")
    if found is None:
        raise AssertionError(f"{module} has no from_dict")
    return found


def _readers(module: str) -> list[ast.FunctionDef]:
    """The object reader, and the reader of a JSON array of such objects where it has one."""
    functions = _functions(module)
    return [
        _from_dict(module),
        *([functions["_from_json_list"]] if module in ARRAY_ITEM_MODELS else []),
    ]


@pytest.mark.parametrize(
    ("module", "reader"),
    [(module, 0) for module in HOT_MODELS] + [(module, 1) for module in ARRAY_ITEM_MODELS],
)
def test_from_dict_imports_nothing_copies_nothing_and_catches_nothing(
    module: str, reader: int
) -> None:
    function = _readers(module)[reader]
    nodes = list(ast.walk(function))
    assert not [n for n in nodes if isinstance(n, ast.Import | ast.ImportFrom)]
    # The only try block reads every declared key at once, when the object has enough keys
    # to hold them all: no exception is raised on the common path, nothing else is caught.
    for node in nodes:
        if isinstance(node, ast.Try):
            assert len(node.body) == 1
            assert isinstance(node.body[0], ast.Assign)
            assert ast.unparse(node.body[0].value) == "_declared(src_dict)"
            assert [ast.unparse(h.type) for h in node.handlers if h.type] == ["KeyError"]
    calls = [n.func for n in nodes if isinstance(n, ast.Call)]
    assert not [f for f in calls if isinstance(f, ast.Attribute) and f.attr == "pop"]
    assert not [f for f in calls if isinstance(f, ast.Name) and f.id == "dict"]


def test_an_array_of_objects_is_read_by_one_call_not_one_per_item() -> None:
    """Purchase hands its arrays of items and records to the item model's array reader."""
    calls = [
        ast.unparse(n.func) for n in ast.walk(_from_dict("purchase")) if isinstance(n, ast.Call)
    ]
    assert "_read_PurchaseItem_list" in calls
    assert "_read_PropertyRecord_list" in calls
    assert "_read_PurchaseItem" not in calls
    assert "_read_PropertyRecord" not in calls


@pytest.mark.parametrize("module", HOT_MODELS)
def test_from_dict_fills_every_attribute_the_constructor_would(module: str) -> None:
    """from_dict makes the instance without __init__: nothing may be left unset."""
    cls = getattr(models, "".join(part.title() for part in module.split("_")))
    for source in ({}, {"unknown_key": 1}):
        made = cls.from_dict(source)
        values = {field.name: getattr(made, field.name) for field in attrs.fields(cls)}
        rebuilt = cls(**{f.name: values[f.name] for f in attrs.fields(cls) if f.init})
        (stored,) = [f.name for f in attrs.fields(cls) if not f.init]
        catch_all = stored.lstrip("_")  # made on first use: stored as None until then
        getattr(rebuilt, catch_all).update(getattr(made, catch_all))
        assert made == rebuilt
        assert getattr(made, catch_all) == dict(source)


def test_only_models_read_as_array_items_carry_the_array_reader() -> None:
    """The generator hands the templates the models some array holds; the rest (most of
    the package) carry no array reader."""
    modules = sorted(MODELS_DIR.glob("*.py"))
    with_reader = {p.stem for p in modules if "def _from_json_list" in p.read_text("utf-8")}
    assert set(ARRAY_ITEM_MODELS) <= with_reader
    assert "personal_information" not in with_reader
    assert len(with_reader) < len(modules) / 4


@pytest.mark.parametrize("module", ARRAY_ITEM_MODELS)
def test_the_array_reader_reads_each_item_as_from_dict_does(module: str) -> None:
    """An array read in one loop gives the same models as reading its objects one by one."""
    cls = getattr(models, "".join(part.title() for part in module.split("_")))
    items: list[dict[str, object]] = [{}, {"unknown_key": 1}, {"unknown_key": 1, "other": 2}]
    assert cls._from_json_list(items, None, "items") == [cls.from_dict(item) for item in items]


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


def test_copies_and_pickles_keep_unset_fields_unset() -> None:
    """A copied model's absent fields are still ``UNSET`` itself, so ``to_dict`` leaves them out."""
    import copy
    import pickle

    source = {"property_id": "note", "property_value": "x"}
    made = models.PropertyRecord.from_dict(source)
    assert made == models.PropertyRecord(property_id="note", property_value="x")
    for twin in (copy.copy(made), copy.deepcopy(made), pickle.loads(pickle.dumps(made))):
        assert twin == made
        assert twin.property_name is UNSET
        assert twin.to_dict() == source
