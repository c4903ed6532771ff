"""Arrow batches on disk: an appendable staging file, and Parquet with fixed row groups.

A resumable export appends each page to a staging file and records its size in a
checkpoint; a resume cuts the file back to that size and appends again. The
staging file is an Arrow IPC *stream*: the schema, then one message per batch, no
footer. Any prefix that ends on a batch is a complete stream, which is exactly
what a cut needs (Parquet keeps its index in a footer written last, so a Parquet
file cannot be cut and continued). The finished export reads the stream back
batch by batch into the Parquet file or the DuckDB table: memory holds one row
group, whatever the item count.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

from carecloud_async._errors import ConfigurationError

__all__ = [
    "DEFAULT_ROW_GROUP_SIZE",
    "batch_bytes",
    "check_staged",
    "read_staged",
    "stream_header",
    "write_parquet",
]

DEFAULT_ROW_GROUP_SIZE: Final = 100_000
"""Items per Parquet row group: large enough for column statistics and compression to
pay off, small enough that converting holds only tens of megabytes."""


def stream_header(schema: pa.Schema) -> bytes:
    """The first bytes of a staging file: its schema as an IPC message."""
    return schema.serialize().to_pybytes()


def batch_bytes(batch: pa.RecordBatch) -> pa.Buffer:
    """One batch as the IPC message appended to a staging file."""
    return batch.serialize()


def read_staged(path: Path, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The batches of a staging file, one at a time; refuses one of another schema.

    Read through a plain file, not a memory map, so the pages read are not kept
    resident for the whole conversion.
    """
    with pa.OSFile(str(path), "rb") as source:
        reader = pa.ipc.open_stream(source)
        _same_schema(path, reader.schema, schema)
        yield from reader


def check_staged(path: Path, schema: pa.Schema) -> None:
    """Refuse a staging file written with another schema before appending to it."""
    with pa.OSFile(str(path), "rb") as source:
        _same_schema(path, pa.ipc.open_stream(source).schema, schema)


def _same_schema(path: Path, found: pa.Schema, expected: pa.Schema) -> None:
    if not found.equals(expected, check_metadata=True):
        raise ConfigurationError(
            f"{path} was written with another item schema (another project zone or SDK "
            "version); repeat those settings or pass --restart to start over"
        )


def write_parquet(
    batches: Iterator[pa.RecordBatch],
    schema: pa.Schema,
    path: Path,
    *,
    row_group_size: int = DEFAULT_ROW_GROUP_SIZE,
) -> int:
    """Write ``batches`` to ``path`` in row groups of exactly ``row_group_size`` items
    (the last one smaller); return the row count."""
    if row_group_size < 1:
        raise ConfigurationError(f"row_group_size must be >= 1, got {row_group_size}")
    rows = 0
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in batches:
            pending.append(batch)
            pending_rows += batch.num_rows
            while pending_rows >= row_group_size:
                table = pa.Table.from_batches(pending, schema=schema)
                writer.write_table(table.slice(0, row_group_size), row_group_size=row_group_size)
                rest = table.slice(row_group_size)
                pending, pending_rows = rest.to_batches(), rest.num_rows
                rows += row_group_size
        if pending_rows:
            writer.write_table(
                pa.Table.from_batches(pending, schema=schema), row_group_size=row_group_size
            )
            rows += pending_rows
    return rows
