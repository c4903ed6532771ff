"""Product catalogue sync: brands, then groups, then products, in batches of at most 1,000.

Products refer to brands and groups, so the order matters; each batch call is
reported on its own so a partial failure says exactly which records to resend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from carecloud_async._client import EnterpriseClient
from carecloud_async._errors import CareCloudError, ConfigurationError

__all__ = ["MAX_BATCH", "ChunkResult", "sync_products"]

MAX_BATCH = 1000


@dataclass(frozen=True)
class ChunkResult:
    """One batch call: which records it carried and how it ended."""

    kind: str
    first_index: int
    size: int
    result: Any = None
    error: CareCloudError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _chunks(records: Sequence[Mapping[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [[dict(r) for r in records[i : i + size]] for i in range(0, len(records), size)]


async def sync_products(
    client: EnterpriseClient,
    *,
    brands: Sequence[Mapping[str, Any]] = (),
    groups: Sequence[Mapping[str, Any]] = (),
    products: Sequence[Mapping[str, Any]] = (),
    chunk_size: int = MAX_BATCH,
    stop_on_error: bool = True,
) -> list[ChunkResult]:
    """Send brands, groups and products through their batch endpoints, in that order."""
    from carecloud_openapi.api.product_brands import post_bulk_product_brands
    from carecloud_openapi.api.product_groups import post_bulk_product_groups
    from carecloud_openapi.api.products import post_bulk_products

    if not 1 <= chunk_size <= MAX_BATCH:
        raise ConfigurationError(f"chunk_size must be between 1 and {MAX_BATCH}, got {chunk_size}")
    # The bulk operations answer 204 today; keep whatever a future spec lets them return.
    plan: tuple[tuple[str, Sequence[Mapping[str, Any]], ModuleType], ...] = (
        ("product_brands", brands, post_bulk_product_brands),
        ("product_groups", groups, post_bulk_product_groups),
        ("products", products, post_bulk_products),
    )
    results: list[ChunkResult] = []
    for kind, records, endpoint in plan:
        for number, chunk in enumerate(_chunks(records, chunk_size)):
            first = number * chunk_size
            try:
                # A batch upsert of the same records is idempotent: safe to retry.
                outcome = await client.call(
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
