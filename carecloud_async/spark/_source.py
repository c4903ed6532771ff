"""The ``carecloud`` Spark data source: the planner on the driver, ``read_partition`` on executors.

Spark calls ``schema()`` and ``reader().partitions()`` in a Python process on the
driver, pickles each ``CareCloudPartition`` to an executor and calls ``read()``
there. The schema is the operation's Arrow schema as Spark types; timestamps are
instants (Spark shows them in the session's zone), read in each project's zone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa
from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition
from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
from pyspark.sql.types import StructType

from carecloud_async._errors import ConfigurationError
from carecloud_async.partitions import (
    PartitionSpec,
    Project,
    plan_partitions,
    read_partition,
    spec_schema,
)
from carecloud_async.spark._options import SourceOptions, source_options

__all__ = ["CareCloudDataSource", "CareCloudPartition", "CareCloudReader"]


class CareCloudPartition(InputPartition):
    """One ``PartitionSpec``; its ``repr`` (in Spark's plans and logs) masks the token."""

    def __init__(self, spec: PartitionSpec) -> None:
        self.spec = spec

    def __repr__(self) -> str:
        return f"CareCloudPartition({self.spec!r})"


def spark_schema(operation: str) -> StructType:
    """The operation's columns, then ``_project``, as Spark types."""
    return from_arrow_schema(spec_schema(operation, "UTC"), prefer_timestamp_ntz=False)


class CareCloudDataSource(DataSource):
    """``spark.read.format("carecloud")``: list operations of many projects."""

    @classmethod
    def name(cls) -> str:
        return "carecloud"

    def schema(self) -> StructType:
        return spark_schema(source_options(self.options).operation)

    def reader(self, schema: StructType) -> CareCloudReader:
        return CareCloudReader(source_options(self.options), schema)


def _cursors(options: SourceOptions) -> dict[str, str]:
    """``cursor.<profile>`` by profile name (Spark lowercases option names)."""
    by_lower = {name.lower(): name for name in options.profiles}
    unknown = sorted(set(options.cursors) - set(by_lower))
    if unknown:
        raise ConfigurationError(
            f"option(s) {', '.join('cursor.' + n for n in unknown)} name no profile in "
            f"profiles={','.join(options.profiles)}"
        )
    return {by_lower[name]: value for name, value in options.cursors.items()}


class CareCloudReader(DataSourceReader):
    """Plans on the driver (one login per project), reads a partition per task."""

    def __init__(self, options: SourceOptions, schema: StructType) -> None:
        self.options = options
        self.schema = schema

    def partitions(self) -> Sequence[InputPartition]:
        options = self.options
        projects = [Project.from_profile(name) for name in options.profiles]
        specs = plan_partitions(
            projects,
            options.operation,
            filters=options.filters,
            since=options.since,
            until=options.until,
            window=options.window,
            cursors=_cursors(options),
            lag=options.lag,
            page_size=options.page_size,
            concurrency=options.concurrency,
            max_partitions_per_project=options.max_partitions_per_project,
            executor_login=options.executor_login,
        )
        return [CareCloudPartition(spec) for spec in specs]

    def read(self, partition: InputPartition) -> Iterator[pa.RecordBatch]:
        if not isinstance(partition, CareCloudPartition):
            raise TypeError(f"not a carecloud partition: {type(partition).__name__}")
        # What Spark checks a batch against: the same columns, instants in UTC.
        target = to_arrow_schema(self.schema, timezone="UTC")
        for batch in read_partition(partition.spec):
            yield _fit(batch, target)


def _fit(batch: pa.RecordBatch, target: pa.Schema) -> pa.RecordBatch:
    """``batch`` with ``target``'s columns (a schema the user chose may name fewer), cast."""
    columns = [batch.column(name) for name in target.names]
    return pa.RecordBatch.from_arrays(columns, names=target.names).cast(target)
