"""The optional response cache: only what the server says may be reused, only for as long."""

from __future__ import annotations

import gzip
import json

import httpx
from carecloud_openapi.api.countries import get_countries

from carecloud_async import ResponseCache
from carecloud_async._cache import cache_lifetime
from tests.conftest import SECRET_TOKEN, FakeClock, Recorder, enterprise, json_response

COUNTRIES = {"countries": [], "total_items": 0}


def _server(cache_control: str | None) -> Recorder:
    headers = {"Cache-Control": cache_control} if cache_control else {}
    return Recorder(lambda request: json_response(200, COUNTRIES, headers=headers))


async def test_reference_data_with_max_age_is_served_from_memory_until_it_expires(
    clock: FakeClock,
) -> None:
    """Two calls within max-age reach the server once; after it, again."""
    recorder = _server("public, max-age=60")
    cache = ResponseCache(clock=clock)
    async with enterprise(recorder, bearer_token=SECRET_TOKEN, cache=cache) as client:
        await client.call(get_countries)
        await client.call(get_countries)
        assert len(recorder.requests) == 1
        assert cache.hits == 1
        clock.advance(61)
        await client.call(get_countries)
    assert len(recorder.requests) == 2


async def test_nothing_is_cached_without_permission_or_when_the_cache_is_off() -> None:
    """No header, no-store, private, or no cache configured: every call reaches the server."""
    for header in (None, "no-store", "private, max-age=60", "max-age=0"):
        recorder = _server(header)
        async with enterprise(recorder, bearer_token=SECRET_TOKEN, cache=ResponseCache()) as client:
            await client.call(get_countries)
            await client.call(get_countries)
        assert len(recorder.requests) == 2, header
    recorder = _server("max-age=60")
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await client.call(get_countries)
        await client.call(get_countries)
    assert len(recorder.requests) == 2


def test_entries_are_keyed_by_credentials_and_language() -> None:
    """One user's cached answer is never served to another."""
    cache = ResponseCache()
    first = httpx.Request("GET", "https://x/countries", headers={"Authorization": "Bearer a"})
    other = httpx.Request("GET", "https://x/countries", headers={"Authorization": "Bearer b"})
    cache.put(first, httpx.Response(200, headers={"Cache-Control": "max-age=60"}, content=b"{}"))
    assert cache.get(first) is not None
    assert cache.get(other) is None
    assert "Bearer a" not in ResponseCache.key(first)


def test_cache_control_parsing() -> None:
    """max-age is read; no-store, no-cache and private forbid reuse."""
    assert cache_lifetime("public, max-age=300") == 300
    assert cache_lifetime("max-age=300, private") is None
    assert cache_lifetime("no-cache") is None
    assert cache_lifetime(None) is None


async def test_a_gzip_answer_served_from_the_cache_reads_as_the_server_sent_it() -> None:
    """A cached gzip body is not decoded twice: the hit equals the first answer."""
    body = json.dumps(
        {"data": {"countries": [{"country_id": "cz", "code": "CZ"}], "total_items": 1}}
    )

    def handle(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Encoding": "gzip", "Cache-Control": "max-age=60"}
        headers["Content-Type"] = "application/json"
        return httpx.Response(200, headers=headers, content=gzip.compress(body.encode()))

    recorder = Recorder(handle)
    cache = ResponseCache()
    async with enterprise(recorder, bearer_token=SECRET_TOKEN, cache=cache) as client:
        first = await client.call_raw(get_countries)
        second = await client.call_raw(get_countries)
    assert cache.hits == 1
    assert len(recorder.requests) == 1
    assert second.content == first.content == body.encode()
    assert second.data.to_dict() == first.data.to_dict()
    assert "content-encoding" not in second.headers
