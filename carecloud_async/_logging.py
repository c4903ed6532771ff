"""Logging that never leaks a secret and masks personal data.

Everything goes to the ``carecloud_async`` logger: one DEBUG line per attempt,
WARNING for retries and token refreshes. Request and response bodies are
logged by the ``carecloud_async.bodies`` logger only when its own level is set
to DEBUG (``body_logging_enabled``): a DEBUG level inherited from
``carecloud_async`` or the root logger does not turn it on. Bodies always go
through ``mask_body``, which looks at no more of a body than it prints. Which
fields are secret or personal is decided by ``carecloud_openapi.masking``, the
rule the models' reprs follow too.

Nothing here touches logging configuration: no handler, level or filter is set
on any logger, ours or another library's. httpx logs each request's full URL at
INFO; attach ``RedactingFilter`` to its logger or to your handlers to keep
token ids and query strings out of those lines.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from carecloud_openapi.masking import SECRET_FIELDS, is_masked, is_secret

__all__ = [
    "BODY_LOGGER",
    "SECRET_FIELDS",
    "RedactingFilter",
    "RequestEvent",
    "RequestHook",
    "body_logging_enabled",
    "mask_body",
    "mask_text",
    "redact_path",
]

BODY_LOGGER = "carecloud_async.bodies"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_LONG_DIGITS = re.compile(r"\+?\d[\d \-]{6,}\d")
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2})?")
_TOKEN_IN_PATH = re.compile(r"(/tokens/)[^/?#]+")
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)
_URL = re.compile(r"(https?://[^\s\"'?#]+)(\?[^\s\"'#]*)?")


def redact_path(path: str) -> str:
    """A URL path safe to log: token ids are replaced, the query string dropped."""
    return _TOKEN_IN_PATH.sub(r"\1***", path.split("?", 1)[0])


def _mask_digits(match: re.Match[str]) -> str:
    digits = match.group(0)
    if _DATE_LIKE.fullmatch(digits):
        return digits  # a date-time is not personal data, and logs need it
    return "***" + digits[-2:]


def _redact_url(match: re.Match[str]) -> str:
    return _TOKEN_IN_PATH.sub(r"\1***", match.group(1)) + ("?***" if match.group(2) else "")


def mask_text(text: str) -> str:
    """Free text fit for a log: bearer tokens, URL query strings and token ids removed,
    emails and long digit runs (phones, card numbers) masked."""
    text = _URL.sub(_redact_url, text)
    text = _BEARER.sub(r"\1***", text)
    text = _EMAIL.sub(lambda m: m.group(0)[0] + "***@***", text)
    return _LONG_DIGITS.sub(_mask_digits, text)


def _mask(value: Any, key: str | None = None) -> Any:
    if key is not None and is_secret(key):
        return "***"
    if isinstance(value, dict):
        return {k: _mask(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(item, key) for item in value]
    if key is not None and is_masked(key) and value is not None:
        return "***"
    if isinstance(value, str):
        return mask_text(value)
    return value


_JSON_PAIR = re.compile(
    r'"((?:[^"\\]|\\.){1,200})"(\s*:\s*)'
    r'("(?:[^"\\]|\\.)*(?:"|$)|\[[^\[\]{}]*(?:\]|$)|-?\d[\d.eE+-]*|true|false)'
)
"""A key and a scalar value (or a list of scalars) in JSON text, possibly cut at the end."""


def _mask_pair(match: re.Match[str]) -> str:
    key = match.group(1)
    if is_masked(key):
        return f'"{key}"{match.group(2)}"***"'
    return match.group(0)


def mask_body(content: bytes | str, limit: int = 2000) -> str:
    """A body fit for a log: secrets removed, personal data masked, length capped.

    Only what is printed is looked at: a body longer than ``limit`` is cut first
    and its visible part masked key by key, so the cost does not grow with the body.
    """
    if len(content) > limit * 4:  # a UTF-8 character takes at most four bytes
        content = content[: limit * 4]
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    if len(text) > limit:
        return mask_text(_JSON_PAIR.sub(_mask_pair, text[:limit])) + "...(truncated)"
    try:
        masked = json.dumps(_mask(json.loads(text)), ensure_ascii=False)
    except ValueError:
        masked = mask_text(text)
    return masked if len(masked) <= limit else masked[:limit] + "...(truncated)"


_bodies = logging.getLogger(BODY_LOGGER)


def body_logging_enabled() -> bool:
    """Whether bodies are logged: only if the ``carecloud_async.bodies`` logger's own level
    was set to DEBUG, so turning ``carecloud_async`` to DEBUG logs attempts, not bodies."""
    return _bodies.level != logging.NOTSET and _bodies.isEnabledFor(logging.DEBUG)


class RedactingFilter(logging.Filter):
    """Passes every record, rewritten through ``mask_text``.

    httpx logs ``HTTP Request: GET <full URL>`` at INFO, query string and
    ``/tokens/{token_id}`` included. The SDK leaves httpx's logger as you
    configured it; to keep those out of your logs, attach this filter to it
    (``logging.getLogger("httpx").addFilter(RedactingFilter())``) or to your handlers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


@dataclass(frozen=True)
class RequestEvent:
    """One attempt of one request, as hooks and metrics see it (no secrets, no bodies)."""

    method: str
    path_template: str
    attempt: int
    status: int | None
    duration_ms: float
    request_id: str | None
    operation_id: str | None = None
    error: str | None = None
    will_retry: bool = False
    wait_seconds: float | None = None


RequestHook = Callable[[RequestEvent], None]
"""Called after every attempt; plug metrics or tracing in here."""
