"""The Parquet and DuckDB ends of ``carecloud export`` (imported only for those formats).

Pages are read raw and become Arrow batches (``carecloud_async.etl``), appended to
the export's part file as an Arrow IPC stream; the finished export turns that
stream into the Parquet file or the DuckDB table.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

import pyarrow as pa

from carecloud_async.etl import BatchBuilder, JsonItem
from carecloud_async.etl._duckdb import merge_table, replace_table
from carecloud_async.etl._files import (
    batch_bytes,
    check_staged,
    read_staged,
    stream_header,
    write_parquet,
)

__all__ = ["ArrowPages", "finish_duckdb", "finish_parquet"]


@dataclass(frozen=True)
class EncodedPage:
    """A page as appended to the part file, and what went to ``_extra`` on the way."""

    data: bytes | pa.Buffer
    extra_fields: int
    misfits: int


class ArrowPages:
    """Encodes raw pages of one operation as IPC messages for the part file."""

    def __init__(self, operation_id: str, zone: str | tzinfo) -> None:
        self.builder = BatchBuilder(operation_id, zone)
        self.schema = self.builder.schema

    def check_part(self, part: Path) -> None:
        """Refuse to continue a part file written with another schema (another zone)."""
        if part.stat().st_size:
            check_staged(part, self.schema)

    def encode(self, items: list[JsonItem], *, first: bool) -> EncodedPage:
        """The page's batch; the stream's schema goes first in an empty part file."""
        built = self.builder.build(items)
        data: bytes | pa.Buffer = batch_bytes(built.records)
        if first:
            data = stream_header(self.schema) + data
        return EncodedPage(data, built.extra_fields, built.misfits)


def finish_parquet(pages: ArrowPages, part: Path, out: Path, row_group_size: int) -> Path:
    """Write the Parquet file beside ``out`` and return it; the caller renames it."""
    temp = out.with_name(out.name + ".parquet.tmp")
    try:
        write_parquet(_staged(pages, part), pages.schema, temp, row_group_size=row_group_size)
        with temp.open("rb") as written:
            os.fsync(written.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def finish_duckdb(
    pages: ArrowPages, part: Path, database: Path, table: str, *, merge_key: str | None = None
) -> None:
    """Replace ``table`` in ``database`` with the export, or merge it in on ``merge_key``
    (an incremental run), in one transaction."""
    if merge_key is None:
        replace_table(database, table, pages.schema, _staged(pages, part))
    else:
        merge_table(database, table, pages.schema, _staged(pages, part), merge_key)


def _staged(pages: ArrowPages, part: Path) -> Iterator[pa.RecordBatch]:
    """The part file's batches, read one at a time (none for an export of no items)."""
    if part.stat().st_size == 0:
        return iter(())
    return read_staged(part, pages.schema)
