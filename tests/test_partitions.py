"""``plan_partitions`` and ``read_partition`` in one process, against the loopback fake."""

from __future__ import annotations

import itertools
import json
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from carecloud_async import ConfigurationError
from carecloud_async.partitions import (
    HandedTokenRefused,
    OffsetRange,
    PartitionSpec,
    Project,
    TimeWindow,
    plan_partitions,
    read_partition,
)
from tests._fake_projects import APPLICATION, LOGIN, PASSWORD, FakeProjects, purchase

ZONES = {"cz": "Europe/Prague", "us": "America/New_York"}
PURCHASES = 2_500
STORES = 1_234


@pytest.fixture
def fake() -> Iterator[FakeProjects]:
    with FakeProjects(dict.fromkeys(ZONES, PURCHASES), stores=STORES) as server:
        yield server


def _projects(fake: FakeProjects, **extra: object) -> list[Project]:
    return [
        Project(
            name,
            {
                "base_url": fake.base_url(name),
                "login": LOGIN,
                "password": PASSWORD,
                "external_application_id": APPLICATION,
                "project_timezone": zone,
                **extra,
            },
        )
        for name, zone in ZONES.items()
    ]


def _ids(specs: list[PartitionSpec], column: str = "purchase_id") -> list[str]:
    return [
        value
        for spec in specs
        for batch in read_partition(spec)
        for value in batch.column(column).to_pylist()
    ]


def test_purchases_are_planned_as_adjacent_time_windows_of_their_payment_time(
    fake: FakeProjects,
) -> None:
    """A documented time filter: windows from the oldest purchase, one second apart, no gap."""
    specs = plan_partitions(
        _projects(fake), "getPurchases", until="2025-01-09 08:00:00", max_partitions_per_project=3
    )
    cz = [spec for spec in specs if spec.project.name == "cz"]
    assert len(cz) == 3
    assert all(spec.time_filter == ("payment_time_from", "payment_time_to") for spec in cz)
    windows = sorted(
        (w for spec in cz for w in spec.ranges if isinstance(w, TimeWindow)), key=lambda w: w.low
    )
    assert len(windows) == sum(len(spec.ranges) for spec in cz)
    assert windows[0].low == purchase("cz", 0)["payment_time"]
    assert windows[-1].high == "2025-01-09 08:00:00"
    for before, after in itertools.pairwise(windows):
        gap = datetime.fromisoformat(after.low) - datetime.fromisoformat(before.high)
        assert gap == timedelta(seconds=1)


def test_every_purchase_is_read_once_across_the_windows(fake: FakeProjects) -> None:
    """Reading every partition of both projects gives each purchase exactly once."""
    specs = plan_partitions(
        _projects(fake),
        "getPurchases",
        page_size=200,
        window=timedelta(hours=6),
        since="2025-01-06",
        until="2025-01-09 23:59:59",
    )
    assert sum(len(spec.ranges) for spec in specs) == 2 * 16
    ids = _ids(specs)
    assert len(ids) == len(set(ids)) == 2 * PURCHASES


def test_windows_hold_about_as_many_records_however_time_spreads_them(
    fake: FakeProjects,
) -> None:
    """Without window=, windows start at evenly spaced records: sparse years add no skew."""
    specs = plan_partitions(_projects(fake)[:1], "getPurchases", max_partitions_per_project=2)
    sizes = [
        sum(batch.num_rows for batch in read_partition(replace(spec, ranges=(window,))))
        for spec in specs
        for window in spec.ranges
    ]
    assert len(sizes) == 8
    assert sum(sizes) == PURCHASES
    assert max(sizes) - min(sizes) <= 2


def test_an_operation_without_a_time_filter_is_planned_as_whole_page_offset_ranges(
    fake: FakeProjects,
) -> None:
    """Stores: ranges of whole pages over total_items, covering it exactly, read once each."""
    specs = plan_partitions(
        _projects(fake), "getStores", page_size=100, max_partitions_per_project=2
    )
    cz = [spec for spec in specs if spec.project.name == "cz"]
    assert len(cz) == 2
    ranges = sorted(
        (r for spec in cz for r in spec.ranges if isinstance(r, OffsetRange)), key=lambda r: r.start
    )
    assert len(ranges) == sum(len(spec.ranges) for spec in cz)
    assert all(r.start % 100 == 0 for r in ranges)
    assert ranges[0].start == 0
    assert ranges[-1].stop == STORES
    assert all(a.stop == b.start for a, b in itertools.pairwise(ranges))
    ids = _ids(specs, "store_id")
    assert len(ids) == 2 * STORES
    assert len(set(ids)) == STORES  # the fake's stores have the same ids in both projects


