"""``spark.read.format("carecloud")``: list operations of many projects on Spark (``[spark]`` extra).

Register the source with a session, then read::

    from carecloud_async.spark import register

    register(spark)
    purchases = (
        spark.read.format("carecloud")
        .option("profiles", "cz,sk,pl")          # the carecloud command's profiles
        .option("operation", "getPurchases")
        .option("since", "2024-01-01")
        .load()
    )

Options: ``profiles``, ``operation``, ``filter.<name>``, ``since``/``until``
(project-local), ``window`` (``7d``), ``page_size``, ``concurrency`` (pages in flight
per partition), ``max_partitions_per_project``, ``executor_login`` (hand executors
the credentials so they may log in again after a 401), and for incremental reads
``cursor.<profile>`` and ``lag``. See ``carecloud_async.partitions`` for the rules.
"""

from __future__ import annotations

from pyspark.sql import SparkSession

from carecloud_async.spark._marks import high_water_marks, incremental_options
from carecloud_async.spark._source import (
    CareCloudDataSource,
    CareCloudPartition,
    CareCloudReader,
    spark_schema,
)

__all__ = [
    "CareCloudDataSource",
    "CareCloudPartition",
    "CareCloudReader",
    "high_water_marks",
    "incremental_options",
    "register",
    "spark_schema",
]


def register(spark: SparkSession) -> None:
    """Make ``format("carecloud")`` known to ``spark`` (once per session)."""
    spark.dataSource.register(CareCloudDataSource)
