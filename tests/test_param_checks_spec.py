"""Every operation of the spec, called with its own example arguments, passes the input checks."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import httpx
from carecloud_openapi import api

from carecloud_async._client import CustomerClient, EnterpriseClient
from carecloud_async._customer_auth import DeviceInfo
from carecloud_async._errors import APIStatusError
from carecloud_async._retry import RetryPolicy
from scripts._spec import iter_operations, resolve_ref
from tests.conftest import BASE_URL, SECRET_TOKEN, Recorder, json_response
from tests.spec_examples import _PLACEHOLDER_BY_TYPE, example, normalized, request_body_example


def _endpoint_modules() -> dict[tuple[str, str], Any]:
    found = {}
    for info in pkgutil.iter_modules(api.__path__):
        package = importlib.import_module(f"carecloud_openapi.api.{info.name}")
        for short, (method, path) in getattr(package, "ENDPOINTS", {}).items():
            found[(method, path)] = importlib.import_module(f"{package.__name__}.{short}")
    return found


def _snake(name: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def example_arguments(method: str, path: str) -> dict[str, Any]:
    """The operation's parameters (all of them) and body, from the spec's examples."""
    spec = normalized()
    operation = spec["paths"][path][method.lower()]
    arguments: dict[str, Any] = {}
    for raw in operation.get("parameters", []):
        parameter = resolve_ref(spec, raw["$ref"]) if "$ref" in raw else raw
        if parameter["in"] == "header":
            continue
        schema = parameter.get("schema", {})
        value = parameter["example"] if "example" in parameter else example(spec, schema)
        if value is None:
            value = _PLACEHOLDER_BY_TYPE[schema.get("type")]
        arguments[_snake(parameter["name"])] = value
    if "requestBody" in operation:
        arguments["body"] = request_body_example(method, path)
    return arguments


def _answer(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/tokens":
        return json_response(201, {"token_id": "device-token-1"})
    return httpx.Response(418, json={"error": {"title": "teapot"}})


OPERATIONS = sorted(
    (method.upper(), path, operation.get("x-carecloud-api", []))
    for path, method, operation in iter_operations(normalized())
)


async def test_every_operation_accepts_its_own_examples() -> None:
    """Each call gets past every check and reaches the server (which answers 418)."""
    modules = _endpoint_modules()
    recorder = Recorder(_answer)
    enterprise = EnterpriseClient(
        base_url=BASE_URL,
        bearer_token=SECRET_TOKEN,
        transport=recorder.transport,
        retry_policy=RetryPolicy(wait=False),
    )
    customer = CustomerClient(
        base_url=BASE_URL,
        external_application_id="app-1",
        device=DeviceInfo(device_id="kiosk-7"),
        transport=recorder.transport,
        retry_policy=RetryPolicy(wait=False),
    )
    refused = []
    async with enterprise, customer:
        for method, path, apis in OPERATIONS:
            client = enterprise if "enterprise" in apis else customer
            sent = len(recorder.requests)
            try:
                await client.call_raw(modules[(method, path)], **example_arguments(method, path))
            except APIStatusError:
                pass
            except Exception as exc:
                refused.append(f"{method} {path}: {type(exc).__name__}: {exc}")
                continue
            assert recorder.requests[-1].method == method
            assert len(recorder.requests) > sent
    assert not refused, "\n".join(refused)


def test_every_operation_has_its_generated_endpoint() -> None:
    assert len(OPERATIONS) > 300
    assert {(method, path) for method, path, _ in OPERATIONS} == set(_endpoint_modules())
