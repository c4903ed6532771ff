"""An optional in-memory cache for slow-changing reference data (countries, currencies...).

Off unless you pass ``cache=ResponseCache()`` to a client. Only successful GETs
whose answer says ``Cache-Control: max-age=N`` (and not ``no-store`` or
``private``) are kept, for N seconds, keyed by URL and credentials, so one
user's data is never served to another. The body is kept decoded (gzip, br...)
and served with headers that say so. We keep our own twenty lines rather
than hishel: one rule, no storage backends, and an injectable clock for tests.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import httpx

__all__ = ["CachingTransport", "ResponseCache"]

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)


def cache_lifetime(cache_control: str | None) -> int | None:
    """Seconds a response may be reused, or None when it must not be cached."""
    if not cache_control:
        return None
    lowered = cache_control.lower()
    if "no-store" in lowered or "private" in lowered or "no-cache" in lowered:
        return None
    match = _MAX_AGE.search(lowered)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


@dataclass(frozen=True)
class _Entry:
    expires_at: float
    status: int
    headers: list[tuple[bytes, bytes]]
    content: bytes


class ResponseCache:
    """Keeps at most ``max_entries`` responses, least recently used out first."""

    def __init__(self, max_entries: int = 512, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._max = max_entries
        self._clock = clock
        self.hits = 0

    @staticmethod
    def key(request: httpx.Request) -> str:
        credentials = hashlib.sha256(request.headers.get("authorization", "").encode()).hexdigest()
        language = request.headers.get("accept-language", "")
        return f"{request.url}|{language}|{credentials}"

    def get(self, request: httpx.Request) -> httpx.Response | None:
        entry = self._entries.get(self.key(request))
        if entry is None or entry.expires_at <= self._clock():
            return None
        self._entries.move_to_end(self.key(request))
        self.hits += 1
        return httpx.Response(
            entry.status, headers=entry.headers, content=entry.content, request=request
        )

    def put(self, request: httpx.Request, response: httpx.Response) -> None:
        lifetime = cache_lifetime(response.headers.get("cache-control"))
        if request.method != "GET" or not response.is_success or lifetime is None:
            return
        self._entries[self.key(request)] = _Entry(
            self._clock() + lifetime,
            response.status_code,
            _decoded_headers(response.headers, len(response.content)),
            response.content,
        )
        self._entries.move_to_end(self.key(request))
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


_ENCODING_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


def _decoded_headers(headers: httpx.Headers, length: int) -> list[tuple[bytes, bytes]]:
    """The headers of a body kept decoded: no encoding to undo again, its own length."""
    kept = [(k, v) for k, v in headers.raw if k.lower() not in _ENCODING_HEADERS]
    return [*kept, (b"content-length", str(length).encode())]


class CachingTransport(httpx.AsyncBaseTransport):
    """Answers repeated GETs from a ``ResponseCache`` before they reach the network."""

    def __init__(self, inner: httpx.AsyncBaseTransport, cache: ResponseCache) -> None:
        self.inner = inner
        self.cache = cache

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and (cached := self.cache.get(request)) is not None:
            return cached
        response = await self.inner.handle_async_request(request)
        if request.method == "GET" and response.is_success:
            await response.aread()
            self.cache.put(request, response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
