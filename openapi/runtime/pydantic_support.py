"""How pydantic (and so FastAPI) validates, serializes and documents the generated models.

Every model names ``pydantic_core_schema`` and ``pydantic_json_schema`` (from
``types``) as its ``__get_pydantic_core_schema__`` / ``__get_pydantic_json_schema__``;
they import this module the first time pydantic asks, so ``import carecloud_openapi``
and every call stay free of pydantic, which is not a dependency.

- Validation: an instance of the model is taken as it is; a mapping (a dict, or
  parsed JSON) is read by ``from_dict`` **strictly**: a missing required field or a
  value of another type is a ``ValidationError`` naming its JSON path. What reaches
  pydantic comes from your code or your own callers, not from CareCloud, so the
  SDK's tolerant reading of answers does not apply.
- Serialization: ``to_dict()``, the plain JSON values the API uses (dates and
  date-times as strings, enums as their values, undeclared keys kept).
- JSON schema: the model's schema in the shipped spec (``openapi.json``, found by
  ``model_schemas.POINTERS``), turned from OpenAPI 3.0 into JSON Schema; a schema
  the spec names (``$ref``) becomes a reference to that model's own definition, so
  an app's ``/openapi.json`` lists each model once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from importlib import import_module, resources
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from pydantic_core import PydanticCustomError, core_schema

from .types import SchemaDeviationError, reading

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue

__all__ = ["model_core_schema", "model_json_schema", "spec_node"]

JsonSchema: TypeAlias = dict[str, Any]
_COMPONENTS = "#/components/schemas/"
_NESTED = "carecloud_nested_models"
"""Metadata key of a model's core schema: the references of the models its schema names."""
_DROPPED = frozenset({"nullable", "example"})
"""OpenAPI 3.0 keywords that JSON Schema says differently (see ``_convert``)."""


class GeneratedModel(Protocol):
    """What the generated models offer: reading from and writing to plain JSON values."""

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Any: ...

    def to_dict(self) -> dict[str, Any]: ...


@cache
def _spec() -> dict[str, Any]:
    data = resources.files(__package__ or "carecloud_openapi").joinpath("openapi.json")
    spec: dict[str, Any] = json.loads(data.read_bytes())
    return spec


@cache
def _pointers() -> dict[str, str]:
    pointers: dict[str, str] = import_module(".model_schemas", __package__).POINTERS
    return pointers


@cache
def _component_classes() -> dict[str, str]:
    """``#/components/schemas/X`` -> the class generated for it."""
    found: dict[str, str] = {}
    for name, pointer in _pointers().items():
        if pointer.startswith("/components/schemas/"):
            found.setdefault("#" + pointer, name)
    return found


def spec_node(pointer: str) -> Any:
    """The node of the shipped spec at a JSON pointer (``/components/schemas/Store``, or
    with a leading ``#``)."""
    node: Any = _spec()
    for part in pointer.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _model_class(name: str) -> type[GeneratedModel]:
    found: type[GeneratedModel] = getattr(import_module(".models", __package__), name)
    return found


def _validator(cls: type[GeneratedModel]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise PydanticCustomError(
                "carecloud_model_type",
                "{model} is read from a JSON object (a dict), not {found}",
                {"model": cls.__name__, "found": type(value).__name__},
            )
        try:
            with reading(strict=True):
                return cls.from_dict(value)
        except SchemaDeviationError as exc:
            raise PydanticCustomError(
                "carecloud_schema",
                "{model}: {problem}",
                {"model": cls.__name__, "problem": str(exc)},
            ) from None

    return validate


def _serialize(value: Any) -> Any:
    return value.to_dict() if hasattr(value, "to_dict") else value


def _refs(node: Any, found: set[str]) -> set[str]:
    """The component schemas ``node`` refers to."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_COMPONENTS):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _core_ref(cls: type[GeneratedModel]) -> str:
    """The reference pydantic itself gives a class (``module.qualname:id``)."""
    return f"{cls.__module__}.{cls.__qualname__}:{id(cls)}"


def model_core_schema(
    cls: type[GeneratedModel], handler: GetCoreSchemaHandler
) -> core_schema.CoreSchema:
    """The core schema of a generated model: ``from_dict`` in, ``to_dict`` out, one
    definition per model, and the definitions of the models its schema names."""
    classes = _component_classes()
    nested: dict[str, str] = {}
    for target in sorted(_refs(spec_node(_pointers()[cls.__name__]), set())):
        if target in classes and classes[target] != cls.__name__:
            nested_class = _model_class(classes[target])
            handler.generate_schema(nested_class)  # defines it, once per schema build
            nested[target] = _core_ref(nested_class)
    # Never validates anything: it shows pydantic that the nested definitions are used
    # (the JSON schema refers to them), so they are kept beside this one. The metadata
    # marks each reference as one to keep rather than inline.
    uses: list[core_schema.CoreSchema] = [
        core_schema.definition_reference_schema(ref, metadata={_NESTED: True})
        for ref in nested.values()
    ]
    return core_schema.no_info_plain_validator_function(
        _validator(cls),
        ref=_core_ref(cls),
        json_schema_input_schema=core_schema.tuple_schema(uses),
        serialization=core_schema.plain_serializer_function_ser_schema(_serialize),
        metadata={_NESTED: nested},
    )


def model_json_schema(
    cls: type[GeneratedModel], schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
) -> JsonSchemaValue:
    """The model's schema from the spec, as JSON Schema; named schemas become references
    to their models' definitions (which pydantic then lists once)."""
    metadata = schema.get("metadata") or {}
    nested: dict[str, str] = metadata.get(_NESTED, {})

    def ref(target: str) -> JsonSchema | None:
        if target not in nested:
            return None
        reference: JsonSchema = handler(core_schema.definition_reference_schema(nested[target]))
        return reference

    converted = _convert(spec_node(_pointers()[cls.__name__]), ref)
    converted["title"] = cls.__name__
    return converted


def _convert(node: Any, ref: Callable[[str], JsonSchema | None]) -> JsonSchema:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` becomes a ``null`` type,
    ``example`` becomes ``examples``, extensions (``x-...``) go, ``$ref`` becomes the
    referenced model's definition or the schema it names, inlined."""
    if not isinstance(node, Mapping):
        return {}
    target = node.get("$ref")
    if isinstance(target, str):
        found = ref(target)
        return found if found is not None else _convert(spec_node(target), ref)
    out: JsonSchema = {}
    for key, value in node.items():
        if key in _DROPPED or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, Mapping):
            out[key] = {name: _convert(prop, ref) for name, prop in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, Mapping):
            out[key] = _convert(value, ref)
        elif key in ("allOf", "oneOf", "anyOf") and isinstance(value, list):
            out[key] = [_convert(branch, ref) for branch in value]
        else:
            out[key] = value
    if "example" in node:
        out["examples"] = [node["example"]]
    if node.get("nullable") is True:
        out = _nullable(out)
    return out


def _nullable(schema: JsonSchema) -> JsonSchema:
    if isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}
