"""Where in the spec each generated model's schema is, for the pydantic interop.

Runs inside ``make generate``: openapi-python-client names a model after the
place it found its schema (a component, or an inline object under an operation),
but does not write that place down. This step asks the generator's own parser
for every model and its parsed schema, parses every object schema of the
normalized spec the same way, and pairs them by content. Two places with the
same schema are the same JSON schema, so whichever is found first serves.

The result, ``carecloud_openapi/model_schemas.py``, maps class name -> JSON
pointer into the shipped ``openapi.json``; ``carecloud_openapi.pydantic_support``
reads it only when pydantic asks a model for its schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scripts._spec import Spec

MODULE_NAME = "model_schemas.py"


class ModelSchemaError(RuntimeError):
    """A generated model whose schema is nowhere in the spec."""


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def object_schemas(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema in ``node`` that can become a model, with its JSON pointer, in
    document order (so the first of equal schemas is always the same one)."""
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node or "allOf" in node:
            yield pointer, node
        for key, value in node.items():
            yield from object_schemas(value, f"{pointer}/{_escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from object_schemas(value, f"{pointer}/{index}")


def model_schema_pointers(spec: Spec, config: Any) -> dict[str, str]:
    """Class name -> JSON pointer of its schema, for every model the generator makes."""
    from openapi_python_client.parser import GeneratorData
    from openapi_python_client.schema import openapi_schema_pydantic as oai

    def fingerprint(schema: Any) -> str:
        return str(schema.model_dump_json(by_alias=True))

    places: dict[str, str] = {}
    for pointer, node in object_schemas(spec):
        try:
            parsed = oai.Schema.model_validate(node)
        except ValueError:  # not a schema (an example or an extension that looks like one)
            continue
        places.setdefault(fingerprint(parsed), pointer)
    data = GeneratorData.from_dict(spec, config=config)
    if not isinstance(data, GeneratorData):
        raise ModelSchemaError(f"the generator could not parse the spec: {data.header}")
    found: dict[str, str] = {}
    for model in data.models:
        name = str(model.class_info.name)
        pointer = places.get(fingerprint(model.data))
        if pointer is None:
            raise ModelSchemaError(f"{name}: its schema is not found in the spec")
        found[name] = pointer
    return dict(sorted(found.items()))


def model_schemas_source(pointers: dict[str, str]) -> str:
    """The generated module holding the class name -> JSON pointer table."""
    lines = [
        '"""Where each model\'s schema is in ``openapi.json`` (read by ``pydantic_support``)."""',
        "",
        "# class name -> JSON pointer into the normalized spec",
        "POINTERS: dict[str, str] = {",
    ]
    lines += [f"    {name!r}: {pointer!r}," for name, pointer in pointers.items()]
    lines.append("}")
    return "\n".join(lines) + "\n"
