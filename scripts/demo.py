"""The main job, end to end through the public API: `make demo`.

Without configuration it starts the local mock CareCloud (Prism serving the
pinned spec) and runs against it. Point it at a real project with
CARECLOUD_PROJECT_URL plus credentials (see README, "Demo and mock server");
there it only reads and asks for quotes, unless CARECLOUD_DEMO_SEND_PURCHASE=1
lets it record (and then cancel) a real purchase.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from carecloud_async import (
    CustomerClient,
    DeviceInfo,
    EnterpriseClient,
    FileTokenStore,
    format_project_datetime,
)
from carecloud_async.helpers import Checkout, unset_to_none
from carecloud_async.testing import MockCareCloud

MOCK_CREDENTIALS = {
    "login": "demo@example.com",
    "password": "demo-password",
    "external_application_id": "82de12eb8b138791e678fd11c3",
}


def report(step: str, outcome: str) -> None:
    print(f"  {step:<34} {outcome}")


@contextlib.asynccontextmanager
async def target() -> AsyncIterator[tuple[str | None, bool]]:
    """(base_url or None for CARECLOUD_PROJECT_URL, whether this is the mock)."""
    if os.environ.get("CARECLOUD_PROJECT_URL") or os.environ.get("CARECLOUD_BASE_URL"):
        yield None, False
        return
    started = time.perf_counter()
    async with MockCareCloud() as mock:
        print(
            f"mock CareCloud (Prism) on {mock.base_url}, ready in {time.perf_counter() - started:.1f} s"
        )
        yield mock.base_url, True


def enterprise_client(base_url: str | None) -> EnterpriseClient:
    if base_url is None:
        return EnterpriseClient.from_env()
    return EnterpriseClient(base_url=base_url, **MOCK_CREDENTIALS)


def customer_client(base_url: str | None) -> CustomerClient:
    device = DeviceInfo(device_id=os.environ.get("CARECLOUD_DEVICE_ID", "carecloud-async-demo"))
    if base_url is None:
        return CustomerClient.from_env(device=device)
    store = FileTokenStore(
        os.path.join(os.environ.get("TMPDIR", "/tmp"), "carecloud-demo-token.json")
    )
    return CustomerClient(
        base_url=base_url,
        external_application_id=MOCK_CREDENTIALS["external_application_id"],
        device=device,
        token_store=store,
    )


async def first(client: EnterpriseClient, endpoint: Any, field: str) -> Any:
    data = await client.call(endpoint, count=1)
    items = unset_to_none(getattr(data, field)) or []
    if not items:
        raise RuntimeError(f"the project has no {field}; the demo needs one")
    return items[0]


def build_bill(
    store_currency: str, purchase_type_id: str, item_type_id: str, zone: Any
) -> dict[str, Any]:
    return {
        "bill_id": f"demo-{uuid.uuid4().hex[:16]}",
        "payment_time": format_project_datetime(datetime.now(UTC), zone),
        "currency_id": store_currency,
        "total_price": 12.5,
        "purchase_type_id": purchase_type_id,
        "canceled": False,
        "payment_type": "A",
        "bill_items": [
            {
                "bill_item_id": "1",
                "plu_ids": [{"list_code": "EAN", "code": "8590000000001"}],
                "plu_name": "Demo espresso",
                "vat_rate": 21,
                "quantity": 1,
                "price": 12.5,
                "paid_amount": 12.5,
                "loyalty_off": False,
                "purchase_item_type_id": item_type_id,
            }
        ],
    }


async def run(base_url: str | None, on_mock: bool) -> None:
    from carecloud_openapi.api.currencies import get_currencies
    from carecloud_openapi.api.customers import get_customer, get_customers
    from carecloud_openapi.api.purchase_item_types import get_purchase_item_types
    from carecloud_openapi.api.purchase_types import get_purchase_types
    from carecloud_openapi.api.purchases import get_purchases
    from carecloud_openapi.api.stores import get_stores

    async with enterprise_client(base_url) as client:
        print(f"enterprise API: {client.base_url}")
        store = await first(client, get_stores, "stores")
        report("login + first store", f"{store.store_id} ({unset_to_none(store.name)})")
        summary = await first(client, get_customers, "customers")
        customer = await client.call(get_customer, customer_id=summary.customer_id)
        report("customer lookup", f"{customer.customer_id}")

        started = time.perf_counter()
        count = 0
        async for _purchase in client.paginate(
            get_purchases, page_size=50, max_items=500, concurrency=4, sort_field="payment_time"
        ):
            count += 1
        report("paginate purchases", f"{count} in {1000 * (time.perf_counter() - started):.0f} ms")

        currency = await first(client, get_currencies, "currencies")
        purchase_type = await first(client, get_purchase_types, "purchase_types")
        item_type = await first(client, get_purchase_item_types, "purchase_item_types")
        bill = build_bill(
            currency.currency_id,
            purchase_type.type_id,
            item_type.type_id,
            client.project_timezone,
        )
        checkout = Checkout(client, store_id=store.store_id, cashdesk_number=1)
        rewards = await checkout.recommended_rewards(bill, customer_id=customer.customer_id)
        report(
            "recommended rewards",
            f"{len(unset_to_none(rewards.recommended_best_rewards) or [])} offered",
        )
        quote = await checkout.accept_payment(
            bill, payment_type="A", customer_id=customer.customer_id
        )
        points = unset_to_none(quote.credit_points_of_this_transaction)
        report("accept payment (quote)", f"would earn {points} points")
        if on_mock or os.environ.get("CARECLOUD_DEMO_SEND_PURCHASE") == "1":
            sent = await checkout.send_purchase(bill, customer_id=customer.customer_id)
            purchase_id = unset_to_none(getattr(sent, "purchase_id", None))
            report("send purchase", f"purchase {purchase_id} for bill {bill['bill_id']}")
            if purchase_id:
                summary_data = await checkout.payment_summary(purchase_id)
                earned = unset_to_none(summary_data.earned_points)
                report("payment summary", f"earned {earned} points")
            if not on_mock:
                await checkout.cancel_purchase(bill)
                report("cancel demo purchase", "sent")
        else:
            report("send purchase", "skipped on a real project (CARECLOUD_DEMO_SEND_PURCHASE=1)")

    await export_with_the_command_line(base_url)

    async with customer_client(base_url) as customer_api:
        token = await customer_api.device_token()
        report("customer API device token", f"{token[:4]}... (stored, reused next run)")


def csv_shape(path: str) -> tuple[int, int]:
    header, *rows = Path(path).read_text(encoding="utf-8").splitlines()
    return len(rows), len(header.split(","))


async def export_with_the_command_line(base_url: str | None) -> None:
    """The same job as an ETL step: `carecloud export getStores -o stores.csv`."""
    import importlib.util

    if importlib.util.find_spec("typer") is None:
        report("carecloud export", "skipped (pip install 'carecloud-async[cli]')")
        return
    env = dict(os.environ)
    if base_url is not None:
        env.update(
            CARECLOUD_BASE_URL=base_url,
            CARECLOUD_LOGIN=MOCK_CREDENTIALS["login"],
            CARECLOUD_PASSWORD=MOCK_CREDENTIALS["password"],
            CARECLOUD_EXTERNAL_APPLICATION_ID=MOCK_CREDENTIALS["external_application_id"],
        )
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "stores.csv")
        command = [sys.executable, "-m", "carecloud_async.cli", "export", "getStores"]
        command += ["-o", out, "--page-size", "100", "--concurrency", "2"]
        process = await asyncio.create_subprocess_exec(
            *command,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, errors = await process.communicate()
        lines = errors.decode().strip().splitlines()
        if process.returncode != 0:
            report("carecloud export", f"failed ({process.returncode}): {lines[-1:]}")
            return
        rows, columns = csv_shape(out)
        report("carecloud export getStores (CSV)", f"{rows} rows, {columns} columns")


async def main() -> int:
    print("carecloud-async demo")
    async with target() as (base_url, on_mock):
        # The mock's canned login answer expires in 2019; that warning is expected there.
        logging.basicConfig(
            level=logging.ERROR if on_mock else logging.WARNING, format="  log: %(message)s"
        )
        await run(base_url, on_mock)
    print("done: mock stopped" if base_url else "done")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
