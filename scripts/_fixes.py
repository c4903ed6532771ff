"""Named fixes that turn the pinned upstream spec into one the generator handles.

Each fix mutates a spec in place and returns one line per change it made; an
empty list means upstream no longer needs it, which ``normalize`` reports by
name. Keep fixes small, pure and data-driven: fix the spec, never the output.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scripts._spec import Spec, SpecError, iter_operations, resolve_ref, walk, walk_places

API_EXTENSION = "x-carecloud-api"
LIST_FIELD_EXTENSION = "x-carecloud-list-field"
DATETIME_EXTENSION = "x-carecloud-datetime"
BOTH_APIS = ["enterprise", "customer"]

_API_NAME = r"(enterprise|customer)[\s-]+(?:rest\s+)?(?:api|interface)\b"
_SCOPE_STATEMENT = re.compile(
    r"\b(?:(?:available|accessible|usable|supported)\s+only|only\s+(?:be\s+)?"
    r"(?:available|accessible|usable|supported))\s+(?:in|on|via|through|from|for|to|with)\s+"
    r"(?:the\s+|an?\s+)?" + _API_NAME,
    re.IGNORECASE,
)
"""A restriction to one API, in any wording seen so far ("in the Customer interface", ...)."""
_SCOPE_HINT = re.compile(
    r"\b(?:available|accessible|usable|supported|restricted|limited|exclusive(?:ly)?)\b"
    r"[^.\n]*\b(?:enterprise|customer)[\s-]+\w*\s*(?:api|interface)\b"
    r"|\b(?:enterprise|customer)[\s-]+\w*\s*(?:api|interface)\b[^.\n]*"
    r"\b(?:only|exclusively)\b",
    re.IGNORECASE,
)
"""Looser: a sentence that seems to restrict an operation to one API, matched or not."""
_CROSS_REFERENCE = re.compile(r"\([^()]*\bonly\)|\[[^\]]*\]\([^)]*\)", re.IGNORECASE)
"""``(Enterprise API only)`` after a link, and links: about another operation, not this one."""
_SCHEMA_REF = "#/components/schemas/"


@dataclass(frozen=True)
class Fix:
    """A named change to the spec; ``apply`` returns one line per change it made.

    ``reads_prose`` marks a fix that decides from the spec's wording: it returns one
    ``place: what`` line per place it matched, so a bump can say which places a new
    document adds or drops, and the lock records how many places were reviewed.
    """

    name: str
    reason: str
    apply: Callable[[Spec], list[str]]
    reads_prose: bool = False


def _schemas(spec: Spec) -> dict[str, Any]:
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    return schemas


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def hoist_error_responses(spec: Spec) -> list[str]:
    """Move inline bodies of shared error responses into component schemas."""
    schemas = _schemas(spec)
    changes = []
    for name, response in spec.get("components", {}).get("responses", {}).items():
        for media_type, content in (response.get("content") or {}).items():
            schema = content.get("schema")
            if not isinstance(schema, dict) or "$ref" in schema:
                continue
            target = f"{name}ErrorBody"
            if target in schemas and schemas[target] != schema:
                raise SpecError(f"cannot hoist {name}: components/schemas/{target} already exists")
            schemas[target] = schema
            content["schema"] = {"$ref": _SCHEMA_REF + target}
            changes.append(f"responses/{name} ({media_type}) -> schemas/{target}")
    return changes


def drop_schema_aliases(spec: Spec) -> list[str]:
    """Replace component schemas that are a bare ``$ref`` by their target."""
    schemas = _schemas(spec)
    aliases = {
        _SCHEMA_REF + name: schema["$ref"]
        for name, schema in schemas.items()
        if isinstance(schema, dict) and set(schema) == {"$ref"}
    }
    if not aliases:
        return []
    for node in walk(spec):
        if isinstance(node, dict) and node.get("$ref") in aliases:
            target = node["$ref"]
            while target in aliases:
                target = aliases[target]
            node["$ref"] = target
    for alias in aliases:
        del schemas[alias.removeprefix(_SCHEMA_REF)]
    return [f"schemas/{a.removeprefix(_SCHEMA_REF)} -> {t}" for a, t in aliases.items()]


def hoist_clashing_property_enums(spec: Spec) -> list[str]:
    """Give inline enums whose default class name is taken a schema of their own."""
    schemas = _schemas(spec)
    taken = {_pascal(name) for name in schemas}
    changes = []
    for parent_name, parent in list(schemas.items()):
        for prop_name, prop in (parent.get("properties") or {}).items():
            if not isinstance(prop, dict) or "enum" not in prop or "$ref" in prop:
                continue
            default_name = _pascal(f"{parent_name}_{prop_name}")
            if default_name not in taken:
                continue
            target = f"{default_name}Enum"
            if target in schemas:
                raise SpecError(f"cannot hoist {parent_name}.{prop_name}: {target} exists")
            schemas[target] = prop
            parent["properties"][prop_name] = {"$ref": _SCHEMA_REF + target}
            taken.add(target)
            changes.append(f"schemas/{parent_name}.{prop_name} -> schemas/{target}")
    return changes


def share_duplicate_response_titles(spec: Spec) -> list[str]:
    """Let success responses of one operation that repeat a title share one schema."""
    schemas = _schemas(spec)
    changes = []
    for path, method, operation in iter_operations(spec):
        by_title: dict[str, list[dict[str, Any]]] = {}
        for response in operation.get("responses", {}).values():
            for content in (response.get("content") or {}).values():
                schema = content.get("schema")
                if isinstance(schema, dict) and "title" in schema:
                    by_title.setdefault(schema["title"], []).append(content)
        for title, contents in by_title.items():
            if len(contents) < 2:
                continue
            first = contents[0]["schema"]
            if any(c["schema"] != first for c in contents[1:]):
                raise SpecError(f"{method.upper()} {path}: responses titled {title} differ")
            if title in schemas and schemas[title] != first:
                raise SpecError(f"{method.upper()} {path}: schemas/{title} already exists")
            schemas[title] = first
            for content in contents:
                content["schema"] = {"$ref": _SCHEMA_REF + title}
            changes.append(f"{method.upper()} {path}: {len(contents)} responses -> schemas/{title}")
    return changes


def add_missing_array_items(spec: Spec) -> list[str]:
    """Give ``type: array`` schemas without ``items`` an explicit any-item schema."""
    changes = []
    for node in walk(spec):
        if isinstance(node, dict) and node.get("type") == "array" and "items" not in node:
            node["items"] = {}
            changes.append("array without items -> items: {}")
    return changes


def _scope_in(text: str) -> tuple[list[str], int]:
    """The API(s) ``text`` restricts to, and how many restricting sentences it seems to hold."""
    text = _CROSS_REFERENCE.sub(" ", text)
    found = {match.lower() for match in _SCOPE_STATEMENT.findall(text)}
    if len(found) > 1:
        raise SpecError(f"text claims both APIs exclusively: {text.strip()[:80]!r}")
    return sorted(found), len(_SCOPE_HINT.findall(text))


def _declares_two_apis(spec: Spec) -> bool:
    for server in spec.get("servers") or []:
        variables = (server or {}).get("variables") or {}
        for variable in variables.values():
            values = {str(v) for v in (variable or {}).get("enum") or []}
            if {"enterprise-interface", "customer-interface"} <= values:
                return True
    return False


def mark_api_scope(spec: Spec) -> list[str]:
    """Record which API serves each operation, from the spec's own statements.

    Fails rather than guess when a statement is worded in a way not matched
    (the operation would silently be marked as served by both APIs), or when a
    document serving two APIs yields no restricted operation at all.
    """
    tag_scope: dict[str, list[str]] = {}
    unmatched_tags: set[str] = set()
    for tag in spec.get("tags", []):
        scope, hints = _scope_in(tag.get("description", ""))
        tag_scope[tag["name"]] = scope
        if hints > len(scope):
            unmatched_tags.add(tag["name"])
    counts: dict[str, int] = {}
    unmatched: list[str] = []
    for path, method, operation in iter_operations(spec):
        own, hints = _scope_in(
            f"{operation.get('summary', '')}\n{operation.get('description', '')}"
        )
        tags = operation.get("tags", [])
        if hints > len(own) or (not own and unmatched_tags.intersection(tags)):
            unmatched.append(f"{method.upper()} {path}")
        inherited = [s for tag in tags for s in tag_scope.get(tag, [])]
        scope = own or sorted(set(inherited)) or list(BOTH_APIS)
        operation[API_EXTENSION] = scope
        key = "+".join(scope)
        counts[key] = counts.get(key, 0) + 1
    if unmatched:
        shown = ", ".join(unmatched[:10]) + (" ..." if len(unmatched) > 10 else "")
        raise SpecError(
            f"mark-api-scope: {len(unmatched)} operation(s) carry an API-scope statement "
            f"in a wording not recognised: {shown}; extend _SCOPE_STATEMENT in scripts/_fixes.py"
        )
    if counts and set(counts) == {"+".join(BOTH_APIS)} and _declares_two_apis(spec):
        raise SpecError(
            "mark-api-scope: the document serves two APIs but no operation states which one "
            "serves it; the scope wording changed, extend _SCOPE_STATEMENT in scripts/_fixes.py"
        )
    return [f"{count} operations: {key}" for key, count in sorted(counts.items())]


def _resolved(spec: Spec, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_ref(spec, node["$ref"])
    return node


def mark_paginated_lists(spec: Spec) -> list[str]:
    """Name the array that ``count``/``offset`` pages through on each list operation."""
    marked = 0
    for _path, method, operation in iter_operations(spec):
        if method != "get":
            continue
        params = {_resolved(spec, p).get("name") for p in operation.get("parameters", [])}
        if not {"count", "offset"} <= params:
            continue
        ok = operation.get("responses", {}).get("200", {})
        schema = _resolved(
            spec, _resolved(spec, ok).get("content", {}).get("application/json", {}).get("schema")
        )
        data = _resolved(spec, (schema or {}).get("properties", {}).get("data"))
        properties = (data or {}).get("properties", {})
        arrays = [
            name
            for name, prop in properties.items()
            if _resolved(spec, prop).get("type") == "array"
        ]
        if len(arrays) == 1 and "total_items" in properties:
            operation[LIST_FIELD_EXTENSION] = arrays[0]
            marked += 1
    return [f"{marked} list operations"] if marked else []


def _operation_parameters(spec: Spec) -> list[tuple[str, dict[str, Any]]]:
    """Every parameter object the operations use, references resolved, each once, with its
    place: ``parameters/<key> (query name)`` when shared, ``GET /path query name`` inline."""
    found: dict[int, tuple[str, dict[str, Any]]] = {}
    for path, method, operation in iter_operations(spec):
        for parameter in operation.get("parameters", []):
            resolved = _resolved(spec, parameter)
            if not isinstance(resolved, dict):
                continue
            where = f"{resolved.get('in')} {resolved.get('name')}"
            ref = parameter.get("$ref", "")
            place = (
                f"{ref.removeprefix('#/components/')} ({where})"
                if ref
                else f"{method.upper()} {path} {where}"
            )
            found.setdefault(id(resolved), (place, resolved))
    return list(found.values())


def declare_documented_array_filters(spec: Spec) -> list[str]:
    """Declare as arrays the string query parameters whose description shows ``name[]=``."""
    changes = []
    for place, parameter in _operation_parameters(spec):
        name = parameter.get("name", "")
        schema = _resolved(spec, parameter.get("schema"))
        if (
            parameter.get("in") != "query"
            or not isinstance(schema, dict)
            or schema.get("type") != "string"
            or f"{name}[]=" not in parameter.get("description", "")
        ):
            continue
        parameter["schema"] = {"type": "array", "items": schema}
        if isinstance(parameter.get("example"), str):
            parameter["example"] = [parameter["example"]]
        changes.append(f"{place}: string -> array of strings")
    return changes


_DOCUMENTED_DATETIME = re.compile(r"YYYY-MM-DD[ T]HH:MM")
_DOCUMENTED_DATE = re.compile(r"YYYY-MM-DD")


def _documented_kind(spec: Spec, holder: dict[str, Any], schema: Any) -> str | None:
    """ "datetime" or "date" for a plain string schema whose text documents the format."""
    schema = _resolved(spec, schema)
    if not isinstance(schema, dict) or schema.get("type") != "string" or "enum" in schema:
        return None
    text = f"{holder.get('description', '')} {schema.get('description', '')}"
    if schema.get("format") == "date-time" or _DOCUMENTED_DATETIME.search(text):
        return "datetime"
    if schema.get("format") == "date" or _DOCUMENTED_DATE.search(text):
        return "date"
    return None


def mark_project_datetimes(spec: Spec) -> list[str]:
    """Mark strings that carry a project-local date-time or date, from their documented format."""
    marked: dict[int, str] = {}
    for place, parameter in _operation_parameters(spec):
        if kind := _documented_kind(spec, parameter, parameter.get("schema")):
            parameter[DATETIME_EXTENSION] = kind
            marked[id(parameter)] = f"{place}: {kind}"
    for place, node in walk_places(spec):
        if not isinstance(node.get("properties"), dict):
            continue
        for name, prop in node["properties"].items():
            target = _resolved(spec, prop)
            if isinstance(prop, dict) and (kind := _documented_kind(spec, prop, prop)):
                target[DATETIME_EXTENSION] = kind
                # a shared schema is one place, named where it is defined
                where = prop["$ref"].rsplit("/", 1)[-1] if "$ref" in prop else f"{place}.{name}"
                marked.setdefault(id(target), f"{where}: {kind}")
    return list(marked.values())


ENUM_VARNAMES_EXTENSION = "x-enum-varnames"

_VALUES_INTRO = re.compile(r"possible values(?: are)?\s*:?", re.IGNORECASE)
_NUMBER_FIRST = re.compile(r"^(-?\d+)\s*-\s*(.+)$", re.DOTALL)
_LABEL_FIRST = re.compile(r"^(.+?)\s*-\s*(-?\d+)$", re.DOTALL)
_MAX_NAME_WORDS = 5


def _values_text(description: str) -> str | None:
    """The part of a description that lists what the values mean."""
    intro = _VALUES_INTRO.search(description)
    if intro:
        text = description[intro.end() :]
        return text.split("*", 1)[0] if "*" in description[: intro.start()] else text
    for block in re.findall(r"\(([^()]*)\)|\*([^*]*)\*", description):
        text = block[0] or block[1]
        if re.search(r"-?\d+\s*-\s*[A-Za-z]", text):
            return text
    return None


def _member_name(label: str) -> str | None:
    """An upper-case identifier from a value's label, or None if it reads as a sentence."""
    label = re.sub(r"\([^()]*\)", " ", label)
    label = re.split(r"\.\s|\.$|\s-\s|\*|\n", label, maxsplit=1)[0]
    words = re.findall(r"[A-Za-z0-9]+", label)
    if not words or len(words) > _MAX_NAME_WORDS or not words[0][0].isalpha():
        return None
    return "_".join(words).upper()


