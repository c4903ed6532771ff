"""A FastAPI service over CareCloud, written the way a service should use the SDK.

- **One client per application**, opened in the lifespan and closed at shutdown: it
  logs in once and shares its token, connection pool and rate limit across every
  request. A client per request would log in on every request.
- Handlers get that client through a dependency, so tests hand in one answered by
  the SDK's in-process mock (``test_app.py``).
- Every SDK error becomes an HTTP answer in one place (``errors.py``); a purchase
  whose outcome is unknown is reconciled, never sent twice.

Run it with ``CARECLOUD_*`` variables set (see the README) and ``uvicorn app:app``.
"""

# No ``from __future__ import annotations``: FastAPI reads the handlers' annotations,
# and ``Client`` below is local to ``create_app``.
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

from carecloud_openapi.models import Purchase
from errors import add_error_handlers
from fastapi import Depends, FastAPI
from pydantic import BaseModel

from carecloud_async import EnterpriseClient
from carecloud_async.helpers import Checkout, unset_to_none


class CareCloud:
    """The application's one CareCloud client: opened at start-up, closed at shutdown.

    Call the instance as a FastAPI dependency to get the client in a handler.
    """

    def __init__(self, connect: Callable[[], EnterpriseClient]) -> None:
        self._connect = connect
        self._client: EnterpriseClient | None = None

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        async with self._connect() as client:
            self._client = client
            try:
                yield
            finally:
                self._client = None

    def __call__(self) -> EnterpriseClient:
        if self._client is None:
            raise RuntimeError("the CareCloud client is used outside the application's lifespan")
        return self._client


class CustomerCard(BaseModel):
    """What the shop front shows of a customer."""

    customer_id: str
    first_name: str | None
    last_name: str | None
    email: str | None


class CheckoutRequest(BaseModel):
    """A bill to record; the SDK checks its fields against the spec before sending."""

    bill: dict[str, object]
    customer_id: str | None = None


class Receipt(BaseModel):
    """A recorded purchase, however it was learned (sent, or found after a lost answer)."""

    purchase_id: str | None
    """None only if CareCloud listed the purchase without its id."""
    bill_id: str
    found_by_lookup: bool


def create_app(
    connect: Callable[[], EnterpriseClient] = EnterpriseClient.from_env,
    *,
    store_id: str,
    cashdesk_number: int = 1,
) -> FastAPI:
    """The service; ``connect`` makes its one client when the application starts."""
    carecloud = CareCloud(connect)
    app = FastAPI(lifespan=carecloud.lifespan)
    add_error_handlers(app)
    Client = Annotated[EnterpriseClient, Depends(carecloud)]

    @app.get("/customers/{customer_id}")
    async def customer_card(customer_id: str, client: Client) -> CustomerCard:
        """A customer's name and email, straight from CareCloud."""
        customer = await client.customers.get_customer(customer_id=customer_id)
        person = customer.personal_information
        return CustomerCard(
            customer_id=unset_to_none(customer.customer_id) or customer_id,
            first_name=unset_to_none(person.first_name),
            last_name=unset_to_none(person.last_name),
            email=unset_to_none(person.email),
        )

    @app.get("/purchases/{purchase_id}")
    async def purchase(purchase_id: str, client: Client) -> Purchase:
        """The SDK's model as it is: FastAPI serializes it with ``to_dict()`` and documents
        it (``/openapi.json``) with its schema from the CareCloud spec."""
        return await client.purchases.get_purchase(purchase_id=purchase_id)

    @app.post("/checkout")
    async def checkout(order: CheckoutRequest, client: Client) -> Receipt:
        """Record a purchase once; a lost answer is looked up, never resent (see errors.py)."""
        till = Checkout(client, store_id=store_id, cashdesk_number=cashdesk_number)
        sent = await till.send_purchase(order.bill, customer_id=order.customer_id, deadline=20)
        return Receipt(
            purchase_id=sent.purchase_id, bill_id=sent.bill_id, found_by_lookup=sent.found_by_lookup
        )

    @app.get("/checkout/{bill_id}")
    async def checkout_outcome(bill_id: str, client: Client) -> Receipt:
        """What became of a bill whose outcome was unknown: 200 once recorded, 202 until then."""
        till = Checkout(client, store_id=store_id, cashdesk_number=cashdesk_number)
        purchase = await till.reconcile(bill_id, deadline=10)
        return Receipt(
            purchase_id=unset_to_none(purchase.purchase_id), bill_id=bill_id, found_by_lookup=True
        )

    return app


app = create_app(store_id=os.environ.get("SHOP_STORE_ID", "main-store"))
