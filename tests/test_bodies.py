"""Plain-dict bodies go out as checked: read-only fields the server assigns are never demanded."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from carecloud_openapi.api.charged_entrances import put_entrance
from carecloud_openapi.api.purchases import put_purchase
from carecloud_openapi.api.stores import post_store, put_store
from carecloud_openapi.api.tasks import post_task_comment

from carecloud_async import ConfigurationError
from carecloud_async._bodies import PlainBody, build_body
from tests.conftest import SECRET_TOKEN, Recorder, enterprise
from tests.spec_examples import request_body_example

# (endpoint, path arguments, the operation's (method, path), the wrapper field, the
# read-only required fields the server assigns)
READ_ONLY_CASES = [
    (put_entrance, {"entrance_id": "e1"}, ("PUT", "/entrances/{entrance_id}"), "entrance"),
    (put_purchase, {"purchase_id": "p1"}, ("PUT", "/purchases/{purchase_id}"), "purchase"),
    (post_store, {}, ("POST", "/stores"), "store"),
    (put_store, {"store_id": "s1"}, ("PUT", "/stores/{store_id}"), "store"),
    (
        post_task_comment,
        {"task_id": "t1"},
        ("POST", "/tasks/{task_id}/task-comments"),
        "task_comment",
    ),
]


def _without_read_only(method: str, path: str, wrapper: str) -> dict[str, Any]:
    """The spec's example body with every read-only field of the wrapped record left out."""
    from carecloud_async._schema import spec_schemas

    schemas = spec_schemas()
    operation = schemas.spec["paths"][path][method.lower()]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    record = schemas.node(schemas.node(body_schema).properties[wrapper])
    body = copy.deepcopy(request_body_example(method, path))
    for name, prop in record.properties.items():
        if schemas.node(prop).read_only:
            body[wrapper].pop(name, None)
    return dict(body)


@pytest.mark.parametrize("case", READ_ONLY_CASES, ids=lambda case: case[2][0] + " " + case[2][1])
async def test_a_body_without_the_read_only_fields_the_server_assigns_is_sent(
    case: tuple[Any, dict[str, str], tuple[str, str], str],
) -> None:
    """A new store has no store_id yet: the body is valid without it, and goes out without it."""
    endpoint, path_arguments, (method, path), wrapper = case
    body = _without_read_only(method, path, wrapper)
    recorder = Recorder(lambda request: httpx.Response(204))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        await client.call(endpoint, **path_arguments, body=body)
    (request,) = recorder.requests
    assert json.loads(request.content) == body  # nothing added, no read-only field as null


async def test_a_missing_writable_field_is_still_named_beside_an_absent_read_only_one() -> None:
    """Leaving out store_id is fine; leaving out system_id is not, and the error says which."""
    body = _without_read_only("POST", "/stores", "store")
    del body["store"]["system_id"]
    recorder = Recorder(lambda request: httpx.Response(201))
    async with enterprise(recorder, bearer_token=SECRET_TOKEN) as client:
        with pytest.raises(ConfigurationError) as caught:
            await client.call(post_store, body=body)
    assert str(caught.value) == "postStore: body.store.system_id is required but missing"
    assert recorder.requests == []


def test_a_plain_body_keeps_the_callers_dict_and_names_only_fields_in_its_repr() -> None:
    """The body handed to the request builder is the checked dict; its repr shows no values."""
    fields = {"customer_id": "jane.doe@example.com"}
    body = build_body(dict, fields)
    assert isinstance(body, PlainBody)
    assert body.to_dict() == fields
    assert body.to_dict() is not fields
    assert "jane.doe" not in repr(body)
