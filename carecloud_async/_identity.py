"""How requests identify the SDK: one ``User-Agent`` on every request, auth requests included.

``User-Agent: carecloud-async/<version> (+spec <date>) httpx/<version> Python/<version>``
tells a CareCloud operator reading access logs which SDK release, pinned spec
and runtime sent a request. A caller's own ``User-Agent`` (on an injected
``httpx.AsyncClient`` or in a call's ``headers``) is kept.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from functools import cache

import httpx

__all__ = ["identify", "send_without_auth", "user_agent"]

_HTTPX_DEFAULT_PREFIX = "python-httpx/"


@cache
def user_agent() -> str:
    """The SDK's ``User-Agent`` value (computed once per process)."""
    from carecloud_async import __version__
    from carecloud_async._package_data import spec_lock

    try:
        spec_date = str(spec_lock()["upstream"]["commit_date"])
    except (OSError, KeyError, TypeError, ValueError):
        spec_date = "unknown"
    return (
        f"carecloud-async/{__version__} (+spec {spec_date}) "
        f"httpx/{httpx.__version__} Python/{sys.version.split()[0]}"
    )


def identify(http: httpx.AsyncClient) -> None:
    """Make ``http`` send the SDK's ``User-Agent`` unless it was given one of its own."""
    current = http.headers.get("User-Agent", "")
    if not current or current.startswith(_HTTPX_DEFAULT_PREFIX):
        http.headers["User-Agent"] = user_agent()


def send_without_auth(
    http: httpx.AsyncClient,
) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    """A sender for login and device-token requests, which are built outside the client.

    Such requests do not get the client's default headers, so the client's
    ``User-Agent`` is copied onto them here.
    """

    async def send(request: httpx.Request) -> httpx.Response:
        if "User-Agent" not in request.headers:
            request.headers["User-Agent"] = http.headers.get("User-Agent") or user_agent()
        return await http.send(request, auth=None)

    return send
