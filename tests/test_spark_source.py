"""``spark.read.format("carecloud")`` in local mode against a loopback fake of three projects.

One SparkSession serves every test here (starting one takes about ten seconds).
Its Python workers are other processes, so the fake is a real HTTP server and the
profiles live in a config file named by ``CARECLOUD_CONFIG``, set before Spark starts.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests._fake_projects import (
    PASSWORD,
    FakeProjects,
    Query,
    process_of_port,
    purchase,
)

pyspark = pytest.importorskip("pyspark")

from pyspark.sql import DataFrame, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from carecloud_async.spark import high_water_marks, incremental_options  # noqa: E402
from tests._local_spark import local_spark  # noqa: E402

PURCHASES = 20_000
ZONES = {"cz": "Europe/Prague", "us": "America/New_York", "utc": "UTC"}
PAGE_SIZE = 1000
CONCURRENCY = 2
MAX_PARTITIONS = 2
BASE_MICROS = 1_700_000_000_000_000


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark-config") / "config.toml"


@pytest.fixture(scope="module")
def spark(config_file: Path) -> Iterator[SparkSession]:
    """One local session for the module: 4 task slots, a task tried up to 4 times."""
    with local_spark("local[4,4]", config_file) as session:
        yield session


@pytest.fixture
def fake(config_file: Path) -> Iterator[FakeProjects]:
    """Three projects of 20,000 purchases, each a profile of the config file."""
    with FakeProjects(dict.fromkeys(ZONES, PURCHASES)) as server:
        server.write_profiles(config_file, ZONES)
        server.delay = 0.005  # so that a partition's requests overlap
        yield server


def _purchases(spark: SparkSession, **options: str) -> DataFrame:
    return (
        spark.read.format("carecloud")
        .option("profiles", ",".join(ZONES))
        .option("operation", "getPurchases")
        .option("page_size", str(PAGE_SIZE))
        .option("concurrency", str(CONCURRENCY))
        .option("max_partitions_per_project", str(MAX_PARTITIONS))
        .options(**options)
        .load()
    )


def _instant_micros(project: str, index: int, field: str = "payment_time") -> int:
    local = datetime.fromisoformat(purchase(project, index)[field])
    return int(local.replace(tzinfo=ZoneInfo(ZONES[project])).timestamp() * 1_000_000)


def test_reads_every_purchase_of_three_projects_once_with_one_login_each(
    spark: SparkSession, fake: FakeProjects
) -> None:
    """60,000 rows, unique ids, timestamps as the projects' zones meant them, 3 logins."""
    frame = _purchases(spark)
    assert frame.count() == 3 * PURCHASES
    totals = frame.agg(
        F.countDistinct("purchase_id").alias("ids"),
        # from a base: 60,000 instants in microseconds overflow a 64-bit sum
        F.sum(F.unix_micros("payment_time") - F.lit(BASE_MICROS)).alias("paid"),
    ).first()
    assert totals is not None
    assert totals["ids"] == 3 * PURCHASES
    assert totals["paid"] == sum(
        _instant_micros(project, index) - BASE_MICROS
        for project in ZONES
        for index in range(PURCHASES)
    )
    one = (
        frame.where(F.col("purchase_id") == "us-000123")
        .select("_project", F.unix_micros("payment_time").alias("paid"))
        .first()
    )
    assert one is not None
    assert (one["_project"], one["paid"]) == ("us", _instant_micros("us", 123))
    assert dict(fake.logins) == dict.fromkeys(ZONES, 1)
    bound = MAX_PARTITIONS * CONCURRENCY
    seen = {project: fake.max_in_flight(project) for project in ZONES}
    assert all(1 < peak <= bound for peak in seen.values()), seen


def test_a_partition_killed_mid_read_is_retried_without_duplicating_rows(
    spark: SparkSession, fake: FakeProjects
) -> None:
    """The worker reading a window's third page is killed once; the job still has 60,000 rows."""
    killed: list[int] = []
    lock = threading.Lock()

    def kill_first_attempt(project: str, query: Query, port: int) -> None:
        if project != "us" or query.get("offset") != [str(2 * PAGE_SIZE)]:
            return
        with lock:
            if killed:
                return
            time.sleep(1.0)  # the pages before it reach Spark: the task is mid-read
            pid = process_of_port(port)
            assert pid is not None
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

    fake.on_list = kill_first_attempt
    totals = (
        _purchases(spark)
        .agg(F.count("*").alias("rows"), F.countDistinct("purchase_id").alias("ids"))
        .first()
    )
    assert killed
    assert totals is not None
    assert (totals["rows"], totals["ids"]) == (3 * PURCHASES, 3 * PURCHASES)
    assert dict(fake.logins) == dict.fromkeys(ZONES, 1)


def test_an_incremental_read_starts_at_the_cursors_and_reports_new_marks(
    spark: SparkSession, fake: FakeProjects
) -> None:
    """Cursors at purchase 19,900's last_change: 100 rows a project, marks at the newest."""
    cursors = {
        project: datetime.fromtimestamp(
            _instant_micros(project, 19_900, "last_change") / 1e6, ZoneInfo(ZONES[project])
        )
        for project in ZONES
    }
    frame = _purchases(spark, **incremental_options(cursors))
    assert frame.count() == 3 * 100
    marks = high_water_marks(frame, "getPurchases")
    assert {project: int(mark.timestamp() * 1e6) for project, mark in marks.items()} == {
        project: _instant_micros(project, PURCHASES - 1, "last_change") for project in ZONES
    }
    assert max(fake.list_requests.values()) <= 1 + MAX_PARTITIONS * 2  # stopped early


def test_plans_and_failures_show_no_token_or_password(
    spark: SparkSession, fake: FakeProjects, capsys: pytest.CaptureFixture[str]
) -> None:
    """explain() shows no secret; a refused token fails the job saying so, without the token."""
    frame = _purchases(spark, max_partitions_per_project="1")
    assert frame.count() == 3 * PURCHASES  # planned: the frame keeps its partitions
    frame.explain(mode="extended")
    fake.revoke()  # the tokens the driver handed out are refused from now on
    with pytest.raises(Exception, match="handed_token_refused") as failure:
        frame.count()
    shown = capsys.readouterr().out + str(failure.value)
    assert "token-" not in shown
    assert PASSWORD not in shown
