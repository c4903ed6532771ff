"""``find_operation``: from what the API reference shows to the Python that calls it.

Accepts ``"POST /purchases/actions/send-purchase"``, an operationId
(``"postPurchaseSend"``), its Python method name (``"post_purchase_send"``) or
a concrete path with ids filled in (``"GET /purchases/8f2c.../purchase-items"``,
also a full URL), and answers with the operation and its Python names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from carecloud_openapi._operations import OPERATIONS
from carecloud_openapi.typed._index import NAMES

from carecloud_async._errors import ConfigurationError
from carecloud_async._naming import pages_name, paginate_name, reference_url, snake_case

__all__ = ["OperationInfo", "find_operation"]

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_API_ROOT = re.compile(r"^.*?/webservice/rest-api/[^/]+/[^/]+(?=/)")
_PLACEHOLDER = re.compile(r"\{[^/{}]+\}")


@dataclass(frozen=True)
class OperationInfo:
    """One operation of the spec and the Python names that call it."""

    method: str
    path: str
    """The path template, e.g. ``/purchases/{purchase_id}``."""
    operation_id: str
    apis: tuple[str, ...]
    """The APIs serving it: ``"enterprise"``, ``"customer"`` or both."""
    paginated: bool
    namespace: str
    """The client attribute grouping it: ``client.<namespace>``."""
    python_method: str
    """The method on that namespace: ``client.<namespace>.<python_method>(...)``."""
    endpoint_module: str
    """The generated module for ``client.call`` (the dynamic path)."""
    paginate_method: str | None
    """``client.<namespace>.<paginate_method>(...)`` iterates over items (list operations)."""
    pages_method: str | None
    """``client.<namespace>.<pages_method>(...)`` iterates over whole pages."""
    reference_url: str

    @property
    def clients(self) -> tuple[str, ...]:
        """The client classes offering it."""
        names = {"enterprise": "EnterpriseClient", "customer": "CustomerClient"}
        return tuple(names[api] for api in self.apis)

    def __str__(self) -> str:
        return (
            f"{self.method} {self.path} ({self.operation_id}): "
            f"client.{self.namespace}.{self.python_method}(...) on {' and '.join(self.clients)}"
        )


@cache
def _all() -> tuple[OperationInfo, ...]:
    found = []
    for (method, path), (operation_id, apis, list_field) in OPERATIONS.items():
        namespace, python_method, module = NAMES[operation_id]
        paginated = list_field is not None
        found.append(
            OperationInfo(
                method=method,
                path=path,
                operation_id=operation_id,
                apis=apis,
                paginated=paginated,
                namespace=namespace,
                python_method=python_method,
                endpoint_module=module,
                paginate_method=paginate_name(operation_id) if paginated else None,
                pages_method=pages_name(operation_id) if paginated else None,
                reference_url=reference_url(operation_id),
            )
        )
    return tuple(found)


@cache
def _pattern(path: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(path)
    return re.compile("[^/]+".join(re.escape(part) for part in parts) + "/?")


@cache
def _by_snake_name() -> dict[str, tuple[OperationInfo, ...]]:
    """Operations by their operationId in snake case (built once: 600-odd conversions)."""
    found: dict[str, tuple[OperationInfo, ...]] = {}
    for op in _all():
        key = snake_case(op.operation_id)
        found[key] = (*found.get(key, ()), op)
    return found


def _by_path(method: str | None, path: str) -> list[OperationInfo]:
    if "://" in path:
        path = urlsplit(path).path
    path = _API_ROOT.sub("", path.split("?", 1)[0].split("#", 1)[0])
    if not path.startswith("/"):
        path = "/" + path
    matches = [
        op
        for op in _all()
        if (method is None or op.method == method) and _pattern(op.path).fullmatch(path)
    ]
    # A literal segment beats a placeholder: /purchases/actions/x is not /purchases/{id}/x.
    fewest = min((op.path.count("{") for op in matches), default=0)
    return [op for op in matches if op.path.count("{") == fewest]


def find_operation(query: str) -> OperationInfo:
    """The operation named by ``"METHOD /path"``, an operationId, a method name or a path.

    Raises ``ConfigurationError`` (with close matches) when nothing or more than
    one operation fits; give the HTTP method to tell ``GET`` and ``PUT`` apart.
    """
    text = " ".join(query.split())
    if not text:
        raise ConfigurationError("find_operation needs 'METHOD /path', an operationId or a path")
    head, _, rest = text.partition(" ")
    method = head.upper() if head.upper() in _METHODS and rest else None
    target = rest if method else text
    if "/" in target:
        matches = _by_path(method, target)
    else:
        matches = list(_by_snake_name().get(snake_case(target), ()))
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{op.method} {op.path}" for op in matches)
        raise ConfigurationError(
            f"find_operation({query!r}) fits several operations ({listed}): add the HTTP method"
        )
    choices = [f"{op.method} {op.path}" for op in _all()] + [op.operation_id for op in _all()]
    close = difflib.get_close_matches(text, choices, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ConfigurationError(f"find_operation({query!r}): no such operation in the spec{hint}")
