"""Logs never carry a credential: the secret fields come from the spec, body logging is its own
explicit opt-in, and masking looks at no more of a body than it prints."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx
import pytest
from carecloud_openapi.api.stores import get_stores
from carecloud_openapi.api.tokens import post_token_login
from carecloud_openapi.models import PostTokenLoginBody, PostTokenLoginBodyLoginType

from carecloud_async import CustomerClient, DeviceInfo, EnterpriseClient, RetryPolicy
from carecloud_async._logging import SECRET_FIELDS, mask_body
from carecloud_async._spec_data import normalized_spec
from carecloud_async.helpers import Checkout
from tests.conftest import BASE_URL, Recorder, json_response
from tests.spec_examples import request_body_example, schema_example

CREDENTIAL_NAME = re.compile(
    r"password|token|secret|credential|application_id|verification_code|^login(_value)?$"
)
"""What makes a field a credential; ``token_type`` and ``token_request_id`` are masked too."""

LOGIN_NAME = "integration.user@example.com"
PASSWORD = "Enterprise-Pa55word!"
APP_ID = "ext-app-5f0c2b8e41"
BEARER = "bearer-9d8c7b6a5f4e3d2c1b0a"
DEVICE_TOKEN = "device-7e6d5c4b3a29181706f5"
CUSTOMER_EMAIL = "jane.customer@example.org"
CUSTOMER_PASSWORD = "Customer-Pa55word?"
CUSTOMER_APP_ID = "cust-app-1a2b3c4d5e6f"
SECRETS = (
    LOGIN_NAME,
    PASSWORD,
    APP_ID,
    BEARER,
    DEVICE_TOKEN,
    CUSTOMER_EMAIL,
    CUSTOMER_PASSWORD,
    CUSTOMER_APP_ID,
)


def _spec_property_names() -> set[str]:
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                names.update(properties)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(normalized_spec())
    return names


def test_every_credential_field_of_the_spec_is_masked() -> None:
    credentials = {name for name in _spec_property_names() if CREDENTIAL_NAME.search(name)}
    assert {"password", "user_external_application_id", "social_network_token"} <= credentials
    assert credentials <= SECRET_FIELDS | {"token_type", "token_request_id"}
    for name in credentials:
        body = json.dumps({name: "SECRET-VALUE", "note": "kept"})
        assert "SECRET-VALUE" not in mask_body(body), name
        long_body = json.dumps({"items": ["x" * 50] * 100, name: "SECRET-VALUE"})
        assert "SECRET-VALUE" not in mask_body(long_body, limit=len(long_body) - 5), name


def _enterprise_server() -> Recorder:
    bill_id = request_body_example("POST", "/purchases/actions/send-purchase")["bill"]["bill_id"]

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/users/actions/login"):
            return json_response(200, {"bearer_token": BEARER, "valid_to": "2099-01-01 00:00:00"})
        if path.endswith("/send-purchase"):
            return httpx.Response(502)  # the answer is lost: the checkout looks the bill up
        if path.endswith("/purchases"):
            purchase = dict(
                schema_example("Purchase"),
                external_purchase_id=bill_id,
                store_id="s1",
                cashdesk_number="1",
            )
            return json_response(200, {"purchases": [purchase], "total_items": 1})
        return json_response(200, {"stores": [], "total_items": 0})

    return Recorder(handle)


def _customer_server() -> Recorder:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tokens"):
            return json_response(201, {"token_id": DEVICE_TOKEN})
        return json_response(200, {"customer_id": "c-1"})

    return Recorder(handle)


async def _sessions() -> None:
    enterprise = _enterprise_server()
    async with EnterpriseClient(
        base_url=BASE_URL,
        login=LOGIN_NAME,
        password=PASSWORD,
        external_application_id=APP_ID,
        project_timezone="UTC",
        transport=enterprise.transport,
        retry_policy=RetryPolicy(wait=False),
    ) as client:
        await client.call(get_stores)
        bill = request_body_example("POST", "/purchases/actions/send-purchase")["bill"]
        await Checkout(client, store_id="s1", cashdesk_number=1).send_purchase(bill)
    customer = _customer_server()
    async with CustomerClient(
        base_url=BASE_URL,
        external_application_id=CUSTOMER_APP_ID,
        device=DeviceInfo(device_id="kiosk-1"),
        transport=customer.transport,
        retry_policy=RetryPolicy(wait=False),
    ) as client:
        await client.login_customer(email=CUSTOMER_EMAIL, password=CUSTOMER_PASSWORD)
        body = PostTokenLoginBody(
            login_type=PostTokenLoginBodyLoginType.EMAIL,
            login_value=CUSTOMER_EMAIL,
            password=CUSTOMER_PASSWORD,
        )
        await client.call(post_token_login, token_id=DEVICE_TOKEN, body=body)


@pytest.mark.usefixtures("httpx_logs_redacted")
async def test_a_debug_log_of_whole_sessions_holds_no_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Enterprise login, device token and customer login, checkout: bodies logged, no secret
    (httpx's URL lines through the ``RedactingFilter`` an application attaches)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="carecloud_async.bodies")
    await _sessions()
    log = caplog.text
    assert "request body" in log
    assert "response body" in log
    assert "send-purchase" in log
    for secret in SECRETS:
        assert secret not in log, secret


async def test_debug_on_the_package_logger_does_not_log_bodies(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Per-attempt lines at DEBUG, bodies only when their own logger is set to DEBUG."""
    caplog.set_level(logging.DEBUG, logger="carecloud_async")
    await _sessions()
    assert "/users/actions/login -> 200" in caplog.text
    assert "body" not in caplog.text


