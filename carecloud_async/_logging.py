"""Logging that never leaks a secret and masks personal data.

Everything goes to the ``carecloud_async`` logger: one DEBUG line per attempt,
WARNING for retries and token refreshes. Request and response bodies are
logged only by the ``carecloud_async.bodies`` logger at DEBUG (off unless you
enable it), always through ``mask_body``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["RequestEvent", "RequestHook", "mask_body", "redact_path"]

SECRET_KEYS = frozenset(
    {
        "password",
        "new_password",
        "old_password",
        "bearer_token",
        "token",
        "token_id",
        "auth_token",
        "authorization",
        "access_token",
        "refresh_token",
        "secret",
        "pin",
    }
)
PII_KEYS = frozenset(
    {
        "email",
        "phone",
        "phone_number",
        "card_number",
        "first_name",
        "last_name",
        "name",
        "login",
        "login_value",
        "birthdate",
        "address",
        "street",
        "zip",
        "city",
    }
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_LONG_DIGITS = re.compile(r"\+?\d[\d \-]{6,}\d")
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2})?")
_TOKEN_IN_PATH = re.compile(r"(/tokens/)[^/?#]+")
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)


def redact_path(path: str) -> str:
    """A URL path safe to log: token ids are replaced, the query string dropped."""
    return _TOKEN_IN_PATH.sub(r"\1***", path.split("?", 1)[0])


def _mask_digits(match: re.Match[str]) -> str:
    digits = match.group(0)
    if _DATE_LIKE.fullmatch(digits):
        return digits  # a date-time is not personal data, and logs need it
    return "***" + digits[-2:]


def _mask_text(text: str) -> str:
    text = _BEARER.sub(r"\1***", text)
    text = _EMAIL.sub(lambda m: m.group(0)[0] + "***@***", text)
    return _LONG_DIGITS.sub(_mask_digits, text)


def _mask(value: Any, key: str | None = None) -> Any:
    if key is not None and key.lower() in SECRET_KEYS:
        return "***"
    if isinstance(value, dict):
        return {k: _mask(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(item, key) for item in value]
    if key is not None and key.lower() in PII_KEYS and value is not None:
        return "***"
    if isinstance(value, str):
        return _mask_text(value)
    return value


def mask_body(content: bytes | str, limit: int = 2000) -> str:
    """A body fit for a log: secrets removed, personal data masked, length capped."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    try:
        masked = json.dumps(_mask(json.loads(text)), ensure_ascii=False)
    except ValueError:
        masked = _mask_text(text)
    return masked if len(masked) <= limit else masked[:limit] + "...(truncated)"


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
