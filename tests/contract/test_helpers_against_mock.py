"""Every helper against Prism: the requests they build are ones the spec accepts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from carecloud_async import EnterpriseClient, RetryPolicy
from carecloud_async.helpers import (
    CardUnavailableError,
    Checkout,
    add_customer_to_segment,
    assign_free_card,
    change_password,
    create_card,
    create_event,
    find_by_external_id,
    newsletter_sign_up,
    search_customers_strict,
    sign_up,
    sign_up_context,
    sync_products,
    update_customer,
    verify_credentials,
)
from carecloud_async.testing import MockCareCloud
from tests.spec_examples import request_body_example, schema_example


@pytest.fixture
async def client(carecloud_mock: MockCareCloud) -> AsyncIterator[EnterpriseClient]:
    violations: list[str] = []

    async def record(response: httpx.Response) -> None:
        if "sl-violations" in response.headers:
            violations.append(f"{response.request.url.path}: {response.headers['sl-violations']}")

    enterprise = EnterpriseClient(
        base_url=carecloud_mock.base_url,
        login="integration@example.com",
        password="example-password",
        external_application_id="82de12eb8b138791e678fd11c3",
        retry_policy=RetryPolicy(wait=False, max_retries=0),
    )
    enterprise.http.event_hooks["response"].append(record)
    async with enterprise:
        yield enterprise
    assert violations == []


async def test_checkout_flow_is_accepted_by_the_spec(client: EnterpriseClient) -> None:
    """Rewards, payment quote, purchase, summary, assignment and cancellation."""
    bill = request_body_example("POST", "/purchases/actions/send-purchase")["bill"]
    checkout = Checkout(client, store_id="81eaeea13b8984a169c490a325", cashdesk_number=1)
    await checkout.recommended_rewards(bill, customer_id="8ea2591121e636086a4a9c0992")
    await checkout.accept_payment(bill, payment_type="A", customer_id="8ea2591121e636086a4a9c0992")
    sent = await checkout.send_purchase(bill, card_number="2018000001234")
    await checkout.payment_summary(sent.purchase_id)
    await checkout.assign_customer(bill["bill_id"], customer_id="8ea2591121e636086a4a9c0992")
    await checkout.cancel_purchase(bill)
    await checkout.pay_with_loyalty(bill, customer_id="8ea2591121e636086a4a9c0992", points=1)


async def test_customer_workflows_are_accepted_by_the_spec(client: EnterpriseClient) -> None:
    """Sign-up, verification, strict search, external id lookup, update, password, newsletter."""
    context = await sign_up_context(client)
    assert context.stores
    example = request_body_example("POST", "/customers")
    assert await sign_up(client, example["customer"], customer_source=example["customer_source"])
    await verify_credentials(client, email="jane@example.com", password="secret")
    await search_customers_strict(
        client, first_name="Jane", last_name="Doe", birthdate="1990-01-01"
    )
    found = await find_by_external_id(client, customer_source_id="s1", external_id="ext-1")
    assert found is not None
    await update_customer(
        client, found.customer_id, {"personal_information": {"first_name": "Jana"}}
    )
    await change_password(client, found.customer_id, "n3w-password")
    await newsletter_sign_up(client, email="jane@example.com", customer_source_id="s1")


async def test_card_product_event_and_segment_helpers_are_accepted_by_the_spec(
    client: EnterpriseClient,
) -> None:
    """Card creation, product batches, events with properties, segment membership."""
    await create_card(
        client,
        card_type_id="86e05affc7a7abefcd513ab400",
        card_number="2018000001234",
        customer_id="c1",
    )
    results = await sync_products(
        client,
        brands=[schema_example("ProductBrand")],
        groups=[schema_example("ProductGroup")],
        products=[schema_example("ProductBatch")],
    )
    assert [r.ok for r in results] == [True, True, True]
    event = request_body_example("POST", "/events")
    await create_event(
        client, event=event["event"], property_records=event.get("property_records", [])
    )
    await add_customer_to_segment(client, "segment-1", "customer-1")
    card = schema_example("Card")  # the mock's card already has an owner
    assert await assign_free_card(client, card["card_number"], card["customer_id"])
    with pytest.raises(CardUnavailableError, match="already assigned"):
        await assign_free_card(client, card["card_number"], "someone-else")
