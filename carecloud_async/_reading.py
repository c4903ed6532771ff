"""Read a 2xx answer into the generated model, tolerantly by default or strictly on request.

The generated models never throw an answer away for one odd value: a missing
required field or a null where none is allowed becomes None, another JSON type or
an unparseable date keeps the raw value, an unknown enum value becomes an
``UNKNOWN_<value>`` member. Each such place is a ``Deviation`` with its JSON path,
logged once per place and listed on ``ApiResponse.deviations``; the model's types
hold wherever no deviation is listed. ``strict=True`` raises ``ResponseParseError``
at the first one instead, naming the path and showing the enclosing object masked.
"""

from __future__ import annotations

import importlib
import json
import re
from types import ModuleType
from typing import Any

import httpx
from carecloud_openapi.types import Deviation, SchemaDeviationError, reading

from carecloud_async._errors import ResponseParseError
from carecloud_async._logging import mask_body
from carecloud_async._operations import Operation

__all__ = [
    "Deviation",
    "body_excerpt",
    "item_index",
    "loads",
    "read_raw",
    "read_response",
    "unreadable",
]


def _json_decoder() -> Any:
    try:
        return importlib.import_module("orjson").loads
    except ImportError:
        return json.loads


loads = _json_decoder()
"""JSON decoding for the raw path: orjson when installed (``carecloud-async[fast]``)."""

_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
EXCERPT_LIMIT = 500


def _segments(json_path: str) -> list[str | int]:
    return [key if index == "" else int(index) for key, index in _SEGMENT.findall(json_path[1:])]


def body_excerpt(content: bytes, json_path: str | None, limit: int = EXCERPT_LIMIT) -> str:
    """The object that holds ``json_path`` in a JSON body, personal data masked, capped."""
    try:
        node: Any = json.loads(content)
    except ValueError:
        return mask_body(content, limit)
    if json_path:
        for segment in _segments(json_path)[:-1]:
            try:
                child = node[segment]
            except (KeyError, IndexError, TypeError):
                break
            if not isinstance(child, dict | list):
                break
            node = child
    return mask_body(json.dumps(node, ensure_ascii=False), limit)


def item_index(json_path: str, list_field: str) -> int | None:
    """Index of the list item a deviation lies in, for ``$.data.<list_field>[i]...``."""
    prefix = f"$.data.{list_field}["
    if not json_path.startswith(prefix):
        return None
    end = json_path.find("]", len(prefix))
    digits = json_path[len(prefix) : end]
    return int(digits) if end > 0 and digits.isdigit() else None


def read_response(
    module: ModuleType,
    response: httpx.Response,
    *,
    strict: bool,
    operation: Operation,
    display_path: str,
) -> tuple[Any, tuple[Deviation, ...]]:
    """The generated endpoint's parsed model and the deviations met on the way."""
    try:
        with reading(strict=strict) as report:
            parsed = module._parse_response(response=response)
    except SchemaDeviationError as exc:
        raise ResponseParseError(
            operation.method,
            display_path,
            response.status_code,
            str(exc.deviation),
            json_path=exc.path,
            operation_id=operation.operation_id,
            body_excerpt=body_excerpt(response.content, exc.path),
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise unreadable(response, operation, display_path, exc) from exc
    return parsed, tuple(report.deviations)


def unreadable(
    response: httpx.Response, operation: Operation, display_path: str, exc: Exception
) -> ResponseParseError:
    """An answer that is not JSON, or not of a shape any model can take."""
    return ResponseParseError(
        operation.method,
        display_path,
        response.status_code,
        f"{type(exc).__name__}: {str(exc)[:120]}",
        operation_id=operation.operation_id,
        body_excerpt=body_excerpt(response.content, None),
    )


def read_raw(
    response: httpx.Response, *, operation: Operation, display_path: str
) -> tuple[Any, Any]:
    """The decoded body as plain JSON values, and its ``data`` member (None if absent)."""
    if not response.content:
        return None, None
    try:
        body = loads(response.content)
    except ValueError as exc:
        raise unreadable(response, operation, display_path, exc) from exc
    data = body.get("data") if isinstance(body, dict) else None
    return body, data
