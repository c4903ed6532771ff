"""A small FastAPI service that reads from CareCloud: the kind of code the fixtures test.

Run it with ``CARECLOUD_*`` variables set (see the README) and
``uvicorn app:app``; its tests in ``test_app.py`` need neither.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException

from carecloud_async import EnterpriseClient, NotFoundError

app = FastAPI()


async def carecloud() -> AsyncIterator[EnterpriseClient]:
    """The CareCloud client of a request; tests replace it with the plugin's fixture."""
    async with EnterpriseClient.from_env() as client:
        yield client


@app.get("/stores/{store_id}")
async def store_card(
    store_id: str, client: Annotated[EnterpriseClient, Depends(carecloud)]
) -> dict[str, str]:
    """What the shop front shows of a store: its name and city."""
    try:
        store = await client.stores.get_store(store_id=store_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail="unknown store") from exc
    city = store.store_address.city if store.store_address else None
    return {"id": store.store_id or store_id, "name": store.name or "", "city": city or ""}
