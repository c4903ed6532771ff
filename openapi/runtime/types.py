"""Shared types of the generated package, and the tolerant reader its models parse with.

The generated endpoint modules import ``UNSET``, ``Unset`` and ``File`` from here
(names openapi-python-client's stock ``types`` module has); the models call
``odd``, ``deviate``, ``read_date`` and ``read_datetime`` on a value that does not
match the schema, and enums call ``open_enum_member`` for a value the spec does
not list. Reading changes no interpreter-wide state:
the garbage collector and logging stay as your application set them. The classes
here are dataclasses, not attrs classes: importing this module (as the facade's
client does) leaves attrs to the first model that is read or built.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Literal, TypeAlias, TypeVar

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler

__all__ = [
    "UNSET",
    "Deviation",
    "File",
    "FileTypes",
    "JsonPath",
    "ReadReport",
    "RequestFiles",
    "SchemaDeviationError",
    "Unset",
    "pydantic_core_schema",
    "pydantic_json_schema",
    "reading",
    "render_path",
]


class Unset:
    """The type of ``UNSET``: a field the JSON object did not have."""

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:
        # Copies and pickles are UNSET itself, so "value is UNSET" still holds for them.
        return "UNSET"


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, as that library spells them.
FileContent: TypeAlias = IO[bytes] | bytes | str
FileTypes: TypeAlias = (
    tuple[str | None, FileContent, str | None]
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
"""(file name, file or bytes, content type) or the same with headers."""
RequestFiles: TypeAlias = list[tuple[str, FileTypes]]


@dataclass(slots=True)
class File:
    """A file to upload as ``multipart/form-data``."""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """The tuple httpx accepts for one multipart file."""
        return self.file_name, self.payload, self.mime_type


logger = logging.getLogger("carecloud_openapi")

JsonPath: TypeAlias = "tuple[JsonPath, str | int | None] | None"
"""A location in a JSON document: None is the root, (parent, key or index) a child.

A model's reader gets its parent and its key apart and pairs them only when
needed, so the top of an answer is (None, None) there. Rendered only for a
deviation."""


def render_path(path: JsonPath) -> str:
    """``$.data.purchases[3].state`` for a location built by the models."""
    parts: list[str] = []
    while path is not None:
        path, segment = path
        if segment is not None:  # (None, None): the top of the answer
            parts.append(f"[{segment}]" if isinstance(segment, int) else f".{segment}")
    return "$" + "".join(reversed(parts))


@dataclass(frozen=True, slots=True)
class Deviation:
    """One place where an answer did not match the schema, and what the model kept there."""

    path: str
    """JSON path of the value, e.g. ``$.data.purchases[3].state``."""
    kind: str
    """``missing`` (required field absent), ``null`` (null where not nullable), ``type``
    (another JSON type than documented, the raw value is kept) or ``format`` (a date or
    date-time that does not parse, the raw string is kept)."""
    expected: str
    found: str
    """JSON type of what was there (never the value itself: it may be personal data)."""

    def __str__(self) -> str:
        if self.kind == "missing":
            return f"{self.path}: required {self.expected} is missing"
        if self.kind == "format":
            return f"{self.path}: string is not a valid {self.expected}"
        return f"{self.path}: expected {self.expected}, found {self.found}"


class SchemaDeviationError(ValueError):
    """Raised in strict mode at the first value that does not match the schema."""

    def __init__(self, deviation: Deviation) -> None:
        self.deviation = deviation
        self.path = deviation.path
        super().__init__(str(deviation))


@dataclass(slots=True)
class ReadReport:
    """The deviations met while reading one answer (see ``reading``)."""

    strict: bool = False
    deviations: list[Deviation] = field(default_factory=list)


_current_report: ContextVar[ReadReport | None] = ContextVar("carecloud_read_report", default=None)
_logged: set[tuple[str, str, str]] = set()
_logged_lock = threading.Lock()


@contextmanager
def reading(*, strict: bool = False) -> Iterator[ReadReport]:
    """Collect the deviations of every ``from_dict`` in the block, or raise on the first one.

    Outside such a block ``from_dict`` is tolerant and only logs.
    """
    report = ReadReport(strict=strict)
    token = _current_report.set(report)
    try:
        yield report
    finally:
        _current_report.reset(token)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _log_once(key: tuple[str, str, str], message: str, *args: object) -> None:
    with _logged_lock:
        if key in _logged:
            return
        _logged.add(key)
    logger.warning(message, *args)


def deviate(path: JsonPath, key: str | int, kind: str, expected: str, value: object) -> object:
    """Record (or, in strict mode, raise) one deviation; return what the model keeps."""
    deviation = Deviation(render_path((path, key)), kind, expected, _json_type(value))
    report = _current_report.get()
    if report is not None:
        if report.strict:
            raise SchemaDeviationError(deviation)
        report.deviations.append(deviation)
    # Once per place, kind and type per process: indices would make every record new.
    pattern = "".join(c for c in deviation.path if not c.isdigit())
    _log_once((pattern, kind, expected), "response does not match the schema: %s", deviation)
    return None if kind in ("missing", "null") else value


def odd(
    value: object, path: JsonPath, key: str | int, expected: str, required: bool, nullable: bool
) -> object:
    """A value that failed its type check: absent, null or of another type."""
    if value is UNSET:
        return deviate(path, key, "missing", expected, value) if required else UNSET
    if value is None:
        return None if nullable else deviate(path, key, "null", expected, value)
    return deviate(path, key, "type", expected, value)


def read_date(value: str, path: JsonPath, key: str | int) -> object:
    """A ``format: date`` string; a date-time (``1985-02-12 00:00:00``) gives its date,
    anything else unparseable (``0000-00-00``) is kept as the string."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        if len(value) > 10 and value[10] in " T":
            return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    return deviate(path, key, "format", "date", value)


