"""Async Python SDK for the CareCloud Enterprise and Customer REST APIs."""

from carecloud_async._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CareCloudError,
    ConfigurationError,
    InvalidParam,
    MethodNotAllowedError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseParseError,
    ServerError,
    ServiceUnavailableError,
    TransportError,
    WrongAPIError,
)

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CareCloudError",
    "ConfigurationError",
    "InvalidParam",
    "MethodNotAllowedError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseParseError",
    "ServerError",
    "ServiceUnavailableError",
    "TransportError",
    "WrongAPIError",
    "__version__",
]