async def test_the_sdks_own_log_records_hold_no_secret_without_any_filter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every record of the ``carecloud_async`` loggers is clean as written, filter or not."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="carecloud_async.bodies")
    await _sessions()
    own = [r.getMessage() for r in caplog.records if r.name.startswith("carecloud")]
    assert any("request body" in message for message in own)
    for secret in SECRETS:
        assert not [message for message in own if secret in message], secret


async def test_a_client_leaves_every_logger_as_the_application_configured_it() -> None:
    """Clients log in, send and read without adding a filter, handler or level anywhere."""

    def configuration() -> dict[str, tuple[object, ...]]:
        loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
        return {
            getattr(logger, "name", "?"): (
                tuple(getattr(logger, "filters", ())),
                tuple(getattr(logger, "handlers", ())),
                getattr(logger, "level", None),
                getattr(logger, "propagate", None),
                getattr(logger, "disabled", None),
            )
            for logger in loggers
        }

    logging.getLogger("httpx")  # so a filter put on it later would be seen
    before = configuration()
    await _sessions()
    after = configuration()
    assert {name: after[name] for name in before} == before
    assert all(
        not config[0] and not config[1] for name, config in after.items() if name not in before
    )


def test_masking_a_long_body_only_reads_what_is_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    """No parse of the whole body; a secret cut at the end of the printed part is still hidden."""

    def no_full_parse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the whole body was parsed")

    items = [{"purchase_id": f"p-{n}", "email": f"user{n}@example.com"} for n in range(20000)]
    body = json.dumps({"data": {"password": "hunter2", "purchases": items}})
    monkeypatch.setattr(json, "loads", no_full_parse)
    printed = mask_body(body.encode(), limit=300)
    assert printed.endswith("...(truncated)")
    assert len(printed) <= 300 + len("...(truncated)")
    assert "hunter2" not in printed
    assert "@example.com" not in printed
    assert '"purchase_id": "p-0"' in printed  # what is not secret stays readable
    cut = mask_body('{"note": "x", "password": "hunter2-and-more"}', limit=32)
    assert "hunter2" not in cut
