"""The one walker over the spec's JSON schemas: every keyword, read the same way everywhere.

Input checks, the body fitter, the date-time wire formats, the mock's request
checks and example answers, and the CLI's field listing are all visits of the
nodes compiled here: ``$ref`` is followed and ``allOf`` merged once per schema
node, and each keyword (``required``, ``readOnly``, ``writeOnly``, bounds,
lengths, ``enum``, ``format``, ``pattern``, ``oneOf``/``anyOf``, ``nullable``,
``x-carecloud-datetime``) has one meaning.

Who asks decides the ``Mode``:

- ``CLIENT``, what a caller may put into a request (Python values): read-only
  fields are never required, fields the schema does not declare are refused
  (the spec declares every field), patterns are left to the server, and a
  ``date`` / ``datetime`` fills a date-time field (``_wire`` formats it);
- ``SERVER``, what the mock accepts (JSON values, as Prism reads the spec):
  read-only fields are the server's to assign, so they are neither required
  nor checked; undeclared fields pass unless ``additionalProperties`` is false;
  patterns are checked.

A check returns ``Problem`` values (JSON path, one of the API's generic reason
codes, a message), so a client's ``ConfigurationError`` and the mock's
``400 invalid_params`` say the same thing. Messages never echo free text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

from carecloud_async._spec_data import normalized_spec, resolved

__all__ = [
    "DATETIME_EXTENSION",
    "PLACEHOLDER_BY_TYPE",
    "Column",
    "ColumnKind",
    "Mode",
    "Node",
    "Problem",
    "Schemas",
    "Shape",
    "describe_value",
    "enum_problem",
    "near_miss",
    "same_value",
    "spec_schemas",
]

DATETIME_EXTENSION = "x-carecloud-datetime"

Shape = dict[str, Any]
"""Body field name -> ``"datetime"`` / ``"date"`` or a nested ``Shape``; lists apply to items."""


ColumnKind = Literal[
    "string", "integer", "number", "boolean", "datetime", "date", "struct", "list", "json"
]
"""How a table stores a value: a plain type, a project-local date-time or date, a nested
struct or list, or ``json`` (the value as JSON text) where the schema fixes no one type."""


@dataclass(frozen=True, slots=True)
class Column:
    """The storage shape of one schema, for columnar outputs (Arrow, Parquet, DuckDB)."""

    kind: ColumnKind
    fields: tuple[tuple[str, Column], ...] = ()
    """A struct's fields in the schema's order."""
    item: Column | None = None
    """A list's items."""
    enum: tuple[Any, ...] = ()
    """The plain values an enum allows (kept as plain values in the column)."""


_PLAIN_KINDS: dict[str, ColumnKind] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}


class Mode(enum.Enum):
    """Who asks: a caller building a request, or the mock reading one."""

    CLIENT = "client"
    SERVER = "server"


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a request does not fit: which parameter, a reason code, and why."""

    name: str
    """The parameter or the body field's JSON path (``body.bill.bill_items[0].price``)."""
    reason: str
    """One of the API's generic reason codes: ``required``, ``invalid_value_format``,
    ``not_allowed_value``, ``empty``."""
    message: str

    def as_invalid_param(self) -> dict[str, str]:
        """The entry of a ``400`` body's ``error.error_data.invalid_params``."""
        return {"name": self.name, "reason": self.reason, "message": self.message}


_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (True or False)",
    "array": "a list",
    "object": "a dict",
}
_DATE_TEXT = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
_NO_EXAMPLE: Any = object()
_MAX_EXAMPLE_DEPTH = 8
PLACEHOLDER_BY_TYPE: dict[str, Any] = {
    "string": "text",
    "integer": 1,
    "number": 1.5,
    "boolean": True,
    "array": [],
    "object": {},
}
"""What an example answer holds for a required property that has no example of its own."""


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """One schema with ``$ref`` followed and ``allOf`` merged: what every visit reads."""

    schema: Mapping[str, Any]
    """The resolved schema as the spec writes it."""
    type: str | None
    is_object: bool
    properties: Mapping[str, Any]
    """Raw property schemas, ``allOf`` branches merged in (a schema's own win)."""
    required: tuple[str, ...]
    declared: bool
    """The object lists its properties, so an unknown field is a mistake."""
    closed: bool
    """``additionalProperties: false``."""
    items: Any
    branches: tuple[Any, ...]
    """``oneOf`` / ``anyOf``: the value fits one of them."""
    enum: tuple[Any, ...]
    """The allowed values besides null (``nullable`` says whether null is one)."""
    nullable: bool
    read_only: bool
    write_only: bool
    minimum: float | None
    maximum: float | None
    min_items: int | None
    max_items: int | None
    min_length: int | None
    max_length: int | None
    pattern: re.Pattern[str] | None
    format: str | None
    datetime_kind: Literal["datetime", "date"] | None
    example: Any
    description: str


