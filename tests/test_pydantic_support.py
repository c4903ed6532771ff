"""Generated models in pydantic and FastAPI: validation, serialization, JSON schema, laziness."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from typing import Annotated, Any

import attrs
import httpx
import pytest
from carecloud_openapi import models
from carecloud_openapi.model_schemas import POINTERS
from carecloud_openapi.models import (
    Customer,
    GetPurchasesGetPurchases200ResponseData,
    PersonalInformation,
    Purchase,
    Store,
)
from carecloud_openapi.pydantic_support import spec_node
from fastapi import Body, FastAPI
from pydantic import BaseModel, TypeAdapter, ValidationError

from carecloud_async._spec_data import normalized_spec
from tests.spec_examples import schema_example

CUSTOMER: dict[str, Any] = {
    "customer_id": "c-1",
    "personal_information": {
        "language_id": "cs",
        "first_name": "Alice",
        "email": "alice@example.com",
        "birthdate": "1990-01-02",
    },
}


def _model_classes() -> list[type[Any]]:
    return [
        found
        for name in models.__all__
        if attrs.has(found := getattr(models, name)) and hasattr(found, "from_dict")
    ]


def test_type_adapter_reads_a_dict_and_writes_the_plain_json_of_to_dict() -> None:
    """Dates come in as ``date`` and go out as the API's strings, like ``to_dict()``."""
    adapter = TypeAdapter(Customer)
    customer = adapter.validate_python(CUSTOMER)
    assert isinstance(customer, Customer)
    assert customer.personal_information.birthdate == datetime.date(1990, 1, 2)
    assert adapter.dump_python(customer, mode="json") == CUSTOMER
    assert json.loads(adapter.dump_json(customer)) == customer.to_dict() == CUSTOMER
    assert adapter.validate_json(json.dumps(CUSTOMER)) == customer


def test_an_instance_is_taken_as_it_is() -> None:
    """A model already built is not read again (nor copied)."""
    customer = Customer.from_dict(CUSTOMER)
    assert TypeAdapter(Customer).validate_python(customer) is customer


def test_a_dict_that_does_not_fit_is_a_validation_error_naming_its_json_path() -> None:
    """Input to pydantic is the caller's, so it is read strictly: no silent None."""
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Customer).validate_python({"customer_id": "c-1"})
    assert "$.personal_information: required PersonalInformation is missing" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Customer).validate_python({**CUSTOMER, "customer_id": 5})
    assert "$.customer_id: expected string, found integer" in str(caught.value)


def test_something_other_than_a_dict_or_the_model_is_refused() -> None:
    """A list, a string or another model's instance is not a Customer."""
    for wrong in ([CUSTOMER], "c-1", Store.from_dict({"store_id": "s"})):
        with pytest.raises(ValidationError, match="Customer is read from a JSON object"):
            TypeAdapter(Customer).validate_python(wrong)


def test_a_pydantic_model_holds_sdk_models_as_fields() -> None:
    """A field of a model type validates, dumps to plain JSON and shows the masked repr."""

    class Visit(BaseModel):
        customer: Customer
        store: Store | None = None

    visit = Visit.model_validate({"customer": CUSTOMER})
    assert isinstance(visit.customer.personal_information, PersonalInformation)
    assert visit.model_dump(mode="json") == {"customer": CUSTOMER, "store": None}
    assert "Alice" not in repr(visit)
    assert "alice@example.com" not in repr(visit)
    schema = Visit.model_json_schema()
    assert schema["properties"]["customer"] == {"$ref": "#/$defs/Customer"}
    assert set(schema["$defs"]["Customer"]["properties"]) == {
        "customer_id",
        "personal_information",
        "doi_email",
        "doi_phone",
        "last_change",
        "state",
    }


def test_the_json_schema_is_the_specs_schema_in_json_schema_terms() -> None:
    """Properties, required fields, descriptions and examples come from the spec; named
    schemas are definitions of their own."""
    schema = TypeAdapter(GetPurchasesGetPurchases200ResponseData).json_schema(mode="serialization")
    assert schema["title"] == "GetPurchasesGetPurchases200ResponseData"
    assert schema["properties"]["purchases"]["items"] == {"$ref": "#/$defs/Purchase"}
    assert schema["properties"]["total_items"]["examples"] == [1]
    purchase = schema["$defs"]["Purchase"]
    spec_purchase = normalized_spec()["components"]["schemas"]["Purchase"]
    assert set(purchase["properties"]) == set(spec_purchase["properties"])
    assert purchase.get("required", []) == spec_purchase.get("required", [])
    assert "x-carecloud-datetime" not in json.dumps(schema)
    assert "nullable" not in json.dumps(schema)