def test_planning_logs_in_once_per_project_and_reading_never(fake: FakeProjects) -> None:
    """The driver logs in once a project; partitions send the token they were handed."""
    specs = plan_partitions(_projects(fake), "getPurchases", max_partitions_per_project=4)
    assert dict(fake.logins) == dict.fromkeys(ZONES, 1)
    _ids(specs)
    assert dict(fake.logins) == dict.fromkeys(ZONES, 1)


def test_a_partition_read_twice_gives_the_same_rows(fake: FakeProjects) -> None:
    """A retried task asks for the same ranges: the same rows, in the same order."""
    spec = plan_partitions(_projects(fake), "getPurchases", page_size=300)[1]
    assert _ids([spec]) == _ids([spec])


def test_a_spec_pickles_and_its_repr_masks_the_token_and_credentials(fake: FakeProjects) -> None:
    """Specs travel to executors; their repr (plans, logs) shows no secret."""
    spec = plan_partitions(_projects(fake), "getStores", executor_login=True)[0]
    assert pickle.loads(pickle.dumps(spec)) == spec
    shown = repr(spec) + repr(_projects(fake)[0])
    assert spec.project.bearer_token not in shown
    assert PASSWORD not in shown
    assert APPLICATION not in shown
    assert "bearer_token=***" in shown


def test_a_refused_token_without_credentials_fails_the_partition_saying_why(
    fake: FakeProjects,
) -> None:
    """No credentials handed out: a 401 raises HandedTokenRefused, naming no secret."""
    spec = plan_partitions(_projects(fake), "getPurchases")[0]
    fake.revoke()
    with pytest.raises(HandedTokenRefused, match="run the job again") as failure:
        list(read_partition(spec))
    assert spec.project.bearer_token not in str(failure.value)
    assert dict(fake.logins) == dict.fromkeys(ZONES, 1)


def test_a_refused_token_with_credentials_logs_in_once_and_reads_on(fake: FakeProjects) -> None:
    """executor_login: the partition logs in itself once and still reads every row once."""
    specs = plan_partitions(_projects(fake), "getPurchases", page_size=100, executor_login=True)
    cz = [spec for spec in specs if spec.project.name == "cz"]
    first = read_partition(cz[0])
    rows = next(first).column("purchase_id").to_pylist()
    fake.revoke()  # mid-read
    rows += [value for batch in first for value in batch.column("purchase_id").to_pylist()]
    rows += _ids(cz[1:])
    assert len(rows) == len(set(rows)) == PURCHASES
    assert fake.logins["cz"] == 1 + len(cz)


def test_an_incremental_read_stops_past_the_cursor_minus_the_lag(fake: FakeProjects) -> None:
    """last_change, newest first: only rows at or after cursor - lag, and few pages."""
    zone = ZoneInfo(ZONES["cz"])
    cursor = datetime.fromisoformat(purchase("cz", 2_400)["last_change"]).replace(tzinfo=zone)
    lag = timedelta(seconds=97 * 10)  # ten purchases earlier
    specs = plan_partitions(
        _projects(fake)[:1], "getPurchases", cursors={"cz": cursor}, lag=lag, page_size=50
    )
    assert all(spec.stop_before is not None for spec in specs)
    before = fake.list_requests["cz"]
    ids = _ids(specs)
    assert sorted(ids) == [f"cz-{index:06d}" for index in range(2_390, PURCHASES)]
    assert fake.list_requests["cz"] - before <= 2 * len(specs) + 3


def test_bad_arguments_are_refused_before_any_login(fake: FakeProjects) -> None:
    """Unknown filters, the time filter itself and a full-only incremental read: no request."""
    projects = _projects(fake)
    with pytest.raises(ConfigurationError, match="no parameter 'colour'"):
        plan_partitions(projects, "getPurchases", filters={"colour": "red"})
    with pytest.raises(ConfigurationError, match="use since/until"):
        plan_partitions(projects, "getPurchases", filters={"payment_time_from": "2025-01-01"})
    with pytest.raises(ConfigurationError, match="max_partitions_per_project"):
        plan_partitions(projects, "getPurchases", max_partitions_per_project=0)
    with pytest.raises(ConfigurationError, match="not a paginated list"):
        plan_partitions(projects, "getPurchase")
    with pytest.raises(ConfigurationError, match="name projects that are not read"):
        plan_partitions(projects, "getPurchases", cursors={"pl": "2025-01-01"})
    assert fake.logins == {}


def test_filters_travel_in_every_partition(fake: FakeProjects) -> None:
    """Filters are checked against the endpoint and travel in every spec."""
    specs = plan_partitions(_projects(fake)[:1], "getPurchases", filters={"store_id": "s1"})
    assert all(dict(spec.arguments) == {"store_id": "s1"} for spec in specs)


_PROBE = """
import json, sys
import carecloud_async
import carecloud_async.cli._app
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("pyspark", "py4j"))))
"""


def test_the_sdk_and_the_cli_never_import_pyspark() -> None:
    """Spark is an extra: importing the SDK and the command line loads none of it."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out) == []