def _got(value: Any) -> str:
    """What a value is, without echoing free text (it may be personal data or a secret)."""
    if value is None:
        return "None"
    if isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


describe_value = _got


def near_miss(name: str, candidates: Sequence[str]) -> str:
    """``; did you mean 'x'?`` for a close candidate, else an empty string."""
    import difflib  # deferred: only a refused input needs it (half a millisecond to import)

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    return f"; did you mean {close[0]!r}?" if close else ""


def enum_problem(where: str, values: Sequence[Any], value: Any, member_of: str | None) -> str:
    """The message for a value outside an enum, listing the valid ones."""
    listed = ", ".join(repr(v) for v in values)
    member = f" (or a {member_of} member)" if member_of else ""
    shown = repr(value)[:40] if isinstance(value, str | int) else _got(value)
    near = ""
    if isinstance(value, str):
        near = near_miss(value, [str(v) for v in values if isinstance(v, str)])
    return f"{where} must be one of {listed}{member}, got {shown}{near}"


def same_value(value: Any, allowed: Any) -> bool:
    """Equal and both bools or both not (``1 == True`` in Python)."""
    return bool(value == allowed) and isinstance(value, bool) == isinstance(allowed, bool)


def _fits_type(kind: str | None, value: Any, mode: Mode) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        if isinstance(value, bool):
            return False
        # JSON has one number type: 2.0 is an integer there, not in Python code
        return isinstance(value, int) or (
            mode is Mode.SERVER and isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list) or (mode is Mode.CLIENT and isinstance(value, tuple))
    if kind == "object":
        return isinstance(value, Mapping)
    return True


def _expected(node: Node) -> str:
    text = _TYPE_NAMES.get(node.type or "", "a value")
    bounds = []
    if node.minimum is not None:
        bounds.append(f">= {node.minimum}")
    if node.maximum is not None:
        bounds.append(f"<= {node.maximum}")
    return " ".join([text, *bounds])


