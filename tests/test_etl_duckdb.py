"""DuckDB loads: a full load replaces the table, a merge upserts by primary key, atomically."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

duckdb = pytest.importorskip("duckdb")

import pyarrow as pa  # noqa: E402

from carecloud_async.etl import BatchBuilder, merge_table, primary_key, replace_table  # noqa: E402

ZONE = "Europe/Prague"


def _batches(*pages: list[dict[str, Any]]) -> Iterator[pa.RecordBatch]:
    builder = BatchBuilder("getPurchases", ZONE)
    for page in pages:
        yield builder.build(page).records


def _rows(database: Path, query: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database)) as connection:
        return connection.execute(query).fetchall()


SCHEMA = BatchBuilder("getPurchases", ZONE).schema
KEY = primary_key("getPurchases")


def test_a_full_load_replaces_the_table(tmp_path: Path) -> None:
    """Loading twice leaves the second load's rows only, with zoned timestamps."""
    database = tmp_path / "w.duckdb"
    first = [{"purchase_id": "a", "payment_time": "2024-01-01 10:00:00"}, {"purchase_id": "b"}]
    assert replace_table(database, "purchases", SCHEMA, _batches(first)) == 2
    assert replace_table(database, "purchases", SCHEMA, _batches([{"purchase_id": "c"}])) == 1
    assert _rows(database, "SELECT purchase_id FROM purchases") == [("c",)]
    kinds = dict(_rows(database, "SELECT column_name, data_type FROM information_schema.columns"))
    assert kinds["payment_time"] == "TIMESTAMP WITH TIME ZONE"


def test_a_merge_upserts_by_primary_key_and_the_later_duplicate_wins(tmp_path: Path) -> None:
    """Known keys are replaced, new ones appended; a key seen twice in one load keeps the
    later row; rows without a key are appended, never dropped."""
    database = tmp_path / "w.duckdb"
    assert KEY == "purchase_id"
    old = [{"purchase_id": "a", "items_count": 1}, {"purchase_id": "b", "items_count": 1}]
    merge_table(database, "purchases", SCHEMA, _batches(old), KEY)
    new = [{"purchase_id": "a", "items_count": 2}, {"purchase_id": "c", "items_count": 1}]
    moved = [{"purchase_id": "a", "items_count": 3}, {"purchase_id": None, "items_count": 9}]
    assert merge_table(database, "purchases", SCHEMA, _batches(new, moved), KEY) == 3
    rows = _rows(database, "SELECT purchase_id, items_count FROM purchases ORDER BY 1 NULLS LAST")
    assert rows == [("a", 3), ("b", 1), ("c", 1), (None, 9)]


def test_a_failed_merge_leaves_the_table_as_it_was(tmp_path: Path) -> None:
    """A load that breaks half-way is rolled back: readers never see half of it."""
    database = tmp_path / "w.duckdb"
    merge_table(database, "purchases", SCHEMA, _batches([{"purchase_id": "a"}]), KEY)

    def broken() -> Iterator[pa.RecordBatch]:
        yield from _batches([{"purchase_id": "b"}])
        raise RuntimeError("connection lost")

    with pytest.raises(duckdb.Error, match="connection lost"):
        merge_table(database, "purchases", SCHEMA, broken(), KEY)
    assert _rows(database, "SELECT purchase_id FROM purchases") == [("a",)]


def test_a_merge_adds_the_columns_a_newer_spec_brought(tmp_path: Path) -> None:
    """An older table gets the new column; its old rows hold null there."""
    database = tmp_path / "w.duckdb"
    older = pa.schema([pa.field("purchase_id", pa.string())])
    rows = pa.RecordBatch.from_pylist([{"purchase_id": "a"}], schema=older)
    merge_table(database, "purchases", older, [rows], KEY)
    merge_table(
        database, "purchases", SCHEMA, _batches([{"purchase_id": "b", "items_count": 4}]), KEY
    )
    got = _rows(database, "SELECT purchase_id, items_count FROM purchases ORDER BY 1")
    assert got == [("a", None), ("b", 4)]


def test_a_merge_needs_a_key_that_is_a_column(tmp_path: Path) -> None:
    """A key that is not a column is a ConfigurationError naming it."""
    from carecloud_async import ConfigurationError

    with pytest.raises(ConfigurationError, match="'order_id'"):
        merge_table(tmp_path / "w.duckdb", "purchases", SCHEMA, _batches([]), "order_id")
