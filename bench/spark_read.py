"""Spark's overhead: ``spark.read.format("carecloud")`` against ``read_partition`` in one process.

Three loopback projects of 20,000 purchases each (``tests._fake_projects``). Both
sides plan the same partitions (one login per project) and read every row of
every column; Spark writes to its ``noop`` sink so that nothing is pruned. The
Spark side runs in local mode on this machine's cores (``local[2]``), the other
side reads the partitions one after another in this process. Reported, not a
gate: the ratio depends on the cores and on Python worker start-up.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECTS = ("cz", "sk", "pl")
PURCHASES = 20_000
PAGE_SIZE = 1000
CONCURRENCY = 4
MAX_PARTITIONS = 2
ROUNDS = 3


def _in_process(base_urls: dict[str, str]) -> float:
    from carecloud_async.partitions import Project, plan_partitions, read_partition
    from tests._fake_projects import APPLICATION, LOGIN, PASSWORD

    started = time.perf_counter()
    projects = [
        Project(
            name,
            {
                "base_url": url,
                "login": LOGIN,
                "password": PASSWORD,
                "external_application_id": APPLICATION,
                "project_timezone": "Europe/Prague",
            },
        )
        for name, url in base_urls.items()
    ]
    specs = plan_partitions(
        projects,
        "getPurchases",
        page_size=PAGE_SIZE,
        concurrency=CONCURRENCY,
        max_partitions_per_project=MAX_PARTITIONS,
    )
    rows = sum(batch.num_rows for spec in specs for batch in read_partition(spec))
    elapsed = time.perf_counter() - started
    assert rows == len(PROJECTS) * PURCHASES, rows
    return elapsed


def main() -> int:
    from tests._fake_projects import FakeProjects
    from tests._local_spark import local_spark

    config_file = Path(tempfile.mkdtemp(prefix="carecloud-bench-")) / "config.toml"
    with FakeProjects(dict.fromkeys(PROJECTS, PURCHASES)) as fake:
        fake.write_profiles(config_file, dict.fromkeys(PROJECTS, "Europe/Prague"))
        urls = {name: fake.base_url(name) for name in PROJECTS}
        started = time.perf_counter()
        with local_spark("local[2]", config_file) as spark:
            start_up = time.perf_counter() - started

            def spark_read() -> float:
                began = time.perf_counter()
                (
                    spark.read.format("carecloud")
                    .option("profiles", ",".join(PROJECTS))
                    .option("operation", "getPurchases")
                    .option("page_size", str(PAGE_SIZE))
                    .option("concurrency", str(CONCURRENCY))
                    .option("max_partitions_per_project", str(MAX_PARTITIONS))
                    .load()
                    .write.format("noop")
                    .mode("overwrite")
                    .save()
                )
                return time.perf_counter() - began

            spark_read()  # warm: Python workers started, modules imported
            pairs = [(_in_process(urls), spark_read()) for _ in range(ROUNDS)]
    local = statistics.median(p[0] for p in pairs)
    distributed = statistics.median(p[1] for p in pairs)
    rows = len(PROJECTS) * PURCHASES
    print(
        f"{rows} purchases of {len(PROJECTS)} projects, page size {PAGE_SIZE}, "
        f"{MAX_PARTITIONS} partitions x {CONCURRENCY} pages in flight per project"
    )
    print(f"SparkSession start-up (once):          {start_up:6.2f} s")
    print(f"read_partition, one process (median):  {local:6.2f} s  ({rows / local:,.0f} rows/s)")
    print(
        f"Spark local[2], noop sink (median):    {distributed:6.2f} s  ({rows / distributed:,.0f} rows/s)"
    )
    print(f"Spark / one process: {distributed / local:.2f}x (reported, not a gate)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
