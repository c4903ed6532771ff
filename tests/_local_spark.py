"""A local SparkSession for the data source's tests and benchmark: loopback only, quiet.

Spark's Python workers inherit the environment the JVM started with, so the
profiles file (``CARECLOUD_CONFIG``) and the workers' Python are set before the
session starts, and put back as they were when it stops.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from pyspark.sql import SparkSession

from carecloud_async.spark import register


@contextlib.contextmanager
def local_spark(master: str, config_file: Path) -> Iterator[SparkSession]:
    """``master`` such as ``local[4,4]`` (4 task slots, a task tried up to 4 times)."""
    names = ("CARECLOUD_CONFIG", "PYSPARK_PYTHON", "SPARK_LOCAL_IP")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(
        CARECLOUD_CONFIG=str(config_file),
        PYSPARK_PYTHON=sys.executable,
        SPARK_LOCAL_IP="127.0.0.1",
    )
    session = (
        SparkSession.builder.master(master)
        .appName("carecloud-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    register(session)
    try:
        yield session
    finally:
        session.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
