"""The generated package is complete: every operation, every schema, every module imports.

Reads the specs, never a hard-coded count, so it keeps holding after a bump.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

import carecloud_openapi
import carecloud_openapi.api
import pytest
from carecloud_openapi import models

from scripts._spec import (
    GENERATOR_CONFIG,
    PINNED_SPEC,
    Spec,
    iter_operations,
    load_spec,
)
from tests.spec_examples import example as _example
from tests.spec_examples import normalized


@cache
def pinned() -> Spec:
    return load_spec(PINNED_SPEC)


def _generated_endpoints() -> dict[tuple[str, str], str]:
    found = {}
    for info in pkgutil.iter_modules(carecloud_openapi.api.__path__):
        package = importlib.import_module(f"carecloud_openapi.api.{info.name}")
        for module_name, operation in package.ENDPOINTS.items():
            found[operation] = f"{package.__name__}.{module_name}"
    return found


def test_every_operation_of_the_pinned_spec_has_an_endpoint_module() -> None:
    """No operation is dropped by the generator: each (method, path) maps to a module."""
    expected = {(method.upper(), path) for path, method, _ in iter_operations(pinned())}
    endpoints = _generated_endpoints()
    assert set(endpoints) == expected
    for module_name in endpoints.values():
        module = importlib.import_module(module_name)
        assert callable(module._get_kwargs), module_name
        assert not hasattr(module, "asyncio_detailed"), module_name


@cache
def _class_overrides() -> dict[str, str]:
    config = load_spec(GENERATOR_CONFIG)  # YAML
    return {name: o["class_name"] for name, o in (config.get("class_overrides") or {}).items()}


def _class_name(schema_name: str) -> str:
    """The class the generator emits for a component schema, after our overrides."""
    from openapi_python_client.strings import ClassName

    name = str(ClassName(schema_name, "field_"))
    return _class_overrides().get(name, name)


def test_every_component_schema_has_a_model() -> None:
    """Each component schema of the normalized spec is a class in carecloud_openapi.models."""
    missing = [
        name
        for name in normalized()["components"]["schemas"]
        if not hasattr(models, _class_name(name))
    ]
    assert missing == []


def test_every_generated_module_imports() -> None:
    """Lazy model loading must never hide a module that fails to import."""
    failures = []
    count = 0
    for info in pkgutil.walk_packages(carecloud_openapi.__path__, "carecloud_openapi."):
        count += 1
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # pragma: no cover - the assertion reports it
            failures.append(f"{info.name}: {exc!r}")
    assert failures == []
    assert count > len(list(iter_operations(pinned())))


def test_models_package_loads_classes_on_first_use() -> None:
    """Looking a model up imports its module; an unknown name is an AttributeError."""
    assert models.Purchase.__module__ == "carecloud_openapi.models.purchase"
    assert "Purchase" in dir(models)
    with pytest.raises(AttributeError, match="NoSuchModel"):
        _ = models.NoSuchModel


def _missing_keys(sent: Any, returned: Any, where: str = "") -> list[str]:
    if isinstance(sent, dict):
        if not isinstance(returned, dict):
            return [where or "."]
        lost = [f"{where}.{key}" for key in sent if key not in returned]
        for key in sent:
            if key in returned:
                lost += _missing_keys(sent[key], returned[key], f"{where}.{key}")
        return lost
    if isinstance(sent, list) and isinstance(returned, list):
        return [m for s, r in zip(sent, returned, strict=False) for m in _missing_keys(s, r, where)]
    return []


def _object_schemas() -> list[str]:
    return [
        name
        for name, schema in normalized()["components"]["schemas"].items()
        if isinstance(_example(normalized(), schema), dict)
    ]


@pytest.mark.parametrize("schema_name", _object_schemas())
def test_model_parses_its_schema_example_and_round_trips_every_key(schema_name: str) -> None:
    """from_dict(example) then to_dict() keeps every key, at every depth."""
    spec = normalized()
    instance = _example(spec, spec["components"]["schemas"][schema_name])
    model = getattr(models, _class_name(schema_name))
    assert _missing_keys(instance, model.from_dict(instance).to_dict()) == []


def test_purchase_item_keeps_its_additional_properties_field_and_unknown_keys() -> None:
    """The wire field named additional_properties no longer collides with the catch-all dict."""
    spec = normalized()
    wire = dict(_example(spec, spec["components"]["schemas"]["PurchaseItem"]))
    records = [{"property_id": "size", "value": "XL"}]
    wire.update({"additional_properties": records, "x-new": 1})
    item = models.PurchaseItem.from_dict(wire)
    assert [r.to_dict() for r in item.additional_properties] == records
    assert item.extra_properties == {"x-new": 1}
    assert item.to_dict()["additional_properties"] == records
    assert item.to_dict()["x-new"] == 1
