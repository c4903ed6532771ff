"""Partitioned reads of many CareCloud projects, for any engine (``pip install 'carecloud-async[etl]'``).

Two functions are the whole contract. ``plan_partitions`` runs on the driver: it
logs in to each project once and cuts (projects x list operation x filters) into
picklable ``PartitionSpec``\\ s, by time windows where the operation documents a
time filter and by offset ranges otherwise (see ``_plan`` for the rules).
``read_partition`` runs anywhere and yields the spec's rows as
``pyarrow.RecordBatch``\\ es::

    from carecloud_async.partitions import Project, plan_partitions, read_partition

    projects = [Project.from_profile(name) for name in ("cz", "sk")]
    for spec in plan_partitions(projects, "getPurchases", since="2025-01-01"):
        for batch in read_partition(spec):   # on a worker, in a real engine
            ...

``carecloud_async.spark`` wraps them as the Spark data source ``carecloud``.
"""

from __future__ import annotations

from carecloud_async.partitions._plan import Project, plan_partitions
from carecloud_async.partitions._read import HandedTokenRefused, read_partition
from carecloud_async.partitions._specs import (
    PROJECT_COLUMN,
    LoginCredentials,
    OffsetRange,
    PartitionSpec,
    ProjectAccess,
    ReadRange,
    TimeWindow,
    spec_schema,
)

__all__ = [
    "PROJECT_COLUMN",
    "HandedTokenRefused",
    "LoginCredentials",
    "OffsetRange",
    "PartitionSpec",
    "Project",
    "ProjectAccess",
    "ReadRange",
    "TimeWindow",
    "plan_partitions",
    "read_partition",
    "spec_schema",
]