def test_a_nullable_spec_field_allows_null_in_the_json_schema() -> None:
    """OpenAPI 3.0's ``nullable: true`` is a ``null`` type in JSON Schema."""
    pointer = next(
        (name, prop)
        for name, where in POINTERS.items()
        if isinstance(node := spec_node(where), dict)
        for prop, schema in (node.get("properties") or {}).items()
        if isinstance(schema, dict) and schema.get("nullable") is True and "type" in schema
    )
    name, prop = pointer
    schema = TypeAdapter(getattr(models, name)).json_schema()
    assert "null" in schema["properties"][prop]["type"]


async def test_fastapi_serves_and_documents_an_sdk_model_as_response_model() -> None:
    """``response_model=Customer`` answers with ``to_dict()`` and the app's /openapi.json
    lists the model's fields from the spec."""
    app = FastAPI()

    @app.get("/customers/{customer_id}", response_model=Customer)
    async def get_customer(customer_id: str) -> Customer:
        return Customer.from_dict({**CUSTOMER, "customer_id": customer_id})

    @app.get("/stores/{store_id}")
    async def get_store(store_id: str) -> Store:
        return Store.from_dict({**schema_example("Store"), "store_id": store_id})

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        answer = await http.get("/customers/c-9")
        store = await http.get("/stores/s-9")
        spec = (await http.get("/openapi.json")).json()
    assert answer.status_code == 200
    assert answer.json() == {**CUSTOMER, "customer_id": "c-9"}
    assert store.json()["store_id"] == "s-9"
    ok = spec["paths"]["/customers/{customer_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Customer"}
    documented = spec["components"]["schemas"]
    assert set(documented["Customer"]["properties"]) == set(
        normalized_spec()["components"]["schemas"]["Customer"]["properties"]
    )
    assert documented["Customer"]["properties"]["personal_information"] == {
        "$ref": "#/components/schemas/PersonalInformation"
    }
    assert "birthdate" in documented["PersonalInformation"]["properties"]
    assert "Store" in documented


async def test_fastapi_takes_an_sdk_model_as_request_body_and_answers_422_naming_the_path() -> None:
    """``Annotated[Customer, Body()]``: a fitting body arrives as the model, another is a
    422 whose message names the JSON path."""
    app = FastAPI()

    @app.post("/customers")
    async def create(customer: Annotated[Customer, Body()]) -> str:
        return customer.customer_id if isinstance(customer.customer_id, str) else "new"

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        created = await http.post("/customers", json=CUSTOMER)
        refused = await http.post("/customers", json={"customer_id": "c-2"})
    assert created.json() == "c-1"
    assert refused.status_code == 422
    (problem,) = refused.json()["detail"]
    assert (
        problem["msg"]
        == "Customer: $.personal_information: required PersonalInformation is missing"
    )


def test_every_model_has_a_json_schema_with_as_many_properties_as_it_has_fields() -> None:
    """All models, not a sample: each finds its schema in the spec (the right one: the
    counts agree) and pydantic can document it."""
    classes = _model_classes()
    assert len(classes) == len(POINTERS)
    for cls in classes:
        schema = TypeAdapter(cls).json_schema()
        definitions = schema.get("$defs", {})
        documented = set(schema.get("properties", {}))
        for branch in schema.get("allOf", []):
            target = definitions.get(branch.get("$ref", "").rsplit("/", 1)[-1], branch)
            documented |= set(target.get("properties", {}))
        fields = [f.name for f in attrs.fields(cls) if f.init]
        assert len(documented) == len(fields), cls.__name__


_PROBE = """
import json, sys
import httpx
import carecloud_openapi
import carecloud_async
from carecloud_openapi.api.purchases import get_purchase
from carecloud_openapi.models import Customer, Purchase

def answer(request):
    return httpx.Response(200, json={"data": {"purchase_id": "p-1"}})

async def main():
    client = carecloud_async.EnterpriseClient(
        base_url="http://127.0.0.1:9", bearer_token="t",
        transport=httpx.MockTransport(answer),
    )
    async with client:
        await client.call(get_purchase, purchase_id="p-1")
        await client.purchases.get_purchase(purchase_id="p-1")
    Customer.from_dict({"personal_information": {}}).to_dict()
    repr(Purchase.from_dict({}))

import asyncio
asyncio.run(main())
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")
      or m.endswith(".pydantic_support"))))
"""


def test_importing_the_package_and_calling_import_no_pydantic() -> None:
    """pydantic is not a dependency: only pydantic asking loads the interop module."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out) == []


def test_purchase_items_round_trip_through_pydantic() -> None:
    """A nested list of models survives validate -> dump unchanged."""
    purchase = schema_example("Purchase")
    adapter = TypeAdapter(Purchase)
    assert adapter.dump_python(adapter.validate_python(purchase), mode="json") == (
        Purchase.from_dict(purchase).to_dict()
    )