class Schemas:
    """The compiled schema nodes of one spec document, each built once on first use."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        # id(raw) -> (raw, node): holding raw keeps its id from being reused by another object
        self._nodes: dict[int, tuple[Any, Node]] = {}
        self._by_schema: dict[int, Node] = {}

    def resolve(self, raw: Any) -> Any:
        """``raw`` itself, or the end of its ``$ref`` chain."""
        return resolved(self.spec, raw)

    def node(self, raw: Any) -> Node:
        """The compiled node of a schema (a ``$ref`` or the schema itself)."""
        entry = self._nodes.get(id(raw))
        if entry is not None:
            return entry[1]
        schema = self.resolve(raw)
        found = self._by_schema.get(id(schema))
        if found is None:
            found = self._compile(schema, frozenset())
            if found.schema is schema:
                self._by_schema[id(schema)] = found
        self._nodes[id(raw)] = (raw, found)
        return found

    def _compile(self, raw: Any, merging: frozenset[int]) -> Node:
        schema = self.resolve(raw)
        if not isinstance(schema, Mapping):
            schema = {}
        properties: dict[str, Any] = dict(schema.get("properties") or {})
        required = list(schema.get("required") or ())
        facts: dict[str, Any] = dict(schema)
        declared = "properties" in schema
        for branch in schema.get("allOf") or ():
            if id(branch) in merging:
                continue  # an allOf that loops adds nothing new
            part = self._compile(branch, merging | {id(branch)})
            for name, prop in part.properties.items():
                properties.setdefault(name, prop)
            required.extend(part.required)
            declared = declared or part.declared
            for key, value in part.schema.items():
                if key not in ("properties", "required", "allOf", "description", "example"):
                    facts.setdefault(key, value)
        kind = facts.get("type")
        pattern = facts.get("pattern")
        datetime_kind = facts.get(DATETIME_EXTENSION)
        return Node(
            schema=schema,
            type=kind if isinstance(kind, str) else None,
            is_object=kind == "object" or declared,
            properties=properties,
            required=tuple(dict.fromkeys(required)),
            declared=declared,
            closed=facts.get("additionalProperties") is False,
            items=facts.get("items"),
            branches=tuple(facts.get("oneOf") or facts.get("anyOf") or ()),
            enum=tuple(v for v in facts.get("enum") or () if v is not None),
            nullable=bool(facts.get("nullable")),
            read_only=bool(facts.get("readOnly")),
            write_only=bool(facts.get("writeOnly")),
            minimum=facts.get("minimum"),
            maximum=facts.get("maximum"),
            min_items=facts.get("minItems"),
            max_items=facts.get("maxItems"),
            min_length=facts.get("minLength"),
            max_length=facts.get("maxLength"),
            pattern=re.compile(pattern) if isinstance(pattern, str) else None,
            format=facts.get("format"),
            datetime_kind=datetime_kind if datetime_kind in ("datetime", "date") else None,
            example=schema.get("example", _NO_EXAMPLE),
            description=" ".join(str(schema.get("description") or "").split()),
        )

    # -- checking ------------------------------------------------------------------------

    def check(
        self,
        raw: Any,
        value: Any,
        name: str,
        mode: Mode,
        problems: list[Problem],
        label: str | None = None,
    ) -> None:
        """Append to ``problems`` every way ``value`` does not fit the schema ``raw``.

        ``raw`` is a schema or its compiled ``Node``. ``name`` is the JSON path
        reported; ``label`` how messages call it (the name itself unless given,
        ``query parameter 'count'`` for a parameter).
        """
        node = raw if type(raw) is Node else self.node(raw)
        where = name if label is None else label
        if value is None:
            if not node.nullable and (node.type or node.is_object or node.branches):
                problems.append(
                    Problem(name, "empty", f"{where} is None; leave the field out instead")
                )
            return
        if node.branches:
            self._check_branches(node, value, name, mode, problems, where)
            return
        if mode is Mode.CLIENT and node.datetime_kind and isinstance(value, date):
            return  # formatted by _wire before sending
        if node.is_object:
            if not isinstance(value, Mapping):
                problems.append(
                    Problem(
                        name, "invalid_value_format", f"{where} expects a dict, got {_got(value)}"
                    )
                )
                return
            self._check_object(node, value, name, mode, problems, where)
            return
        if not _fits_type(node.type, value, mode):
            problems.append(
                Problem(
                    name,
                    "invalid_value_format",
                    f"{where} expects {_expected(node)}, got {_got(value)}",
                )
            )
            return
        self.check_keywords(node, value, name, mode, problems, where)

    def check_keywords(
        self, node: Node, value: Any, name: str, mode: Mode, problems: list[Problem], where: str
    ) -> None:
        """Enum, bounds, lengths, formats and items of a value already of the right type."""
        if node.enum and not any(same_value(value, v) for v in node.enum):
            problems.append(
                Problem(name, "not_allowed_value", enum_problem(where, node.enum, value, None))
            )
            return
        if isinstance(value, int | float) and not isinstance(value, bool):
            if (node.minimum is not None and value < node.minimum) or (
                node.maximum is not None and value > node.maximum
            ):
                problems.append(
                    Problem(
                        name,
                        "not_allowed_value",
                        f"{where} expects {_expected(node)}, got {value!r}",
                    )
                )
        elif isinstance(value, str):
            self._check_text(node, value, name, mode, problems, where)
        elif isinstance(value, list | tuple):
            if node.max_items is not None and len(value) > node.max_items:
                problems.append(
                    Problem(
                        name,
                        "not_allowed_value",
                        f"{where} takes at most {node.max_items} items, got {len(value)}",
                    )
                )
            elif node.min_items is not None and len(value) < node.min_items:
                problems.append(
                    Problem(
                        name,
                        "not_allowed_value",
                        f"{where} takes at least {node.min_items} items, got {len(value)}",
                    )
                )
            elif node.items is not None:
                for index, item in enumerate(value):
                    self.check(
                        node.items, item, f"{name}[{index}]", mode, problems, f"{where}[{index}]"
                    )

    def _check_text(
        self, node: Node, value: str, name: str, mode: Mode, problems: list[Problem], where: str
    ) -> None:
        if node.min_length is not None and len(value) < node.min_length:
            problems.append(
                Problem(
                    name,
                    "not_allowed_value",
                    f"{where} takes at least {node.min_length} characters, got {len(value)}",
                )
            )
        elif node.max_length is not None and len(value) > node.max_length:
            problems.append(
                Problem(
                    name,
                    "not_allowed_value",
                    f"{where} takes at most {node.max_length} characters, got {len(value)}",
                )
            )
        elif node.format == "date" and not _DATE_TEXT.fullmatch(value):
            problems.append(
                Problem(name, "invalid_value_format", f"{where} expects a date (YYYY-MM-DD)")
            )
        elif mode is Mode.SERVER and node.pattern is not None and not node.pattern.search(value):
            problems.append(
                Problem(name, "invalid_value_format", f"{where} does not match its pattern")
            )

    def _check_branches(
        self, node: Node, value: Any, name: str, mode: Mode, problems: list[Problem], where: str
    ) -> None:
        for branch in node.branches:
            attempt: list[Problem] = []
            self.check(branch, value, name, mode, attempt, where)
            if not attempt:
                return
        kinds = sorted({_TYPE_NAMES.get(self.node(b).type or "", "a value") for b in node.branches})
        problems.append(
            Problem(
                name,
                "invalid_value_format",
                f"{where} expects {' or '.join(kinds)}, got {_got(value)}",
            )
        )

    def _check_object(
        self,
        node: Node,
        value: Mapping[str, Any],
        name: str,
        mode: Mode,
        problems: list[Problem],
        where: str,
    ) -> None:
        properties = node.properties
        if node.declared and (mode is Mode.CLIENT or node.closed):
            for key in value:
                if key not in properties:
                    near = near_miss(str(key), list(properties))
                    problems.append(
                        Problem(
                            f"{name}.{key}",
                            "not_allowed_value",
                            f"{where}.{key} is not a field of this object{near}",
                        )
                    )
        for field in node.required:
            if field not in value and not self.node(properties.get(field)).read_only:
                problems.append(
                    Problem(
                        f"{name}.{field}", "required", f"{where}.{field} is required but missing"
                    )
                )
        for key, item in value.items():
            prop = properties.get(key)
            if prop is None or (mode is Mode.SERVER and self.node(prop).read_only):
                continue  # the server assigns read-only fields and ignores what was sent
            self.check(prop, item, f"{name}.{key}", mode, problems, f"{where}.{key}")

    # -- other visits --------------------------------------------------------------------

    def fit(self, raw: Any, value: Any) -> Any:
        """``value`` without the object fields the schema does not declare, at any depth."""
        node = self.node(raw)
        if node.branches:
            return value
        if isinstance(value, Mapping) and node.is_object:
            if not node.declared:
                return value
            return {
                key: self.fit(node.properties[key], item)
                for key, item in value.items()
                if key in node.properties
            }
        if isinstance(value, list | tuple) and node.items is not None:
            return [self.fit(node.items, item) for item in value]
        return value

    def datetime_shape(self, raw: Any) -> Literal["datetime", "date"] | Shape | None:
        """Where the ``x-carecloud-datetime`` strings are: a kind, a nested shape, or None."""
        return self._shape(raw, frozenset())

    def _shape(
        self, raw: Any, walking: frozenset[int]
    ) -> Literal["datetime", "date"] | Shape | None:
        node = self.node(raw)
        if id(node) in walking:
            return None  # a recursive schema: its marked fields were found one level up
        walking = walking | {id(node)}
        if node.datetime_kind is not None:
            return node.datetime_kind
        if node.items is not None:
            return self._shape(node.items, walking)
        shape: Shape = {}
        for branch in node.branches:
            found = self._shape(branch, walking)
            if isinstance(found, dict):
                for key, sub in found.items():
                    shape.setdefault(key, sub)
        for field, prop in node.properties.items():
            found = self._shape(prop, walking)
            if found is not None:
                shape.setdefault(field, found)
        return shape or None

    def example(self, raw: Any, depth: int = 0) -> Any:
        """An answer built from the spec's examples (None where there is nothing to say).

        A property's ``example`` first, then its first ``enum`` value, then a
        plain value of its type when it is required; arrays get one item;
        write-only fields are never answered.
        """
        node = self.node(raw)
        if depth > _MAX_EXAMPLE_DEPTH:
            return None
        if node.example is not _NO_EXAMPLE:
            return node.example
        if node.enum:
            return node.enum[0]
        if node.branches:
            return self.example(node.branches[0], depth + 1)
        if node.type == "array":
            item = self.example(node.items or {}, depth + 1)
            return [] if item is None else [item]
        if not node.is_object:
            return None
        built: dict[str, Any] = {}
        for field, prop in node.properties.items():
            child = self.node(prop)
            if child.write_only:
                continue
            value = self.example(prop, depth + 1)
            if value is None and field in node.required:
                value = PLACEHOLDER_BY_TYPE.get(child.type or "")
                value = value.copy() if isinstance(value, list | dict) else value
            if value is not None:
                built[field] = value
        return built

    def fields(
        self, raw: Any, prefix: str = "", depth: int = 0, max_depth: int = 3
    ) -> Iterator[tuple[str, Node, bool]]:
        """``(dotted name, node, required in a request)`` of an object's fields, nested ones too."""
        node = self.node(raw)
        for field, prop in node.properties.items():
            child = self.node(prop)
            dotted = f"{prefix}{field}"
            yield dotted, child, field in node.required and not child.read_only
            if depth < max_depth and child.is_object and child.properties:
                yield from self.fields(prop, f"{dotted}.", depth + 1, max_depth)

    def column(self, raw: Any) -> Column:
        """How a table stores values of the schema ``raw``.

        Date-times and dates marked ``x-carecloud-datetime`` keep their kind; objects
        with properties become structs and arrays lists; a value the schema leaves
        open (no type, an object without properties, ``oneOf`` branches of different
        types, a schema that contains itself) becomes ``json``.
        """
        return self._column(raw, frozenset())

    def _column(self, raw: Any, walking: frozenset[int]) -> Column:
        node = self.node(raw)
        if id(node) in walking:
            return Column("json")  # a recursive schema: its inner levels stay JSON text
        walking = walking | {id(node)}
        if node.branches:
            kinds = {self._column(branch, walking) for branch in node.branches}
            return kinds.pop() if len(kinds) == 1 else Column("json")
        if node.datetime_kind is not None:
            return Column(node.datetime_kind)
        if node.type == "array" or node.items is not None:
            if node.items is None:
                return Column("json")
            return Column("list", item=self._column(node.items, walking))
        if node.is_object:
            if not node.properties:
                return Column("json")
            fields = tuple(
                (name, self._column(prop, walking)) for name, prop in node.properties.items()
            )
            return Column("struct", fields=fields)
        plain = _PLAIN_KINDS.get(node.type or "")
        return Column("json") if plain is None else Column(plain, enum=node.enum)

    def type_text(self, raw: Any) -> str:
        """How a listing shows a schema's type: ``array of string``, ``string (ASC | DESC)``."""
        node = self.node(raw)
        kind = node.type or ("object" if node.is_object else "any")
        if kind == "array":
            return f"array of {self.type_text(node.items or {})}"
        if node.enum:
            return f"{kind} ({' | '.join(str(v) for v in node.enum)})"
        if node.format:
            return f"{kind} ({node.format})"
        return kind


@cache
def spec_schemas() -> Schemas:
    """The walker over the generated package's normalized spec, built on first use."""

    return Schemas(normalized_spec())