def described_enum_names(description: str, values: list[int]) -> list[str] | None:
    """Member names for an integer enum from a description such as ``0 - blocked / 1 - active``.

    A value the description does not explain keeps its ``VALUE_<n>`` name; the
    enum is left alone unless at least two values are explained, and names never repeat.
    """
    text = _values_text(description)
    if text is None:
        return None
    items = [part for part in re.split(r"/" if "/" in text else r",(?=\s*-?\d)", text)]
    labels: dict[int, str] = {}
    for item in items:
        item = item.strip().strip(".").strip()
        match = _NUMBER_FIRST.match(item)
        if match:
            number, label = int(match.group(1)), match.group(2)
        elif match := _LABEL_FIRST.match(item):
            label, number = match.group(1), int(match.group(2))
        else:
            continue
        name = _member_name(label)
        if name is not None:
            labels.setdefault(number, name)
    names = [labels.get(v) or (f"VALUE_{v}" if v >= 0 else f"VALUE_NEGATIVE_{-v}") for v in values]
    if sum(v in labels for v in values) < 2 or len(set(names)) != len(names):
        return None
    return names


def name_described_enum_values(spec: Spec) -> list[str]:
    """Give integer enum members the names their description lists (``VALUE_<n>`` stays an alias)."""
    described: dict[int, tuple[str, dict[str, Any], str]] = {}
    for place, parameter in _operation_parameters(spec):
        schema = _resolved(spec, parameter.get("schema"))
        if isinstance(schema, dict):
            text = f"{parameter.get('description', '')} {schema.get('description', '')}"
            described[id(schema)] = (place, schema, text)
    for place, node in walk_places(spec):
        described.setdefault(id(node), (place, node, str(node.get("description", ""))))
    changes = []
    for place, schema, text in described.values():
        values = schema.get("enum")
        if schema.get("type") != "integer" or not isinstance(values, list):
            continue
        if ENUM_VARNAMES_EXTENSION in schema:
            continue
        names = described_enum_names(text, [v for v in values if isinstance(v, int)])
        if names is None:
            continue
        schema[ENUM_VARNAMES_EXTENSION] = names
        pairs = ", ".join(f"{v}={n}" for v, n in zip(values, names, strict=True))
        changes.append(f"{place}: {pairs}")
    return changes


