"""Columnar exports of list operations: Arrow schemas from the spec, pages as RecordBatches.

Needs the ``etl`` extra (``pip install 'carecloud-async[etl]'``: pyarrow); the rest of
the SDK never imports it. Read pages with ``raw=True`` and hand their items to a
``BatchBuilder``: the decoded JSON goes straight to Arrow, no attrs models::

    from carecloud_async.etl import BatchBuilder

    builder = BatchBuilder("getPurchases", zone=client.project_timezone)
    async for page in client.pages(get_purchases, raw=True, page_size=500):
        batch = builder.build(page.items)   # batch.records: a pyarrow.RecordBatch

Types: project-local date-times become ``timestamp('us', tz=<project zone>)``, dates
``date32``; integers ``int64``, numbers ``float64``, booleans ``bool``, strings
``string`` (enums keep their plain values); objects become structs and arrays lists;
a value the spec leaves open is JSON text. ``_extra`` (JSON text) keeps, per row,
fields the spec does not declare and values that did not fit their column, under
their JSON path: a newer server never fails a run and no value is lost.
"""

from __future__ import annotations

from carecloud_async.etl._batches import BatchBuilder, ItemBatch, JsonItem
from carecloud_async.etl._columns import (
    EXTRA_COLUMN,
    ItemTable,
    OperationRef,
    arrow_schema,
    arrow_type,
    item_table,
    primary_key,
)

__all__ = [
    "EXTRA_COLUMN",
    "BatchBuilder",
    "ItemBatch",
    "ItemTable",
    "JsonItem",
    "OperationRef",
    "arrow_schema",
    "arrow_type",
    "item_table",
    "primary_key",
]
