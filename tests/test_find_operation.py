"""find_operation: from the API reference to the Python names that call an operation."""

from __future__ import annotations

import importlib

import pytest

import carecloud_async
from carecloud_async import ConfigurationError, CustomerClient, EnterpriseClient, find_operation
from scripts._spec import iter_operations
from tests.spec_examples import normalized


@pytest.mark.parametrize(
    "query",
    [
        "POST /purchases/actions/send-purchase",
        "post /purchases/actions/send-purchase",
        "postPurchaseSend",
        "post_purchase_send",
        "POST https://sandbox.crmcarecloud.com/webservice/rest-api/enterprise-interface/v1.0"
        "/purchases/actions/send-purchase",
    ],
)
def test_finds_an_operation_by_reference_id_or_python_name(query: str) -> None:
    found = find_operation(query)
    assert (found.method, found.path, found.operation_id) == (
        "POST",
        "/purchases/actions/send-purchase",
        "postPurchaseSend",
    )
    assert (found.namespace, found.python_method) == ("purchases", "post_purchase_send")
    assert found.endpoint_module == "carecloud_openapi.api.purchases.post_purchase_send"
    assert found.apis == ("enterprise", "customer")
    assert not found.paginated
    assert found.reference_url == "https://carecloud.readme.io/reference/postpurchasesend"
    assert "client.purchases.post_purchase_send" in str(found)


def test_a_concrete_path_with_ids_finds_its_template() -> None:
    found = find_operation("GET /purchases/5f1c-77/purchase-items?count=5")
    assert found.path == "/purchases/{purchase_id}/purchase-items"
    assert found.paginated
    assert found.paginate_method == "paginate_get_sub_purchase_items"
    assert found.pages_method == "pages_get_sub_purchase_items"


def test_ambiguous_and_unknown_queries_say_what_would_fit() -> None:
    with pytest.raises(ConfigurationError, match=r"GET /purchases/\{purchase_id\}.*PUT"):
        find_operation("/purchases/5f1c-77")
    with pytest.raises(ConfigurationError, match="did you mean 'getPurchase'"):
        find_operation("getPurchse")


def test_every_operation_is_found_and_its_python_names_exist() -> None:
    clients = {"enterprise": EnterpriseClient, "customer": CustomerClient}
    for path, method, operation in iter_operations(normalized()):
        found = find_operation(f"{method} {path}")
        assert found.operation_id == operation["operationId"]
        assert find_operation(operation["operationId"]) == found
        module = importlib.import_module(found.endpoint_module)
        assert callable(module._get_kwargs)
        for api in found.apis:
            namespace_class = getattr(clients[api], found.namespace).fget.__annotations__
            assert namespace_class  # the property is typed
            typed = importlib.import_module(f"carecloud_openapi.typed.{api}.{found.namespace}")
            cls = getattr(typed, typed.__all__[0])
            names = [found.python_method, found.paginate_method, found.pages_method]
            for name in filter(None, names):
                assert callable(getattr(cls, name)), (api, name)
    assert carecloud_async.OperationInfo is type(found)
