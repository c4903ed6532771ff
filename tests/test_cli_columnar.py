"""``carecloud export`` to Parquet and DuckDB: typed columns, same checkpoints and --resume."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

typer_testing = pytest.importorskip("typer.testing")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")

import pyarrow as pa  # noqa: E402

from carecloud_async.cli._app import app  # noqa: E402
from tests._fake_collection import TOKEN, FakeCollection  # noqa: E402

runner = typer_testing.CliRunner()
ZONE = "Europe/Prague"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("CARECLOUD_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CARECLOUD_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture
def fake() -> Iterator[FakeCollection]:
    with FakeCollection(25_000) as server:
        yield server


def _export(fake: FakeCollection, *args: str) -> typer_testing.Result:
    command = ["export", "getStores", "--base-url", fake.base_url, "--page-size", "1000"]
    return runner.invoke(
        app, [*command, *args], env={"CARECLOUD_BEARER_TOKEN": TOKEN, "COLUMNS": "200"}
    )


def test_mock_purchases_export_to_parquet_with_zoned_timestamps(tmp_path: Path) -> None:
    """The acceptance run: `export getPurchases -o p.parquet --mock` writes the fake's
    items, date-times as timestamps in the project zone."""
    from carecloud_async.testing import MockRouter

    expected = len(MockRouter().example("getPurchases")["data"]["purchases"])
    out = tmp_path / "p.parquet"
    result = runner.invoke(
        app,
        ["export", "getPurchases", "-o", str(out), "--mock", "--project-timezone", ZONE],
    )
    assert result.exit_code == 0, result.output
    parquet = pq.ParquetFile(out)
    assert parquet.metadata.num_rows == expected > 0
    assert parquet.schema_arrow.field("payment_time").type == pa.timestamp("us", tz=ZONE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.parquet"]


def test_parquet_export_writes_one_row_group_per_n_items(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """25,000 stores with --row-group-size 10000: three row groups, every store once."""
    out = tmp_path / "stores.parquet"
    result = _export(fake, "-o", str(out), "--row-group-size", "10000", "--project-timezone", ZONE)
    assert result.exit_code == 0, result.output
    parquet = pq.ParquetFile(out)
    groups = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    assert groups == [10_000, 10_000, 5_000]
    ids = parquet.read(columns=["store_id"]).column("store_id").to_pylist()
    assert ids == [f"s{i:06d}" for i in range(25_000)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stores.parquet"]
    assert "exported 25000 items" in result.stderr


def test_parquet_resume_after_a_crash_matches_an_uninterrupted_run(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """A run that dies at item 12,000 resumes from its checkpoint: no row lost or twice,
    bytes written after the checkpoint are cut away."""
    reference = tmp_path / "reference.parquet"
    assert _export(fake, "-o", str(reference), "--project-timezone", ZONE).exit_code == 0
    out = tmp_path / "stores.parquet"
    fake.fail_from = 12_000
    assert _export(fake, "-o", str(out), "--project-timezone", ZONE).exit_code == 4
    assert not out.exists()
    with (tmp_path / "stores.parquet.part").open("ab") as part:
        part.write(b"\xff\xff\xff\xff half a batch")
    fake.fail_from = None
    resumed = _export(fake, "-o", str(out), "--project-timezone", ZONE, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "resumed at item 12000" in resumed.stderr
    assert pq.read_table(out).equals(pq.read_table(reference))


def test_resume_refuses_a_part_file_of_another_project_zone(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """Continuing with another zone would mix two column types: refused, named."""
    out = tmp_path / "stores.parquet"
    fake.fail_from = 3_000
    assert _export(fake, "-o", str(out), "--project-timezone", ZONE).exit_code == 4
    fake.fail_from = None
    other = _export(fake, "-o", str(out), "--project-timezone", "UTC", "--resume")
    assert other.exit_code == 2
    assert "another item schema" in other.stderr


def test_a_value_that_does_not_fit_keeps_its_row_and_is_reported(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """A number where the spec says text: the row stays, the value is in _extra, counted."""
    fake.size = 10
    fake.invalid = {5}
    out = tmp_path / "stores.parquet"
    result = _export(fake, "-o", str(out), "--project-timezone", ZONE)
    assert result.exit_code == 0, result.output
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == 10
    assert rows[5]["name"] is None
    assert json.loads(rows[5]["_extra"]) == {"name": 404}
    assert "1 value(s) that did not fit their column" in result.stderr


def test_parquet_needs_the_project_zone(fake: FakeCollection, tmp_path: Path) -> None:
    """Without a project zone date-times cannot be placed in time: refused before a request."""
    result = _export(fake, "-o", str(tmp_path / "stores.parquet"))
    assert result.exit_code == 2
    assert "--project-timezone" in result.stderr
    assert fake.requests == []
    assert list(tmp_path.iterdir()) == []


def test_export_to_duckdb_loads_and_replaces_the_table(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """--to duckdb:PATH#table loads every item; a second full load replaces, never doubles."""
    database = tmp_path / "warehouse.duckdb"
    for _ in range(2):
        result = _export(fake, "--to", f"duckdb:{database}#shops", "--project-timezone", ZONE)
        assert result.exit_code == 0, result.output
    with duckdb.connect(str(database)) as connection:
        count = connection.execute("SELECT count(DISTINCT store_id), count(*) FROM shops")
        assert count.fetchone() == (25_000, 25_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]
    assert f"to {database}#shops (duckdb)" in result.stderr


def test_duckdb_table_defaults_to_the_operations_list(tmp_path: Path) -> None:
    """Without #table the table is named after the list: purchases for getPurchases."""
    database = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["export", "getPurchases", "--to", f"duckdb:{database}", "--mock"])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(database)) as connection:
        assert connection.execute("SELECT count(*) FROM purchases").fetchone() == (1,)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "duckdb:x.duckdb", "-o", "x.parquet"], "pass --out FILE or --to"),
        ([], "pass --out FILE or --to"),
        (["--to", "postgres://db"], "--to must look like duckdb:PATH[#table]"),
        (["--to", "duckdb:x.duckdb#no-dashes"], "letters, digits and _"),
        (["-o", "x.parquet", "--on-invalid-item", "skip"], "--on-invalid-item applies to"),
        (["-o", "x.out", "--format", "xml"], "--format must be jsonl, csv or parquet"),
    ],
)
def test_export_targets_are_checked_before_anything_is_sent(args: list[str], message: str) -> None:
    """Contradicting or malformed targets are a usage error naming the option."""
    result = runner.invoke(app, ["export", "getStores", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("suffix", "renamed"),
    [(".jsonl", "stores.jsonl.part"), (".parquet", "stores.parquet.parquet.tmp")],
)
def test_what_is_renamed_into_the_output_is_on_disk_first(
    fake: FakeCollection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
    renamed: str,
) -> None:
    """The file renamed over the output was flushed to disk (fsync) before the rename; a
    Parquet export's staging part, converted and deleted, is not synced for nothing."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}")).name))
        real_fsync(fd)

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        events.append(("replace", Path(source).name))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    out = tmp_path / f"stores{suffix}"
    assert _export(fake, "-o", str(out), "--project-timezone", ZONE).exit_code == 0
    outputs = [name for kind, name in events if kind == "replace" and "checkpoint" not in name]
    assert outputs == [renamed]
    assert events.index(("fsync", renamed)) < events.index(("replace", renamed))
    assert ("fsync", "stores.parquet.part") not in events