def read_datetime(value: str, path: JsonPath, key: str | int) -> object:
    """A ``format: date-time`` string; unparseable ones are kept as the string."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return deviate(path, key, "format", "date-time", value)


_open_lock = threading.Lock()
EnumT = TypeVar("EnumT", bound=Enum)


def open_enum_member(cls: type[EnumT], value: object) -> EnumT | None:
    """The stand-in for a value the enum does not list (a newer server sent it).

    It is an instance of ``cls``, equal to the raw value, named ``UNKNOWN_<value>``, and
    the same object every time; a value of another base type is refused (None).
    """
    base: type[int] | type[str] = int if issubclass(cls, int) else str
    if type(value) is not base:
        return None
    with _open_lock:
        known = cls._value2member_map_.get(value)
        if known is not None:
            return known  # type: ignore[return-value]  # the map holds members of cls
        # An enum member is an instance of its class made by the base type's __new__.
        member: EnumT = base.__new__(cls, value)  # type: ignore[type-var]
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        cls._value2member_map_[value] = member
        logger.warning(
            "%s has no member for %r: kept as %s (the server is newer than this SDK)",
            cls.__name__,
            value,
            member._name_,
        )
    return member


def empty_as_none(keys: Mapping[str, object] | None) -> Mapping[str, object] | None:
    """How models compare their catch-all of undeclared keys: none made yet equals empty."""
    return keys or None


def _pydantic_core_schema(cls: type[Any], source: object, handler: GetCoreSchemaHandler) -> Any:
    from .pydantic_support import model_core_schema  # only when pydantic asks

    return model_core_schema(cls, handler)


def _pydantic_json_schema(cls: type[Any], schema: Any, handler: GetJsonSchemaHandler) -> Any:
    from .pydantic_support import model_json_schema  # only when pydantic asks

    return model_json_schema(cls, schema, handler)


pydantic_core_schema = classmethod(_pydantic_core_schema)
"""Every model's ``__get_pydantic_core_schema__`` (one object, bound to each class)."""
pydantic_json_schema = classmethod(_pydantic_json_schema)
"""Every model's ``__get_pydantic_json_schema__``."""
