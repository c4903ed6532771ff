"""``carecloud export --incremental`` against a loopback fake whose data changes between runs."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

typer_testing = pytest.importorskip("typer.testing")
pytest.importorskip("pyarrow")

from carecloud_async import ConfigurationError  # noqa: E402
from carecloud_async.cli._app import app  # noqa: E402
from carecloud_async.cli._incremental_run import parse_lag  # noqa: E402
from tests._fake_changing import TEXT, ChangingData  # noqa: E402
from tests._fake_collection import TOKEN, FakeCollection  # noqa: E402

runner = typer_testing.CliRunner()


pytestmark = pytest.mark.usefixtures("isolated_cli_config")


@pytest.fixture
def data() -> Iterator[ChangingData]:
    changing = ChangingData(purchases=2_000, points=500)
    with FakeCollection(0) as fake:
        changing.serve(fake)
        yield changing


def _run(
    data: ChangingData, out: Path, *extra: str, operation: str = "getPurchases"
) -> typer_testing.Result:
    args = ["export", operation, "-o", str(out), "--incremental", "--page-size", "100"]
    args += ["--base-url", data.base_url, "--project-timezone", "Europe/Prague"]
    return runner.invoke(app, [*args, *extra], env={"CARECLOUD_BEARER_TOKEN": TOKEN})


def _ids(path: Path, key: str = "purchase_id") -> list[str]:
    return [json.loads(line)[key] for line in path.read_bytes().splitlines()]


def _state(folder: Path) -> Path:
    (found,) = folder.glob("*.state.json")
    return found


def _keys(state: Path) -> list[tuple[str, str]]:
    keys = state.with_name(state.name.removesuffix(".json") + ".keys.sqlite3")
    with sqlite3.connect(keys) as db:
        return sorted(db.execute("SELECT key, content FROM exported"))


def test_second_run_exports_exactly_the_new_and_changed_rows(
    data: ChangingData, tmp_path: Path
) -> None:
    """After 30 new and 20 changed purchases, the second run writes those 50 rows and says so."""
    out = tmp_path / "purchases.jsonl"
    first = _run(data, out, "--lag", "1m")
    assert first.exit_code == 0, first.output
    assert sorted(_ids(out)) == sorted(data.purchases)
    assert "2000 new, 0 changed" in first.stderr
    data.tick(3600)
    changed = ["p000003", "p001000", "p001999"] + [f"p{n:06d}" for n in range(100, 117)]
    data.change(*changed)
    added = data.add(30)
    served = data.pages_served
    second = _run(data, out, "--lag", "1m")
    assert second.exit_code == 0, second.output
    assert sorted(_ids(out)) == sorted(changed + added)
    rows = {row["purchase_id"]: row for row in map(json.loads, out.read_bytes().splitlines())}
    assert rows["p000003"]["total_price"] == 1003.0
    assert "30 new, 20 changed" in second.stderr
    assert "sees new and changed rows" in second.stderr
    # Newest first, it stopped past the cursor minus the lag: 2 pages and those in flight,
    # not the 21 of the collection. The minute before the cursor came again, unchanged.
    assert data.pages_served - served <= 6
    assert ", 60 repeated rows dropped" in second.stderr, second.stderr
    assert data.queries[-1]["sort_field"] == ["last_change"]
    assert data.queries[-1]["sort_direction"] == ["DESC"]


def test_an_incremental_json_lines_run_writes_each_item_as_the_server_sent_it(
    data: ChangingData, tmp_path: Path
) -> None:
    """As a full dump does, byte for byte: the fake's spacing (``", "``, ``": "``) reaches
    the file, where encoding the decoded rows again would write them compactly."""
    out = tmp_path / "purchases.jsonl"
    result = _run(data, out)
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    assert len(lines) == 2_000
    assert all(line == json.dumps(json.loads(line)).encode() for line in lines)
    assert b'", "' in lines[0]


def test_an_incremental_json_lines_export_needs_no_etl_extra(
    data: ChangingData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pyarrow (the etl extra) an incremental run into JSON Lines still works: the
    primary key that tells rows apart is read from the spec by the core."""
    for name in ("pyarrow", "carecloud_async.etl"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it now fails, as if absent
    out = tmp_path / "purchases.jsonl"
    first = _run(data, out)
    assert first.exit_code == 0, first.output
    assert "2000 new, 0 changed" in first.stderr
    data.change("p000007")
    second = _run(data, out)
    assert second.exit_code == 0, second.output
    assert "0 new, 1 changed" in second.stderr


def test_rows_read_again_inside_the_lag_window_are_dropped(
    data: ChangingData, tmp_path: Path
) -> None:
    """With a lag covering the whole collection, an unchanged second run writes nothing."""
    out = tmp_path / "purchases.jsonl"
    assert _run(data, out).exit_code == 0
    again = _run(data, out, "--lag", "1d")
    assert again.exit_code == 0, again.output
    assert out.read_bytes() == b""
    assert "0 new, 0 changed, 2000 repeated rows dropped" in again.stderr


def test_a_crash_mid_run_leaves_the_state_as_it_was(data: ChangingData, tmp_path: Path) -> None:
    """A run that dies after 3 pages changes neither the cursor file nor the key index,
    and the next run still gets every new and changed row."""
    out = tmp_path / "purchases.jsonl"
    assert _run(data, out, "--lag", "0s").exit_code == 0
    state = _state(tmp_path)
    cursor_bytes, keys = state.read_bytes(), _keys(state)
    data.tick(60)
    added = data.add(450)
    data.change("p000001")
    data.fail_after_pages = data.pages_served + 3
    crashed = _run(data, out, "--lag", "0s")
    assert crashed.exit_code == 4, crashed.output
    assert state.read_bytes() == cursor_bytes
    assert _keys(state) == keys
    data.fail_after_pages = None
    again = _run(data, out, "--lag", "0s")
    assert again.exit_code == 0, again.output
    assert sorted(_ids(out)) == sorted([*added, "p000001"])
    assert "450 new, 1 changed" in again.stderr


def test_other_filters_or_another_project_never_share_a_cursor(
    data: ChangingData, tmp_path: Path
) -> None:
    """Each (project, operation, filters) has its own state; --state of another export is refused."""
    out = tmp_path / "purchases.jsonl"
    assert _run(data, out).exit_code == 0
    assert _run(data, out, "store_id=s1").exit_code == 0
    assert len(list(tmp_path.glob("*.state.json"))) == 2
    first = sorted(tmp_path.glob("*.state.json"))[0]
    refused = _run(data, out, "customer_id=c1", "--state", str(first))
    assert refused.exit_code == 2
    assert "belongs to another export" in refused.stderr


def test_a_dataset_folder_gets_one_part_per_run(data: ChangingData, tmp_path: Path) -> None:
    """With a folder as --out, every run appends a part named by the run's number."""
    folder = tmp_path / "purchases"
    folder.mkdir()
    assert _run(data, folder).exit_code == 0
    data.tick(7200)
    data.add(5)
    assert _run(data, folder).exit_code == 0
    parts = sorted(p.name for p in folder.iterdir())
    assert parts == ["getPurchases-000001.jsonl", "getPurchases-000002.jsonl"]
    assert len(_ids(folder / parts[1])) == 5


def test_a_time_filter_run_starts_at_the_high_water_mark_minus_the_lag(
    data: ChangingData, tmp_path: Path
) -> None:
    """Points carry no last_change: the second run filters from the newest created_at
    minus the lag, oldest first, and says it sees new rows only."""
    out = tmp_path / "points.jsonl"
    first = _run(data, out, "--lag", "2m", operation="getPoints")
    assert first.exit_code == 0, first.output
    assert len(_ids(out, "point_id")) == 500
    newest = max(row["created_at"] for row in data.points.values())
    added = data.add_points(7)
    second = _run(data, out, "--lag", "2m", operation="getPoints")
    assert second.exit_code == 0, second.output
    assert sorted(_ids(out, "point_id")) == sorted(added)
    query = data.queries[-1]
    assert query["sort_field"] == ["created_at"]
    assert query["sort_direction"] == ["ASC"]
    expected = datetime.strptime(newest, TEXT) - timedelta(minutes=2)
    assert query["create_point_time_from"] == [expected.strftime(TEXT)]
    assert "7 new, 0 changed" in second.stderr
    assert "new rows only" in second.stderr


def test_an_operation_without_a_cursor_is_refused_before_anything_is_sent(
    data: ChangingData, tmp_path: Path
) -> None:
    """Card types have neither last_change nor a time filter: --incremental says so (exit 2)."""
    result = _run(data, tmp_path / "types.jsonl", operation="getCardTypes")
    assert result.exit_code == 2
    assert "can only be exported in full" in result.stderr
    assert data.queries == []


@pytest.mark.parametrize(
    ("text", "seconds"), [("1h", 3600), ("15m", 900), ("90s", 90), ("120", 120)]
)
def test_lag_reads_hours_minutes_and_seconds(text: str, seconds: int) -> None:
    """--lag takes 1h, 15m, 90s or plain seconds."""
    assert parse_lag(text) == timedelta(seconds=seconds)


def test_a_lag_that_is_not_a_duration_is_named() -> None:
    """--lag soon is a ConfigurationError naming the option."""
    with pytest.raises(ConfigurationError, match="--lag 'soon'"):
        parse_lag("soon")


def test_incremental_runs_into_duckdb_merge_on_the_primary_key(
    data: ChangingData, tmp_path: Path
) -> None:
    """The second run upserts its new and changed rows: every purchase once, the change kept."""
    duckdb = pytest.importorskip("duckdb")
    database = tmp_path / "warehouse.duckdb"
    target = ["--to", f"duckdb:{database}#purchases", "--lag", "1m"]
    args = ["export", "getPurchases", "--incremental", "--page-size", "100", *target]
    args += ["--base-url", data.base_url, "--project-timezone", "Europe/Prague"]
    env = {"CARECLOUD_BEARER_TOKEN": TOKEN}
    first = runner.invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    data.tick(3600)
    data.change("p000003")
    added = data.add(30)
    second = runner.invoke(app, args, env=env)
    assert second.exit_code == 0, second.output
    assert "30 new, 1 changed" in second.stderr
    with duckdb.connect(str(database)) as db:
        (rows, distinct) = db.execute(
            "SELECT count(*), count(DISTINCT purchase_id) FROM purchases"
        ).fetchone()
        (price,) = db.execute(
            "SELECT total_price FROM purchases WHERE purchase_id = 'p000003'"
        ).fetchone()
    assert rows == distinct == len(data.purchases) == 2_000 + len(added)
    assert price == 1003.0


def test_an_incremental_duckdb_load_without_a_primary_key_is_refused(
    data: ChangingData, tmp_path: Path
) -> None:
    """A history list has no key to merge on: refused before anything is sent, saying why."""
    pytest.importorskip("duckdb")
    database = tmp_path / "warehouse.duckdb"
    args = ["export", "getPointHistory", "--incremental", "--to", f"duckdb:{database}#history"]
    args += ["--base-url", data.base_url, "--project-timezone", "Europe/Prague"]
    served = data.pages_served
    result = runner.invoke(app, args, env={"CARECLOUD_BEARER_TOKEN": TOKEN})
    assert result.exit_code == 2, result.output
    assert "no primary key" in result.stderr
    assert data.pages_served == served
    assert not database.exists()
