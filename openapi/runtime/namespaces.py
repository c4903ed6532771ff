"""Run-time plumbing of the typed operation namespaces (``client.purchases.get_purchase``).

The namespaces are generated from the spec into ``carecloud_openapi.typed.<api>.<tag>``;
each method only forwards to its client's dynamic path (``call``, ``paginate``,
``pages``), so auth, retries, wire conversion and checks are the same whichever
way an operation is called. A namespace module is imported the first time its
attribute is read. The client is anything with those three methods
(``OperationCaller``): ``carecloud_async.EnterpriseClient`` and ``CustomerClient``
are.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    import httpx

__all__ = ["Namespace", "NamespaceHost", "OperationCaller"]

Arguments: TypeAlias = Mapping[str, object]
"""An operation's own arguments by name (path, query and header parameters, ``body``)."""


class OperationCaller(Protocol):
    """What a namespace needs of its client: the dynamic path of every operation.

    Each method takes the generated endpoint module, then the per-call options
    and the operation's arguments as keywords; ``paginate`` and ``pages`` also
    take the paging options (``page_size``, ``max_items``, ...).
    """

    async def call(self, endpoint: ModuleType, /, **arguments: Any) -> Any:
        """The answer's ``data``."""
        ...

    def paginate(self, endpoint: ModuleType, /, **arguments: Any) -> AsyncIterator[Any]:
        """Every item of every page."""
        ...

    def pages(self, endpoint: ModuleType, /, **arguments: Any) -> AsyncIterator[Any]:
        """Every page, whole."""
        ...


def _given(required: Arguments, optional: Arguments) -> dict[str, object]:
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
) -> dict[str, object]:
    options: dict[str, object] = {
        "timeout": timeout,
        "deadline": deadline,
        "headers": headers,
        "retry_unsafe": retry_unsafe,
    }
    if accept_language is not None:
        options["accept_language"] = accept_language
    return options


def _walk(walk: dict[str, Any], required: Arguments, optional: Arguments) -> dict[str, object]:
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


class Namespace:
    """The operations of one tag, as served by one API; created by the client."""

    __slots__ = ("_client",)

    def __init__(self, client: OperationCaller) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} of {self._client!r}>"

    async def _call(
        self,
        module: str,
        required: Arguments,
        optional: Arguments,
        *,
        accept_language: str | None,
        timeout: httpx.Timeout | float | None,
        deadline: float | None,
        headers: Mapping[str, str] | None,
        retry_unsafe: bool,
    ) -> Any:
        return await self._client.call(
            importlib.import_module(module),
            **_options(accept_language, timeout, deadline, headers, retry_unsafe),
            **_given(required, optional),
        )

    def _paginate(
        self, module: str, required: Arguments, optional: Arguments, **walk: Any
    ) -> AsyncIterator[Any]:
        return self._client.paginate(
            importlib.import_module(module), **_walk(walk, required, optional)
        )

    def _pages(
        self, module: str, required: Arguments, optional: Arguments, **walk: Any
    ) -> AsyncIterator[Any]:
        return self._client.pages(
            importlib.import_module(module), **_walk(walk, required, optional)
        )


class NamespaceHost:
    """Base of the generated per-API mixins: builds and caches each namespace on first use.

    The client class that mixes it in must be an ``OperationCaller``.
    """

    def _namespace(self: OperationCaller, module: str, class_name: str) -> Any:
        cache: dict[str, Namespace] = self.__dict__.setdefault("_namespaces", {})
        found = cache.get(module)
        if found is None:
            namespace_class: type[Namespace] = getattr(importlib.import_module(module), class_name)
            found = cache[module] = namespace_class(self)
        return found
