"""Every SDK error as an HTTP answer, decided in one table.

The statuses say what the *caller* of this service should do: fix its input
(422), look elsewhere (404), come back later (503 with ``Retry-After``), or, for a
write whose outcome is unknown, ask again about the outcome instead of repeating
the write (202 with ``Location``). A 202 is not retried by HTTP clients and proxies,
which is the point: a lost answer to a purchase must never turn into a second purchase.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from carecloud_async import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CareCloudError,
    ConfigurationError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseParseError,
    ServerError,
    ServiceUnavailableError,
    TokenStoreError,
    WrongAPIError,
)
from carecloud_async.helpers import PurchaseOutcomeUnknownError

logger = logging.getLogger("shop.carecloud")


@dataclass(frozen=True)
class Answer:
    """What this service tells its caller for one kind of SDK error."""

    status: int
    code: str
    detail: str


# Most specific first: the first class the error is an instance of decides.
ANSWERS: tuple[tuple[type[CareCloudError], Answer], ...] = (
    (
        PurchaseOutcomeUnknownError,
        Answer(
            202,
            "purchase_pending",
            "The purchase may or may not be recorded. Do not send "
            "it again: ask GET /checkout/{bill_id} until it says what happened.",
        ),
    ),
    (
        OutcomeUnknownError,
        Answer(
            202,
            "outcome_unknown",
            "The change may or may not have been applied. Do not repeat it: check its state first.",
        ),
    ),
    (TokenStoreError, Answer(500, "service_misconfigured", "The service cannot store its token.")),
    (WrongAPIError, Answer(500, "service_bug", "The service called the wrong CareCloud API.")),
    (ConfigurationError, Answer(422, "invalid_input", "Refused before anything was sent.")),
    (BadRequestError, Answer(422, "rejected_by_carecloud", "CareCloud refused the input.")),
    (NotFoundError, Answer(404, "not_found", "CareCloud knows no such record.")),
    (AuthenticationError, Answer(502, "upstream_login", "The service cannot log in to CareCloud.")),
    (PermissionDeniedError, Answer(502, "upstream_permission", "The service may not do that.")),
    (RateLimitError, Answer(503, "busy", "CareCloud is busy: try again after Retry-After.")),
    (ServiceUnavailableError, Answer(503, "busy", "CareCloud is unavailable: try again later.")),
    (APIConnectionError, Answer(503, "unreachable", "CareCloud is unreachable: nothing was sent.")),
    (APITimeoutError, Answer(504, "timeout", "CareCloud did not answer in time.")),
    (ServerError, Answer(502, "upstream_error", "CareCloud failed.")),
    (ResponseParseError, Answer(502, "upstream_answer", "CareCloud's answer was unusable.")),
    (APIStatusError, Answer(502, "upstream_error", "CareCloud refused the request.")),
    (CareCloudError, Answer(502, "upstream_error", "The CareCloud call failed.")),
)


def answer_for(error: CareCloudError) -> Answer:
    """The answer for ``error``: the first class in ``ANSWERS`` it is an instance of."""
    return next(answer for cls, answer in ANSWERS if isinstance(error, cls))


def error_response(error: CareCloudError) -> JSONResponse:
    """The HTTP answer for an SDK error, with the headers that tell the caller what to do."""
    answer = answer_for(error)
    body: dict[str, object] = {"error": answer.code, "detail": answer.detail}
    headers: dict[str, str] = {}
    if isinstance(error, OutcomeUnknownError):
        body["retry"] = False
    if isinstance(error, PurchaseOutcomeUnknownError):
        body["bill_id"] = error.bill_id
        body["purchase_ids"] = error.purchase_ids
        headers["location"] = f"/checkout/{error.bill_id}"
    if isinstance(error, ConfigurationError | BadRequestError):
        body["detail"] = str(error)  # names the field; the SDK never puts a secret in it
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int | float):
        headers["retry-after"] = str(max(1, round(retry_after)))
    return JSONResponse(body, status_code=answer.status, headers=headers)


async def _handle(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, CareCloudError)
    # str(error) carries method, path, status and CareCloud's request id, never a secret.
    logger.warning("%s %s: %s", request.method, request.url.path, error)
    return error_response(error)


def add_error_handlers(app: FastAPI) -> None:
    """Answer every SDK error from ``ANSWERS`` (one handler: FastAPI matches subclasses)."""
    app.add_exception_handler(CareCloudError, _handle)
