"""Date-time inputs on the wire: project-local strings from ``datetime``, ``date`` or text.

CareCloud reads every request date-time as project-local wall time without an
offset (``YYYY-MM-DD HH:MM:SS``, or ``T``-separated) and every date-only value
as ``YYYY-MM-DD``. The normalized spec marks those inputs (query parameters and
request body fields) with ``x-carecloud-datetime``; before a request is built,
the client turns each value given for one of them into what the API documents:

- an aware ``datetime`` is converted to the project's time zone; when the
  client was not given ``project_timezone`` (``zone`` is None) it is refused,
  since any conversion would be a guess;
- a naive ``datetime`` is taken as project-local wall time already (the same
  meaning an offset-less string has), and formatted as it is;
- a ``date`` fills a date-only input; a date-time input refuses it (no time of
  day), and a date-only input refuses a ``datetime``;
- a string for a date-time input is checked: one without an offset is sent
  unchanged, one with an offset or ``Z`` is converted to project time (refused
  like an aware datetime when the zone is not known), and anything else is
  refused. Strings for date-only inputs are sent unchanged.

Refusals are ``ConfigurationError`` naming the operation and the parameter (or
the body field's path), raised before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Any, Literal

from carecloud_async._errors import ConfigurationError
from carecloud_async._schema import DATETIME_EXTENSION, Schemas, Shape, spec_schemas

__all__ = ["DATETIME_EXTENSION", "WireFormats", "to_wire", "wire_formats"]

API_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Kind = Literal["datetime", "date"]

_DATETIME_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)


def _refuse(where: str, problem: str) -> ConfigurationError:
    return ConfigurationError(f"{where}: {problem}")


def _unknown_zone(where: str, what: str) -> ConfigurationError:
    return _refuse(
        where,
        f"{what} cannot be sent without the project's time zone (the API reads project-local "
        "wall time); pass project_timezone to the client, or a naive datetime / offset-less "
        "string that is project-local already",
    )


def _datetime_from_text(text: str, zone: tzinfo | None, where: str) -> str:
    match = _DATETIME_TEXT.fullmatch(text.strip())
    if match is None:
        raise _refuse(
            where,
            f"{text!r} is not a date-time; pass a datetime or 'YYYY-MM-DD HH:MM:SS' "
            "(project-local, or with an offset to convert)",
        )
    if match.group("offset") is None:
        return text
    try:
        parsed = datetime.fromisoformat(text.strip().upper().replace(" ", "T", 1))
    except ValueError:
        raise _refuse(where, f"{text!r} is not a valid date-time") from None
    if zone is None:
        raise _unknown_zone(where, "a date-time string with an offset")
    return parsed.astimezone(zone).strftime(API_DATETIME_FORMAT)


def to_wire(value: Any, kind: Kind, zone: tzinfo | None, where: str) -> Any:
    """The value to send for a date-time or date input; other types pass through untouched.

    ``zone`` is the project's time zone, None when the client was not told it:
    then an aware datetime (or a string with an offset) is refused rather than
    sent in some other zone's wall time.
    """
    if kind == "datetime":
        if isinstance(value, datetime):
            if value.tzinfo is not None and value.utcoffset() is not None:
                if zone is None:
                    raise _unknown_zone(where, "an aware datetime")
                value = value.astimezone(zone)
            return value.strftime(API_DATETIME_FORMAT)
        if isinstance(value, date):
            raise _refuse(where, "takes a date and time; pass a datetime, not a date")
        if isinstance(value, str) and value:
            return _datetime_from_text(value, zone, where)
        return value
    if isinstance(value, datetime):
        raise _refuse(where, "takes a date only; pass a date (e.g. value.date()), not a datetime")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _apply(node: Kind | Shape, value: Any, zone: tzinfo | None, where: str) -> Any:
    if isinstance(value, list | tuple):
        return [_apply(node, item, zone, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(node, str):
        return to_wire(value, node, zone, where)
    if isinstance(value, Mapping):
        return {
            key: _apply(node[key], item, zone, f"{where}.{key}") if key in node else item
            for key, item in value.items()
        }
    return value


@dataclass(frozen=True)
class WireFormats:
    """The date-time and date inputs of one operation."""

    operation_id: str
    query: Mapping[str, Kind] = field(default_factory=dict)
    """Query parameter name -> kind."""
    body: Shape | None = None
    """Where in the JSON body the date-time and date fields are, if anywhere."""

    def prepare_params(self, params: dict[str, Any], zone: tzinfo | None) -> None:
        """Format the date-time query parameters among ``params``, in place."""
        for name, kind in self.query.items():
            if name in params:
                params[name] = _apply(kind, params[name], zone, f"{self.operation_id}: {name}")

    def prepare_body(self, body: Mapping[str, Any], zone: tzinfo | None) -> Any:
        """A copy of a plain-dict body with its date-time fields formatted."""
        if self.body is None:
            return body
        return _apply(self.body, body, zone, f"{self.operation_id}: body")

    def prepare_request(self, request_kwargs: dict[str, Any], zone: tzinfo | None) -> None:
        """Format the date-time fields of the JSON body a generated model serialized."""
        if self.body is not None and "json" in request_kwargs:
            request_kwargs["json"] = _apply(
                self.body, request_kwargs["json"], zone, f"{self.operation_id}: body"
            )


def formats_from_spec(spec: Mapping[str, Any], method: str, path: str) -> WireFormats:
    """The date-time inputs of one operation of a normalized spec."""
    schemas = spec_schemas() if spec is spec_schemas().spec else Schemas(spec)
    return _formats(schemas, method, path)


def _formats(schemas: Schemas, method: str, path: str) -> WireFormats:
    operation = schemas.spec["paths"][path][method.lower()]
    query: dict[str, Kind] = {}
    for raw in operation.get("parameters", []):
        parameter = schemas.resolve(raw)
        kind = parameter.get(DATETIME_EXTENSION) if isinstance(parameter, Mapping) else None
        if kind in ("datetime", "date") and parameter.get("in") == "query":
            query[parameter["name"]] = kind
    body = None
    request_body = schemas.resolve(operation.get("requestBody"))
    if isinstance(request_body, Mapping):
        media = (request_body.get("content") or {}).get("application/json") or {}
        found = schemas.datetime_shape(media.get("schema"))
        body = found if isinstance(found, dict) else None
    return WireFormats(operation.get("operationId", f"{method} {path}"), query, body)


@lru_cache(maxsize=1024)
def wire_formats(method: str, path: str) -> WireFormats:
    """The date-time inputs of an operation of the generated package (spec read on first use)."""
    return _formats(spec_schemas(), method, path)
