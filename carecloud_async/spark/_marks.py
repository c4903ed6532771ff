"""High-water marks of an incremental read, and the options that start the next one there."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from carecloud_async._errors import ConfigurationError
from carecloud_async._find import find_operation
from carecloud_async._incremental import incremental_plans
from carecloud_async.partitions import PROJECT_COLUMN

__all__ = ["high_water_marks", "incremental_options"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def high_water_marks(frame: DataFrame, operation: str) -> dict[str, datetime]:
    """The newest value of the operation's cursor field per project in ``frame``.

    Aware datetimes (UTC), keyed by profile name; keep them with your table and
    pass ``incremental_options(marks)`` to the next read. Projects without rows
    are left out: their previous mark still holds. Computed by one Spark job.
    """
    operation_id = find_operation(operation).operation_id
    plan = incremental_plans().get(operation_id)
    if plan is None or plan.cursor_field is None:
        raise ConfigurationError(f"{operation_id} has no cursor field to follow")
    newest = frame.groupBy(PROJECT_COLUMN).agg(
        F.unix_micros(F.max(plan.cursor_field)).alias("newest")
    )
    return {
        str(row[PROJECT_COLUMN]): _EPOCH + timedelta(microseconds=int(row["newest"]))
        for row in newest.collect()
        if row["newest"] is not None
    }


def incremental_options(marks: Mapping[str, datetime]) -> dict[str, str]:
    """``cursor.<profile>`` options reading on from ``marks`` (``.options(**...)``)."""
    for name, moment in marks.items():
        if moment.tzinfo is None:
            raise ConfigurationError(f"the mark of {name!r} has no time zone: {moment!r}")
    return {f"cursor.{name}": moment.isoformat(sep=" ") for name, moment in marks.items()}
