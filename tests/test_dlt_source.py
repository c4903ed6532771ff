"""The dlt source, loaded by dlt into DuckDB from a loopback fake whose data changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

dlt = pytest.importorskip("dlt")
duckdb = pytest.importorskip("duckdb")

from carecloud_async.dlt import carecloud_source  # noqa: E402
from tests._fake_changing import ChangingData  # noqa: E402
from tests._fake_collection import TOKEN, FakeCollection  # noqa: E402


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ChangingData]:
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-data"))
    changing = ChangingData(purchases=1_000, points=300)
    with FakeCollection(0) as fake:
        changing.serve(fake)
        yield changing


def _pipeline(tmp_path: Path) -> object:
    return dlt.pipeline(
        pipeline_name="carecloud_test",
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=dlt.destinations.duckdb(str(tmp_path / "warehouse.duckdb")),
        dataset_name="crm",
    )


def _load(data: ChangingData, tmp_path: Path) -> dict[str, int]:
    source = carecloud_source(
        ["getPurchases", "getPoints"],
        base_url=data.base_url,
        bearer_token=TOKEN,
        project_timezone="Europe/Prague",
        lag=timedelta(0),
        page_size=200,
    )
    pipeline = _pipeline(tmp_path)
    pipeline.run(source)  # type: ignore[attr-defined]
    counts = pipeline.last_trace.last_normalize_info.row_counts  # type: ignore[attr-defined]
    return {name: counts.get(name, 0) for name in ("get_purchases", "get_points")}


def _table(tmp_path: Path, name: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as db:
        return db.execute(f'SELECT * FROM crm."{name}"').fetchall()


def test_a_second_dlt_run_loads_only_the_new_and_changed_rows(
    data: ChangingData, tmp_path: Path
) -> None:
    """Run 1 loads everything; after 10 new and 5 changed purchases and 4 new points,
    run 2 loads exactly those rows and the tables hold every row once, up to date."""
    assert _load(data, tmp_path) == {"get_purchases": 1_000, "get_points": 300}
    data.tick(600)
    data.change("p000000", "p000010", "p000500", "p000998", "p000999")
    data.add(10)
    data.add_points(4)
    served = data.pages_served
    assert _load(data, tmp_path) == {"get_purchases": 15, "get_points": 4}
    assert data.pages_served - served <= 4  # newest first, stopped past the cursor
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as db:
        purchases = db.execute(
            'SELECT count(*), count(DISTINCT purchase_id) FROM crm."get_purchases"'
        ).fetchone()
        changed = db.execute(
            "SELECT total_price FROM crm.\"get_purchases\" WHERE purchase_id = 'p000010'"
        ).fetchone()
        points = db.execute('SELECT count(*) FROM crm."get_points"').fetchone()
    assert purchases == (1_010, 1_010)
    assert changed == (1010.0,)
    assert points == (304,)
