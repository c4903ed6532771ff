"""A DEBUG run with credentials and personal data in traffic leaves none of it in the log."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from carecloud_openapi.api.customers import get_customers
from carecloud_openapi.api.tokens import post_token_login
from carecloud_openapi.models import PostTokenLoginBody, PostTokenLoginBodyLoginType

from carecloud_async._logging import mask_body, redact_path
from tests.conftest import SECRET_PASSWORD, SECRET_TOKEN, Recorder, enterprise, json_response
from tests.spec_examples import schema_example
from tests.test_customer_auth import _client as customer_client
from tests.test_customer_auth import _server as customer_server

EMAIL = "jane.doe@example.com"
CARD = "4111 1111 1111 1234"
PHONE = "+420777123456"


def _customers_page() -> httpx.Response:
    customer = schema_example("Customer")
    customer["personal_information"].update(email=EMAIL, phone=PHONE, first_name="Jane")
    customer["customer_id"] = f"c-1 card {CARD}"
    return json_response(200, {"customers": [customer], "total_items": 1})


@pytest.mark.usefixtures("httpx_logs_redacted")
async def test_debug_logs_contain_no_secret_or_personal_data(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Login password, bearer and device tokens, emails, phones and card numbers are masked
    (httpx's own URL lines through the ``RedactingFilter`` the README tells you to attach)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="carecloud_async.bodies")  # the explicit opt-in

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/users/actions/login"):
            return httpx.Response(
                200,
                json={"data": {"bearer_token": SECRET_TOKEN, "valid_to": "2099-01-01 00:00:00"}},
            )
        return _customers_page()

    async with enterprise(Recorder(handle)) as client:
        await client.call(get_customers, email=EMAIL)
    recorder = customer_server()
    async with customer_client(recorder) as customer:
        body = PostTokenLoginBody(
            login_type=PostTokenLoginBodyLoginType.EMAIL,
            login_value=EMAIL,
            password=SECRET_PASSWORD,
        )
        await customer.call(post_token_login, token_id=await customer.device_token(), body=body)

    log = caplog.text
    assert "/users/actions/login" in log  # the run was logged...
    assert "response body" in log
    assert "request body" in log
    for secret in (SECRET_PASSWORD, SECRET_TOKEN, "device-token-1", EMAIL, CARD, PHONE, "Jane"):
        assert secret not in log, secret  # ...without anything sensitive


def test_mask_body_keeps_structure_and_hides_values() -> None:
    """Keys stay readable for debugging; secret and personal values do not."""
    masked = json.loads(
        mask_body(
            json.dumps(
                {
                    "password": "x",
                    "login": EMAIL,
                    "note": f"call {PHONE} or mail {EMAIL}",
                    "count": 3,
                }
            )
        )
    )
    assert masked["password"] == "***"
    assert masked["login"] == "***"
    assert masked["count"] == 3
    assert PHONE not in masked["note"]
    assert EMAIL not in masked["note"]
    assert mask_body("Authorization: Bearer abc.def") == "Authorization: Bearer ***"


def test_token_ids_in_paths_and_query_strings_are_redacted() -> None:
    """/tokens/{token_id} is a secret; query strings may hold emails."""
    assert redact_path("/tokens/abc123/actions/login?x=1") == "/tokens/***/actions/login"
    assert redact_path(f"/customers?email={EMAIL}") == "/customers"
