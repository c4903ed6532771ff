"""The error tree: status -> class, the server's reasons, and nothing secret in any text."""

from __future__ import annotations

import copy
import pickle

import pytest

from carecloud_async._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CareCloudError,
    InvalidParam,
    MethodNotAllowedError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    TransportError,
    WrongAPIError,
    error_for_status,
)
from tests.conftest import SECRET_PASSWORD
from tests.spec_examples import schema_example


def _error(
    status: int,
    body: object = None,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> APIStatusError:
    return error_for_status(
        method="POST",
        path="/customers/c-1",
        status=status,
        body=body,
        request_id=request_id,
        retry_after=retry_after,
    )


STATUS_CLASSES: list[tuple[int, type[APIStatusError]]] = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (405, MethodNotAllowedError),
    (409, APIStatusError),
    (418, APIStatusError),
    (429, RateLimitError),
    (500, ServerError),
    (502, ServerError),
    (503, ServiceUnavailableError),
    (504, ServerError),
]
"""Every status class and its error; test_client checks the same table end to end."""


@pytest.mark.parametrize(("status", "error_class"), STATUS_CLASSES)
def test_each_status_maps_to_its_class(status: int, error_class: type) -> None:
    """One function decides the class; unknown 4xx fall back to APIStatusError, 5xx to ServerError."""
    error = _error(status)
    assert type(error) is error_class
    assert isinstance(error, CareCloudError)
    assert str(error) == f"POST /customers/c-1 -> {status}"


def test_reads_the_spec_basic_error_shape() -> None:
    """With type about:blank the exception names the cause; detail is the message."""
    body = {"error": schema_example("BasicError") | {"detail": "customer is blocked"}}
    error = _error(403, body, request_id="req-9")
    assert error.error_type == "error_exception"
    assert error.error_message == "customer is blocked"
    assert error.request_id == "req-9"
    assert "error_exception: customer is blocked" in str(error)


def test_a_non_json_or_odd_body_still_gives_the_status_error() -> None:
    """HTML pages, lists and strings are not error bodies; the status alone decides."""
    for body in (None, "<html>", ["a"], {"error": "flat string"}):
        error = _error(500, body)
        assert type(error) is ServerError
        assert error.error_type is None


def test_invalid_params_come_from_the_documented_400_body() -> None:
    """BadRequestError lists name, reason, value and message of each rejected parameter."""
    body = schema_example("BadRequestErrorBody")
    error = _error(400, body)
    assert isinstance(error, BadRequestError)
    expected = body["error"]["error_data"]["invalid_params"]
    assert error.invalid_params == [
        InvalidParam(
            name=str(e["name"]),
            reason=e.get("reason"),
            value=e.get("value"),
            message=e.get("message"),
        )
        for e in expected
    ]


def test_an_echoed_password_is_masked_in_reprs_and_messages() -> None:
    """A server that echoes a rejected password does not leak it through str or repr."""
    entry = {"name": "password", "reason": "too_short", "value": SECRET_PASSWORD}
    error = _error(400, {"error": {"error_data": {"invalid_params": [entry]}}})
    assert isinstance(error, BadRequestError)
    assert error.invalid_params[0].value == SECRET_PASSWORD  # still there for the caller
    texts = [str(error), repr(error), repr(error.invalid_params)]
    assert "password: too_short" in str(error)
    for text in texts:
        assert SECRET_PASSWORD not in text
    assert "'x@y.z'" in repr(InvalidParam(name="email", reason="invalid", value="x@y.z"))


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_carried_and_shown(status: int) -> None:
    """429 and 503 tell how long the server asked you to wait."""
    error = _error(status, retry_after=12.0)
    assert isinstance(error, RateLimitError | ServiceUnavailableError)
    assert error.retry_after == 12.0
    assert "retry after 12 s" in str(error)


def test_errors_survive_copy_and_pickle() -> None:
    """Keyword-only errors can cross process pools and be copied by the auth flow."""
    error = _error(429, {"error": {"type": "too_many"}}, retry_after=3.0)
    for clone in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert type(clone) is RateLimitError
        assert str(clone) == str(error)
        assert clone.retry_after == 3.0


def test_transport_errors_say_whether_the_request_may_have_reached_the_server() -> None:
    """Only a failed connection is known not to have been sent."""
    assert APIConnectionError("GET", "/stores", "refused").may_have_reached_server is False
    for cls in (APITimeoutError, OutcomeUnknownError, TransportError):
        assert cls("POST", "/purchases", "read timeout").may_have_reached_server is True


def test_wrong_api_error_names_both_apis_and_says_nothing_was_sent() -> None:
    """The message tells you which client to use instead."""
    error = WrongAPIError("postToken", "POST", "/tokens", "enterprise", ("customer",))
    assert str(error) == (
        "POST /tokens (postToken) is served only by the customer API, "
        "not by the enterprise API this client talks to; nothing was sent"
    )


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503])
def test_the_request_id_is_in_the_message_so_a_plain_log_line_keeps_it(status: int) -> None:
    """str(error), which logger.exception writes, ends with the server's request id."""
    body = {"error": {"type": "about:blank", "exception": "oops", "detail": "it failed"}}
    error = _error(status, body, request_id="req-42", retry_after=3)
    assert str(error).endswith("[request id req-42]")
    assert "req-42" in repr(error)
    assert "request id" not in str(_error(status, body))
