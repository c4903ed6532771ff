"""A dlt source of CareCloud list operations (``pip install 'carecloud-async[dlt]'``).

One resource per list operation you choose, loaded through the SDK (its
pagination, rate limiting, retries and token handling), page by page as Arrow
batches typed from the spec::

    import dlt
    from carecloud_async.dlt import carecloud_source

    pipeline = dlt.pipeline("carecloud", destination="duckdb", dataset_name="crm")
    pipeline.run(carecloud_source(["getPurchases", "getPoints"], profile="prod"))

Each resource follows its operation's incremental mode (``_incremental``):
``last_change`` newest first, stopping once past dlt's cursor minus ``lag``,
merged by primary key (new and changed rows); a documented time filter from
the cursor minus ``lag`` (new rows only); otherwise the whole collection,
merged by primary key (or replaced when the items have none). dlt keeps the
cursors in its pipeline state and drops rows repeated inside the lag window.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.libs.pyarrow import py_arrow_to_table_schema_columns
from dlt.extract.incremental import Incremental
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource

from carecloud_async._client import CustomerClient, EnterpriseClient
from carecloud_async._datetimes import format_project_datetime, project_zone
from carecloud_async._errors import ConfigurationError
from carecloud_async._find import find_operation
from carecloud_async._incremental import IncrementalMode, IncrementalPlan, incremental_plans
from carecloud_async.etl import BatchBuilder, arrow_schema, primary_key

__all__ = ["carecloud_source"]

ClientSetting = str | float | tzinfo | None
"""A keyword argument of ``EnterpriseClient`` as the source accepts it (strings, numbers)."""

_Client = EnterpriseClient | CustomerClient


def _settings(
    profile: str | None, client_settings: dict[str, ClientSetting]
) -> tuple[str, dict[str, Any]]:
    """The API and the client's keyword arguments, from a profile or given directly."""
    if profile is None:
        return "enterprise", dict(client_settings)
    from carecloud_async.cli._config import client_options, load_settings

    overrides = {k: str(v) for k, v in client_settings.items() if v is not None}
    settings = load_settings(profile=profile, overrides=overrides, prompt=None)
    return settings.api, client_options(settings)


def carecloud_source(
    operations: Sequence[str],
    profile: str | None = None,
    *,
    lag: timedelta = timedelta(hours=1),
    page_size: int = 500,
    concurrency: int = 4,
    **client_settings: ClientSetting,
) -> DltSource:
    """A dlt source with one resource per list operation in ``operations`` (operationIds).

    Connect with ``profile`` (a profile of the ``carecloud`` command's config file) or
    with ``EnterpriseClient`` keyword arguments (``project_url=``, ``login=``...).
    """
    api, options = _settings(profile, client_settings)
    zone = project_zone(options.get("project_timezone") or "UTC")
    plans = incremental_plans()
    for operation_id in operations:
        if operation_id not in plans:
            raise ConfigurationError(f"{operation_id!r} is not a paginated list operation")
    resources = [
        _resource(plans[operation_id], api, options, zone, lag, page_size, concurrency)
        for operation_id in operations
    ]
    return dlt.source(name="carecloud", max_table_nesting=0)(lambda: resources)()


def _resource(
    plan: IncrementalPlan,
    api: str,
    options: dict[str, Any],
    zone: tzinfo,
    lag: timedelta,
    page_size: int,
    concurrency: int,
) -> DltResource:
    operation_id = plan.operation_id
    key = primary_key(operation_id)
    zone_text = str(getattr(zone, "key", "UTC"))
    schema = arrow_schema(operation_id, zone_text)
    follows = plan.mode is not IncrementalMode.FULL and plan.cursor_field is not None
    order: Literal["asc", "desc"] = "desc" if plan.mode is IncrementalMode.LAST_CHANGE else "asc"
    cursor: Incremental[Any] | None = (
        dlt.sources.incremental(
            plan.cursor_field or "",
            row_order=order,
            lag=lag.total_seconds(),
            on_cursor_value_missing="include",
        )
        if follows
        else None
    )
    endpoint = importlib.import_module(find_operation(operation_id).endpoint_module)

    async def rows(incremental: Incremental[Any] | None = cursor) -> AsyncIterator[pa.RecordBatch]:
        start = None if incremental is None else incremental.start_value
        since: datetime | None = None if start is None else start - lag
        arguments: dict[str, Any] = dict(plan.sort)
        if plan.mode is IncrementalMode.TIME_FILTER and plan.time_filter and since is not None:
            arguments[plan.time_filter.low] = format_project_datetime(since, zone)
        builder = BatchBuilder(operation_id, zone_text)
        client_class = CustomerClient if api == "customer" else EnterpriseClient
        async with client_class(**options) as client:
            pages = client.pages(
                endpoint, raw=True, page_size=page_size, concurrency=concurrency, **arguments
            )
            async for page in pages:
                batch = builder.build(page.items).records
                yield batch
                if plan.mode is IncrementalMode.LAST_CHANGE and since is not None:
                    oldest = pc.min(batch.column(plan.cursor_field or "")).as_py()
                    if oldest is not None and oldest < since:
                        await pages.aclose()
                        return

    return dlt.resource(
        rows,
        name=operation_id,
        primary_key=key or (),
        write_disposition="merge" if key else ("append" if follows else "replace"),
        columns=py_arrow_to_table_schema_columns(schema),
    )
