"""What a partition is: one project's access, the operation, and the ranges it reads.

A ``PartitionSpec`` is plain picklable data, planned on the driver and read
anywhere (a Spark executor, a Ray task, a Dask worker). It carries the bearer
token the driver got for its project, so its ``repr`` masks the token and any
credentials: a plan, a log line or an error message never shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pyarrow as pa

from carecloud_async.etl import arrow_schema

__all__ = [
    "PROJECT_COLUMN",
    "LoginCredentials",
    "OffsetRange",
    "PartitionSpec",
    "ProjectAccess",
    "ReadRange",
    "TimeWindow",
    "spec_schema",
]

PROJECT_COLUMN: Final = "_project"
"""The column naming the project a row was read from (several projects land in one table)."""

_MASK: Final = "***"


@dataclass(frozen=True)
class LoginCredentials:
    """What an executor needs to log in again itself after its handed token is refused."""

    login: str
    password: str
    external_application_id: str

    def __repr__(self) -> str:
        return f"LoginCredentials(login={_MASK}, password={_MASK}, external_application_id={_MASK})"


@dataclass(frozen=True)
class ProjectAccess:
    """How a partition reaches one project: its API root, zone and the driver's token."""

    name: str
    """The project's label (the profile name): the value of the ``_project`` column."""
    base_url: str
    zone: str
    """The project's IANA time zone: date-times are read in it."""
    bearer_token: str
    credentials: LoginCredentials | None = None
    """Given only when executors may log in again after a 401 (``executor_login``)."""
    accept_language: str | None = None

    def __repr__(self) -> str:
        credentials = None if self.credentials is None else _MASK
        return (
            f"ProjectAccess(name={self.name!r}, base_url={self.base_url!r}, zone={self.zone!r}, "
            f"bearer_token={_MASK}, credentials={credentials})"
        )


@dataclass(frozen=True)
class TimeWindow:
    """Records whose time (the operation's documented time filter) is in ``[low, high]``.

    Both ends are project-local wall times (``YYYY-MM-DD HH:MM:SS``), both included;
    the next window starts one second after ``high``, so no record is read twice.
    """

    low: str
    high: str


@dataclass(frozen=True)
class OffsetRange:
    """Records at positions ``[start, stop)`` of the list (``stop`` None: to its end)."""

    start: int
    stop: int | None


ReadRange = TimeWindow | OffsetRange


@dataclass(frozen=True)
class PartitionSpec:
    """One partition: a project, an operation and the ranges it walks one after another.

    Deterministic: reading it twice (a retried task) asks for the same ranges.
    """

    project: ProjectAccess
    operation_id: str
    index: int
    """The partition's number within its project."""
    ranges: tuple[ReadRange, ...]
    arguments: tuple[tuple[str, str], ...] = ()
    """Query arguments as text: the filters, and the sort an incremental read needs."""
    time_filter: tuple[str, str] | None = None
    """The ``..._from``/``..._to`` parameters a ``TimeWindow`` is sent as."""
    page_size: int = 500
    concurrency: int = 4
    """Pages in flight while this partition walks a range."""
    stop_before: str | None = None
    """Incremental newest-first read: rows whose ``cursor_field`` is older than this
    (project-local) are dropped, and the walk stops at the first page past it."""
    cursor_field: str | None = None

    @property
    def schema(self) -> pa.Schema:
        """The schema of the batches ``read_partition`` yields for this spec."""
        return spec_schema(self.operation_id, self.project.zone)


def spec_schema(operation_id: str, zone: str) -> pa.Schema:
    """The operation's Arrow schema in ``zone`` (``etl.arrow_schema``), then ``_project``."""
    schema = arrow_schema(operation_id, zone)
    return schema.append(pa.field(PROJECT_COLUMN, pa.string(), nullable=False))
