"""How requests identify the SDK: one ``User-Agent`` on every request, auth requests included.

``User-Agent: carecloud-async/<version> (+spec <date>) httpx/<version> Python/<version>``
tells a CareCloud operator reading access logs which SDK release, pinned spec
and runtime sent a request. It is set per request, never on the httpx client; a
caller's own ``User-Agent`` (on an injected ``httpx.AsyncClient`` or in a call's
``headers``) is kept.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from functools import cache

import httpx

from carecloud_async import __version__
from carecloud_async._package_data import spec_lock

__all__ = ["send_without_auth", "user_agent", "user_agent_for"]

_HTTPX_DEFAULT_PREFIX = "python-httpx/"


@cache
def user_agent() -> str:
    """The SDK's ``User-Agent`` value (computed once per process)."""
    try:
        spec_date = str(spec_lock()["upstream"]["commit_date"])
    except (OSError, KeyError, TypeError, ValueError):
        spec_date = "unknown"
    return (
        f"carecloud-async/{__version__} (+spec {spec_date}) "
        f"httpx/{httpx.__version__} Python/{sys.version.split()[0]}"
    )


def user_agent_for(http: httpx.AsyncClient) -> str | None:
    """The ``User-Agent`` the SDK adds to requests sent through ``http``: None when ``http``
    was given one of its own (which then goes on every request unchanged)."""
    current = http.headers.get("User-Agent", "")
    if current and not current.startswith(_HTTPX_DEFAULT_PREFIX):
        return None
    return user_agent()


def send_without_auth(
    http: httpx.AsyncClient,
) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    """A sender for login and device-token requests, which are built outside the client.

    Such requests do not get the client's default headers, so the ``User-Agent``
    the client's calls carry is put on them here.
    """
    agent = user_agent_for(http) or http.headers.get("User-Agent") or user_agent()

    async def send(request: httpx.Request) -> httpx.Response:
        request.headers.setdefault("User-Agent", agent)
        return await http.send(request, auth=None)

    return send
