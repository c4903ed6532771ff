"""Run-time plumbing of the typed operation namespaces (``client.purchases.get_purchase``).

The namespaces themselves are generated from the spec into
``carecloud_openapi.typed.<api>.<tag>``; each method only forwards to the
client's dynamic path (``call`` / ``paginate`` / ``pages``), so auth, retries,
wire conversion and checks are the same whichever way an operation is called.
A namespace module is imported the first time its attribute is read.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from carecloud_async._pagination import Page

__all__ = ["Namespace", "NamespaceHost"]


def _given(required: Mapping[str, Any], optional: Mapping[str, Any]) -> dict[str, Any]:
    """The operation's arguments: required ones as passed, optional ones only when given."""
    params = dict(required)
    params.update((name, value) for name, value in optional.items() if value is not None)
    return params


def _options(
    accept_language: str | None,
    timeout: httpx.Timeout | float | None,
    deadline: float | None,
    headers: Mapping[str, str] | None,
    retry_unsafe: bool,
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "timeout": timeout,
        "deadline": deadline,
        "headers": headers,
        "retry_unsafe": retry_unsafe,
    }
    if accept_language is not None:
        options["accept_language"] = accept_language
    return options


class Namespace:
    """The operations of one tag, as served by one API; created by the client."""

    __slots__ = ("_client",)

    def __init__(self, client: Any) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} of {self._client!r}>"

    async def _call(
        self,
        module: str,
        required: Mapping[str, Any],
        optional: Mapping[str, Any],
        *,
        accept_language: str | None,
        timeout: httpx.Timeout | float | None,
        deadline: float | None,
        headers: Mapping[str, str] | None,
        retry_unsafe: bool,
    ) -> Any:
        endpoint = importlib.import_module(module)
        return await self._client.call(
            endpoint,
            **_options(accept_language, timeout, deadline, headers, retry_unsafe),
            **_given(required, optional),
        )

    def _paginate(
        self,
        module: str,
        required: Mapping[str, Any],
        optional: Mapping[str, Any],
        **walk: Any,
    ) -> AsyncGenerator[Any, None]:
        from carecloud_async._pagination import paginate

        return paginate(
            self._client, importlib.import_module(module), **_walk(walk, required, optional)
        )

    def _pages(
        self,
        module: str,
        required: Mapping[str, Any],
        optional: Mapping[str, Any],
        **walk: Any,
    ) -> AsyncGenerator[Page[Any], None]:
        from carecloud_async._pagination import pages

        return pages(
            self._client, importlib.import_module(module), **_walk(walk, required, optional)
        )


def _walk(
    walk: dict[str, Any], required: Mapping[str, Any], optional: Mapping[str, Any]
) -> dict[str, Any]:
    """Keyword arguments of ``paginate``/``pages`` from a typed method's own: the page
    options pass through, the per-call options and the operation's arguments as for a call."""
    options = _options(
        walk.pop("accept_language"),
        walk.pop("timeout"),
        walk.pop("deadline"),
        walk.pop("headers"),
        walk.pop("retry_unsafe"),
    )
    return {**walk, **options, **_given(required, optional)}


class NamespaceHost:
    """Base of the generated per-API mixins: builds and caches each namespace on first use."""

    def _namespace(self, module: str, class_name: str) -> Any:
        cache: dict[str, Namespace] = self.__dict__.setdefault("_namespaces", {})
        found = cache.get(module)
        if found is None:
            namespace_class = getattr(importlib.import_module(module), class_name)
            found = cache[module] = namespace_class(self)
        return found
