"""Load Arrow batches into a DuckDB file (embedded, no server): replace, or merge by key.

Needs the ``duckdb`` extra. Each load is one transaction: a reader of the table
sees it before or after, never half-loaded. ``replace_table`` swaps the whole
table; ``merge_table`` upserts by primary key: rows whose key is in the new
batches are replaced, the rest appended, and when the same key comes twice in
one load (a record that moved between pages) the later row wins. Rows without a
key are appended, never dropped. Columns the table lacks (a newer spec) are added.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pyarrow as pa

from carecloud_async._errors import ConfigurationError

if TYPE_CHECKING:
    import duckdb

__all__ = ["merge_table", "replace_table"]

_ORDER: Final = "_carecloud_order"
_STAGED: Final = "_carecloud_staged"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        import duckdb  # deferred: the duckdb extra is optional
    except ImportError:
        raise ConfigurationError(
            "loading into DuckDB needs the duckdb extra: pip install 'carecloud-async[duckdb]'"
        ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path))


def replace_table(
    path: Path, table: str, schema: pa.Schema, batches: Iterable[pa.RecordBatch]
) -> int:
    """Make ``table`` hold exactly ``batches`` (created or replaced); return its row count."""
    reader = pa.RecordBatchReader.from_batches(schema, batches)
    with _connect(path) as connection:
        connection.begin()
        try:
            connection.register(_STAGED, reader)
            connection.execute(
                f"CREATE OR REPLACE TABLE {_quoted(table)} AS SELECT * FROM {_STAGED}"
            )
            connection.unregister(_STAGED)
            row = connection.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    return int(row[0]) if row else 0


def _numbered(
    schema: pa.Schema, batches: Iterable[pa.RecordBatch]
) -> tuple[pa.Schema, Iterable[pa.RecordBatch]]:
    """The batches with their position in the load, so the later of two equal keys wins."""
    numbered = schema.append(pa.field(_ORDER, pa.int64()))

    def number() -> Iterable[pa.RecordBatch]:
        start = 0
        for batch in batches:
            order = pa.array(range(start, start + batch.num_rows), type=pa.int64())
            start += batch.num_rows
            yield pa.RecordBatch.from_arrays([*batch.columns, order], schema=numbered)

    return numbered, number()


def merge_table(
    path: Path,
    table: str,
    schema: pa.Schema,
    batches: Iterable[pa.RecordBatch],
    primary_key: str,
) -> int:
    """Upsert ``batches`` into ``table`` by ``primary_key`` (see the module docstring);
    create the table on first use. Return the number of rows loaded."""
    if primary_key not in schema.names:
        raise ConfigurationError(f"primary key {primary_key!r} is not a column of the batches")
    numbered, rows = _numbered(schema, batches)
    reader = pa.RecordBatchReader.from_batches(numbered, rows)
    target, key = _quoted(table), _quoted(primary_key)
    with _connect(path) as connection:
        connection.begin()
        try:
            connection.register(_STAGED, reader)
            connection.execute(
                f"CREATE TEMP TABLE _carecloud_merge AS SELECT * FROM {_STAGED} "
                f"QUALIFY {key} IS NULL OR row_number() OVER "
                f"(PARTITION BY {key} ORDER BY {_ORDER} DESC) = 1"
            )
            connection.unregister(_STAGED)
            connection.execute(f"ALTER TABLE _carecloud_merge DROP COLUMN {_ORDER}")
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {target} AS SELECT * FROM _carecloud_merge LIMIT 0"
            )
            _add_new_columns(connection, table)
            connection.execute(
                f"DELETE FROM {target} WHERE {key} IN "
                f"(SELECT {key} FROM _carecloud_merge WHERE {key} IS NOT NULL)"
            )
            connection.execute(f"INSERT INTO {target} BY NAME SELECT * FROM _carecloud_merge")
            row = connection.execute("SELECT count(*) FROM _carecloud_merge").fetchone()
            connection.execute("DROP TABLE _carecloud_merge")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    return int(row[0]) if row else 0


def _add_new_columns(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    """Columns a newer spec added, so older tables take the new rows whole."""
    have = {row[0] for row in connection.execute(f"DESCRIBE {_quoted(table)}").fetchall()}
    for name, kind, *_ in connection.execute("DESCRIBE _carecloud_merge").fetchall():
        if name not in have:
            connection.execute(f"ALTER TABLE {_quoted(table)} ADD COLUMN {_quoted(name)} {kind}")
