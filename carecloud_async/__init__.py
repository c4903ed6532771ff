"""Async Python SDK for the CareCloud Enterprise and Customer REST APIs.

Names are loaded on first use (PEP 562), so ``import carecloud_async`` stays
cheap for services that only need part of it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carecloud_async._auth import BearerTokenAuth, EnterpriseAuth
    from carecloud_async._cache import ResponseCache
    from carecloud_async._client import DEFAULT_TIMEOUT, CustomerClient, EnterpriseClient
    from carecloud_async._customer_auth import CustomerAuth, DeviceInfo
    from carecloud_async._datetimes import format_project_datetime, parse_project_datetime
    from carecloud_async._errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        CareCloudError,
        ClientClosedError,
        ConfigurationError,
        CustomerSessionLostError,
        InvalidParam,
        MethodNotAllowedError,
        NotFoundError,
        OutcomeUnknownError,
        PermissionDeniedError,
        RateLimitError,
        ResponseParseError,
        ServerError,
        ServiceUnavailableError,
        TokenStoreError,
        TransportError,
        WrongAPIError,
    )
    from carecloud_async._find import OperationInfo, find_operation
    from carecloud_async._logging import RedactingFilter, RequestEvent, RequestHook
    from carecloud_async._operations import Operation, operation_of
    from carecloud_async._pagination import InvalidItemPolicy, Page, WalkStats
    from carecloud_async._pipeline import ApiResponse
    from carecloud_async._provenance import SPEC_PROVENANCE, SpecProvenance
    from carecloud_async._ratelimit import RateLimiter
    from carecloud_async._reading import Deviation
    from carecloud_async._retry import RetryPolicy
    from carecloud_async._token_store import (
        FileTokenStore,
        InMemoryTokenStore,
        SharedTokenStore,
        TokenStore,
    )
    from carecloud_async._transport import ResilientTransport

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "APIConnectionError": "_errors",
    "APIStatusError": "_errors",
    "APITimeoutError": "_errors",
    "ApiResponse": "_pipeline",
    "AuthenticationError": "_errors",
    "BadRequestError": "_errors",
    "BearerTokenAuth": "_auth",
    "CareCloudError": "_errors",
    "ClientClosedError": "_errors",
    "ConfigurationError": "_errors",
    "CustomerAuth": "_customer_auth",
    "CustomerClient": "_client",
    "CustomerSessionLostError": "_errors",
    "DEFAULT_TIMEOUT": "_client",
    "Deviation": "_reading",
    "DeviceInfo": "_customer_auth",
    "EnterpriseAuth": "_auth",
    "EnterpriseClient": "_client",
    "FileTokenStore": "_token_store",
    "InMemoryTokenStore": "_token_store",
    "InvalidItemPolicy": "_pagination",
    "InvalidParam": "_errors",
    "MethodNotAllowedError": "_errors",
    "NotFoundError": "_errors",
    "Operation": "_operations",
    "OperationInfo": "_find",
    "OutcomeUnknownError": "_errors",
    "Page": "_pagination",
    "PermissionDeniedError": "_errors",
    "RateLimitError": "_errors",
    "RateLimiter": "_ratelimit",
    "RedactingFilter": "_logging",
    "RequestEvent": "_logging",
    "RequestHook": "_logging",
    "ResilientTransport": "_transport",
    "ResponseCache": "_cache",
    "ResponseParseError": "_errors",
    "RetryPolicy": "_retry",
    "ServerError": "_errors",
    "SPEC_PROVENANCE": "_provenance",
    "ServiceUnavailableError": "_errors",
    "SharedTokenStore": "_token_store",
    "SpecProvenance": "_provenance",
    "TokenStore": "_token_store",
    "TokenStoreError": "_errors",
    "TransportError": "_errors",
    "WalkStats": "_pagination",
    "WrongAPIError": "_errors",
    "find_operation": "_find",
    "format_project_datetime": "_datetimes",
    "operation_of": "_operations",
    "parse_project_datetime": "_datetimes",
}

__all__ = [
    "DEFAULT_TIMEOUT",
    "SPEC_PROVENANCE",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ApiResponse",
    "AuthenticationError",
    "BadRequestError",
    "BearerTokenAuth",
    "CareCloudError",
    "ClientClosedError",
    "ConfigurationError",
    "CustomerAuth",
    "CustomerClient",
    "CustomerSessionLostError",
    "Deviation",
    "DeviceInfo",
    "EnterpriseAuth",
    "EnterpriseClient",
    "FileTokenStore",
    "InMemoryTokenStore",
    "InvalidItemPolicy",
    "InvalidParam",
    "MethodNotAllowedError",
    "NotFoundError",
    "Operation",
    "OperationInfo",
    "OutcomeUnknownError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiter",
    "RedactingFilter",
    "RequestEvent",
    "RequestHook",
    "ResilientTransport",
    "ResponseCache",
    "ResponseParseError",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailableError",
    "SharedTokenStore",
    "SpecProvenance",
    "TokenStore",
    "TokenStoreError",
    "TransportError",
    "WalkStats",
    "WrongAPIError",
    "__version__",
    "find_operation",
    "format_project_datetime",
    "operation_of",
    "parse_project_datetime",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"carecloud_async.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