FIXES: tuple[Fix, ...] = (
    Fix(
        "hoist-error-responses",
        "inline error bodies become one model per operation; a shared schema gives one per shape",
        hoist_error_responses,
    ),
    Fix(
        "drop-schema-aliases",
        "an alias such as Customer-type maps to the same class name as its target",
        drop_schema_aliases,
    ),
    Fix(
        "hoist-clashing-property-enums",
        "Task.state would be named TaskState like the TaskState schema, so Task is dropped",
        hoist_clashing_property_enums,
    ),
    Fix(
        "share-duplicate-response-titles",
        "200 and 201 bodies with one title make the generator drop the login response",
        share_duplicate_response_titles,
    ),
    Fix(
        "add-missing-array-items",
        "an array schema without items makes the generator drop the whole enclosing model",
        add_missing_array_items,
    ),
    Fix(
        "mark-api-scope",
        f"{API_EXTENSION} lets the client refuse an operation on the wrong API before sending",
        mark_api_scope,
    ),
    Fix(
        "mark-paginated-lists",
        f"{LIST_FIELD_EXTENSION} lets the paginator find the list without a hand-kept table",
        mark_paginated_lists,
    ),
    Fix(
        "declare-documented-array-filters",
        "filters typed string whose text shows name[]= could not take more than one value",
        declare_documented_array_filters,
        reads_prose=True,
    ),
    Fix(
        "mark-project-datetimes",
        f"{DATETIME_EXTENSION} lets the client format datetime and date values in project time",
        mark_project_datetimes,
        reads_prose=True,
    ),
    Fix(
        "name-described-enum-values",
        "members read ACTIVE / BLOCKED instead of VALUE_1 / VALUE_0 where the spec says so",
        name_described_enum_values,
        reads_prose=True,
    ),
)
