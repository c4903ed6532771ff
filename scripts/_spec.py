"""Reading, writing and walking OpenAPI documents, shared by every script."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OPENAPI_DIR = ROOT / "openapi"
PINNED_SPEC = OPENAPI_DIR / "carecloud-openapi.yaml"
LOCK_FILE = OPENAPI_DIR / "spec.lock.json"
GENERATOR_CONFIG = OPENAPI_DIR / "generator.yaml"
TEMPLATES_DIR = OPENAPI_DIR / "templates"
GENERATED_DIR = ROOT / "generated"
PACKAGE_NAME = "carecloud_openapi"
BUILD_DIR = ROOT / "build"
NORMALIZED_SPEC = BUILD_DIR / "normalized-openapi.json"

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

Spec = dict[str, Any]


class SpecError(ValueError):
    """The document is not something we can pin or generate from."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def parse_spec(text: str | bytes, source: str = "document") -> Spec:
    """Parse YAML or JSON text; the C loader keeps a 1.4 MB spec well under a second."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise SpecError(f"{source}: not valid YAML or JSON ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{source}: top level is {type(data).__name__}, expected a mapping")
    return data


def load_spec(path: Path) -> Spec:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_spec(raw, str(path))


def dump_spec(spec: Spec) -> bytes:
    """Deterministic JSON: same input, same bytes, so its sha256 can be locked."""
    return (json.dumps(spec, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def iter_operations(spec: Spec) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (path, method, operation) in document order."""
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation


def resolve_ref(spec: Spec, ref: str) -> Any:
    """Follow a local JSON pointer such as ``#/components/schemas/Purchase``."""
    if not ref.startswith("#/"):
        raise SpecError(f"only local references are supported, got {ref!r}")
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def walk(node: Any) -> Iterator[Any]:
    """Every dict and list below ``node``, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            yield current
            stack.extend(reversed(current))


_NAMED_CHILDREN = {"properties": ".{}", "responses": " {}", "patternProperties": ".{}"}
_SAME_PLACE = ("schema", "allOf", "oneOf", "anyOf", "not")


def _child_place(place: str, key: str, child: Any) -> Iterator[tuple[str, Any]]:
    """The places of what ``key`` holds below ``place`` (see :func:`walk_places`)."""
    if place == "" and key in ("paths", "components") and isinstance(child, dict):
        for name, value in child.items():
            if key == "paths":
                yield name, value
            else:  # schemas keep their bare name, the rest say what they are
                for member, node in (value or {}).items():
                    yield member if name == "schemas" else f"{name}/{member}", node
    elif place.startswith("/") and key in HTTP_METHODS:
        yield f"{key.upper()} {place}", child
    elif key in _NAMED_CHILDREN and isinstance(child, dict):
        for name, value in child.items():
            yield place + _NAMED_CHILDREN[key].format(name), value
    elif key == "parameters" and isinstance(child, list):
        for parameter in child:
            named = isinstance(parameter, dict) and "name" in parameter
            where = f"{parameter.get('in')} {parameter['name']}" if named else "parameter"
            yield f"{place} {where}", parameter
    elif key == "content" and isinstance(child, dict):
        for media_type, value in child.items():
            yield place if media_type == "application/json" else f"{place} ({media_type})", value
    elif key in _SAME_PLACE:
        yield place, child
    elif key == "requestBody":
        yield f"{place} request", child
    elif key == "items":
        yield f"{place}[]", child
    elif key == "additionalProperties":
        yield f"{place}{{}}", child
    else:
        yield f"{place}/{key}", child


def walk_places(spec: Spec) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every dict below ``spec`` with a name for where it is, parents before children.

    Names read the way the API changelog writes them: ``Customer.personal_information``
    (a component schema), ``GET /cards query state``, ``POST /customers request.email``,
    ``GET /agreements 200.data``, ``parameters/reward_id`` (a shared parameter). They
    name the place in this document, so two documents can be compared place by place.
    """
    stack: list[tuple[str, Any]] = [("", spec)]
    while stack:
        place, node = stack.pop()
        if isinstance(node, list):
            stack.extend((place, item) for item in reversed(node))
        if not isinstance(node, dict):
            continue
        yield place, node
        children = [pair for key, child in node.items() for pair in _child_place(place, key, child)]
        stack.extend(reversed(children))


def read_lock(path: Path = LOCK_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_text_atomic(path: Path, data: bytes) -> None:
    """Write next to the target, then rename: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def dump_lock(lock: dict[str, Any]) -> bytes:
    return (json.dumps(lock, indent=2) + "\n").encode("utf-8")
