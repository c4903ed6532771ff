"""Product catalogue sync: brands, then groups, then products, in batches of at most 1,000.

Products refer to brands and groups, so the order matters; each batch call is
reported on its own so a partial failure says exactly which records to resend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

from carecloud_openapi.api.product_brands import post_bulk_product_brands
from carecloud_openapi.api.product_groups import post_bulk_product_groups
from carecloud_openapi.api.products import post_bulk_products

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import CareCloudError, ConfigurationError
from carecloud_async.helpers._common import JsonObject, records_of

__all__ = ["MAX_BATCH", "ChunkResult", "sync_products"]

MAX_BATCH = 1000


@dataclass(frozen=True)
class ChunkResult:
    """One batch call: which records it carried and how it ended."""

    kind: str
    first_index: int
    size: int
    result: object = None
    """What the batch call answered (the bulk operations answer 204: None)."""
    error: CareCloudError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _chunks(records: list[dict[str, object]], size: int) -> list[list[dict[str, object]]]:
    return [records[i : i + size] for i in range(0, len(records), size)]


async def sync_products(
    client: EnterpriseClient,
    *,
    brands: Sequence[JsonObject] = (),
    groups: Sequence[JsonObject] = (),
    products: Sequence[JsonObject] = (),
    chunk_size: int = MAX_BATCH,
    stop_on_error: bool = True,
) -> list[ChunkResult]:
    """Send brands, groups and products through their batch endpoints, in that order."""

    if not 1 <= chunk_size <= MAX_BATCH:
        raise ConfigurationError(
            f"sync_products: chunk_size must be between 1 and {MAX_BATCH}, got {chunk_size}"
        )
    # Every record is checked before the first batch goes out, so a bad one late in the
    # list cannot leave the catalogue half sent.
    plan: tuple[tuple[str, list[dict[str, object]], ModuleType], ...] = (
        ("product_brands", records_of(brands, "sync_products", "brands"), post_bulk_product_brands),
        ("product_groups", records_of(groups, "sync_products", "groups"), post_bulk_product_groups),
        ("products", records_of(products, "sync_products", "products"), post_bulk_products),
    )
    results: list[ChunkResult] = []
    for kind, records, endpoint in plan:
        for number, chunk in enumerate(_chunks(records, chunk_size)):
            first = number * chunk_size
            try:
                # A batch upsert of the same records is idempotent: safe to retry.
                # The bulk operations answer 204 today; keep whatever a future spec returns.
                outcome: object = await client.call(
                    endpoint,
                    body={kind: chunk},
                    retry_unsafe=True,
                )
            except CareCloudError as exc:
                results.append(ChunkResult(kind, first, len(chunk), error=exc))
                if stop_on_error:
                    return results
                continue
            results.append(ChunkResult(kind, first, len(chunk), result=outcome))
    return results
