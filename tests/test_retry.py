"""The retry policy's pure decisions: what is retried, how long to wait, what Retry-After says."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from carecloud_async._errors import ConfigurationError
from carecloud_async._retry import (
    RetryPolicy,
    Verdict,
    backoff_delay,
    exception_verdict,
    parse_retry_after,
    status_verdict,
)

REQUEST = httpx.Request("GET", "https://x.example")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "POST"])
@pytest.mark.parametrize("status", [429, 503])
def test_throttling_and_unavailability_are_retried_for_every_method(
    method: str, status: int
) -> None:
    """429 and 503 refuse the request before processing it."""
    assert status_verdict(method, status) is Verdict.RETRY


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_are_retried_only_when_safe_to_repeat(status: int) -> None:
    """GET/PUT/DELETE retry; a POST may have been applied, unless the caller opts in."""
    assert status_verdict("GET", status) is Verdict.RETRY
    assert status_verdict("PUT", status) is Verdict.RETRY
    assert status_verdict("DELETE", status) is Verdict.RETRY
    assert status_verdict("POST", status) is Verdict.OUTCOME_UNKNOWN
    assert status_verdict("POST", status, retry_unsafe=True) is Verdict.RETRY


@pytest.mark.parametrize("status", [200, 201, 204, 400, 401, 403, 404, 405, 409])
def test_other_statuses_are_final(status: int) -> None:
    """Client errors and successes are never retried."""
    assert status_verdict("GET", status) is Verdict.DONE


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused", request=REQUEST),
        httpx.ConnectTimeout("slow connect", request=REQUEST),
        httpx.PoolTimeout("no connection", request=REQUEST),
    ],
)
def test_failures_before_sending_are_retried_even_for_post(exc: Exception) -> None:
    """Nothing reached the server: replaying cannot duplicate."""
    assert exception_verdict("POST", exc) is Verdict.RETRY


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("no answer", request=REQUEST),
        httpx.RemoteProtocolError("dropped", request=REQUEST),
        httpx.WriteTimeout("half sent", request=REQUEST),
    ],
)
def test_failures_after_sending_are_retried_only_when_safe(exc: Exception) -> None:
    """A read timeout on POST may follow a recorded purchase."""
    assert exception_verdict("GET", exc) is Verdict.RETRY
    assert exception_verdict("POST", exc) is Verdict.OUTCOME_UNKNOWN
    assert exception_verdict("POST", exc, retry_unsafe=True) is Verdict.RETRY


def test_backoff_doubles_from_half_a_second_and_caps_at_eight() -> None:
    """0.5, 1, 2, 4, 8, 8 ... before jitter."""
    policy = RetryPolicy()
    middle = [backoff_delay(n, policy, rand=0.5) for n in range(1, 7)]
    assert middle == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_jitter_stays_within_twenty_percent_and_under_the_cap() -> None:
    """Random factor in [0.8, 1.2], never above backoff_max."""
    policy = RetryPolicy()
    assert backoff_delay(2, policy, rand=0.0) == pytest.approx(0.8)
    assert backoff_delay(2, policy, rand=1.0) == pytest.approx(1.2)
    assert backoff_delay(5, policy, rand=1.0) == 8.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    """Both header forms; a past date means now; garbage means absent."""
    now = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Tue, 01 Jan 2030 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Tue, 01 Jan 2030 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_a_policy_with_impossible_settings_is_refused() -> None:
    """Bad configuration names the setting."""
    with pytest.raises(ConfigurationError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ConfigurationError, match="jitter"):
        RetryPolicy(jitter=1.5)
