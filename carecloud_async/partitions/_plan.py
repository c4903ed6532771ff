"""``plan_partitions``: (projects x list operation x filters) -> deterministic partition specs.

The rules, per project (the driver logs in once and hands each spec its token):

- **Time windows** where the operation documents a time filter
  (``payment_time_from``/``_to`` on purchases...): ``[since, until]`` is cut into
  windows, each sent as the filter. By default ``4 x max_partitions_per_project``
  windows starting at the times of evenly spaced records (sorted on the field, one
  request each), so each holds about as many records; with ``window``, windows of
  that length. A record written during the read has a time past ``until`` and
  lands in no window, so the ranges are stable under writes. ``since`` defaults to
  the oldest record's time, ``until`` to now.
- **Offset ranges** otherwise: the first page's ``total_items`` is cut into ranges
  of whole pages. Offsets shift if records are created or deleted mid-read.
- An **incremental** read (a cursor for the project) follows the operation's mode
  (``_incremental``): a time filter starts at the cursor minus ``lag``; a
  ``last_change`` operation is read newest first in offset ranges that stop once
  past the cursor minus ``lag``.

At most ``max_partitions_per_project`` partitions per project, each walking its
ranges one after another with ``concurrency`` pages in flight: no more than
``max_partitions_per_project x concurrency`` requests per project at any time,
however many executors run. Windows and ranges are dealt out in turn, so recent,
denser windows are spread over the partitions.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from types import ModuleType
from typing import Any, Final

from carecloud_async._client import EnterpriseClient
from carecloud_async._datetimes import (
    format_project_datetime,
    parse_project_datetime,
    project_zone,
)
from carecloud_async._errors import ConfigurationError
from carecloud_async._find import find_operation
from carecloud_async._incremental import (
    IncrementalMode,
    IncrementalPlan,
    TimeFilter,
    documented_time_filter,
    incremental_plans,
)
from carecloud_async._operations import Operation, operation_of
from carecloud_async.cli._values import endpoint_arguments
from carecloud_async.etl._columns import zone_name
from carecloud_async.partitions._specs import (
    LoginCredentials,
    OffsetRange,
    PartitionSpec,
    ProjectAccess,
    ReadRange,
    TimeWindow,
)
from carecloud_async.partitions._sync import run

__all__ = ["Project", "plan_partitions"]

RANGES_PER_PARTITION: Final = 4
"""Ranges dealt to each partition by default: enough to even out dense and sparse ones."""
_TEXT: Final = "%Y-%m-%d %H:%M:%S"
_SECOND: Final = timedelta(seconds=1)
_CREDENTIAL_KEYS: Final = ("login", "password", "external_application_id")


@dataclass(frozen=True)
class Project:
    """A project to read: its label (the ``_project`` column) and how to connect.

    ``client_options`` are ``EnterpriseClient`` keyword arguments; ``repr`` shows
    their names only.
    """

    name: str
    client_options: Mapping[str, object]

    @classmethod
    def from_profile(cls, profile: str) -> Project:
        """A profile of the ``carecloud`` command's config file (``CARECLOUD_CONFIG`` honoured)."""
        from carecloud_async.cli._config import client_options, load_settings

        settings = load_settings(profile=profile, overrides={}, prompt=None)
        if settings.api != "enterprise":
            raise ConfigurationError(
                f"profile {profile!r} is for the {settings.api} API; partitioned reads "
                "use the Enterprise API"
            )
        return cls(profile, client_options(settings))

    def __repr__(self) -> str:
        return f"Project(name={self.name!r}, client_options=<{', '.join(sorted(self.client_options))}>)"


@dataclass(frozen=True)
class _Read:
    """One planning request, checked; shared by every project."""

    operation: Operation
    endpoint: ModuleType
    plan: IncrementalPlan
    time_filter: TimeFilter | None
    filters: Mapping[str, str]
    since: str | datetime | None
    until: str | datetime | None
    window: timedelta | None
    cursors: Mapping[str, str | datetime]
    lag: timedelta
    page_size: int
    concurrency: int
    max_partitions: int
    executor_login: bool


def plan_partitions(
    projects: Sequence[Project],
    operation: str,
    *,
    filters: Mapping[str, str] | None = None,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    window: timedelta | None = None,
    cursors: Mapping[str, str | datetime] | None = None,
    lag: timedelta = timedelta(0),
    page_size: int = 500,
    concurrency: int = 4,
    max_partitions_per_project: int = 4,
    executor_login: bool = False,
) -> list[PartitionSpec]:
    """Plan the partitions reading ``operation`` (an operationId) from every project.

    ``filters`` are the operation's query parameters as text; ``since``/``until``
    bound the time window (project-local text or aware datetimes); ``cursors``
    gives an incremental read's lower bound per project name. With
    ``executor_login`` the specs also carry the login credentials, so a partition
    whose token is refused logs in again itself; without it such a partition fails.
    Logs in to each project once, here.
    """
    read = _check(
        operation,
        dict(filters or {}),
        since,
        until,
        window,
        dict(cursors or {}),
        lag,
        page_size,
        concurrency,
        max_partitions_per_project,
        executor_login,
    )
    names = [project.name for project in projects]
    if len(set(names)) != len(names):
        raise ConfigurationError(f"project names must be unique, got {names}")
    unknown = sorted(set(read.cursors) - set(names))
    if unknown:
        raise ConfigurationError(f"cursors name projects that are not read: {unknown}")
    return run(_plan_all(projects, read))


def _check(
    operation: str,
    filters: dict[str, str],
    since: str | datetime | None,
    until: str | datetime | None,
    window: timedelta | None,
    cursors: dict[str, str | datetime],
    lag: timedelta,
    page_size: int,
    concurrency: int,
    max_partitions: int,
    executor_login: bool,
) -> _Read:
    info = find_operation(operation)
    endpoint = importlib.import_module(info.endpoint_module)
    found = operation_of(endpoint)
    plan = incremental_plans().get(found.operation_id)
    if plan is None:
        raise ConfigurationError(f"{found.operation_id} is not a paginated list operation")
    if "enterprise" not in found.apis:
        raise ConfigurationError(f"{found.operation_id} is not an Enterprise API operation")
    for name, value in (
        ("page_size", page_size),
        ("concurrency", concurrency),
        ("max_partitions_per_project", max_partitions),
    ):
        if value < 1:
            raise ConfigurationError(f"{name} must be at least 1, got {value}")
    if window is not None and window < _SECOND:
        raise ConfigurationError(f"window must be at least one second, got {window}")
    if lag < timedelta(0):
        raise ConfigurationError(f"lag must not be negative, got {lag}")
    time_filter = documented_time_filter(found)
    taken = {"count", "offset"} | (
        {time_filter.low, time_filter.high} if time_filter is not None else set()
    )
    for name in sorted(taken & set(filters)):
        hint = "the planner sets it" if name in ("count", "offset") else "use since/until"
        raise ConfigurationError(f"filter {name!r} cannot be given here: {hint}")
    endpoint_arguments(endpoint, found.operation_id, filters)  # names and values, checked now
    if cursors:
        plan.require_incremental()
        if plan.cursor_field is None:
            raise ConfigurationError(
                f"{found.operation_id}: its items carry no time to follow, so a partitioned "
                "read cannot report a high-water mark; read it in full"
            )
        for name in sorted(set(plan.sort) & set(filters)):
            raise ConfigurationError(f"filter {name!r} is set by an incremental read")
    return _Read(
        found,
        endpoint,
        plan,
        time_filter,
        filters,
        since,
        until,
        window,
        cursors,
        lag,
        page_size,
        concurrency,
        max_partitions,
        executor_login,
    )


async def _plan_all(projects: Sequence[Project], read: _Read) -> list[PartitionSpec]:
    specs: list[PartitionSpec] = []
    for project in projects:  # one login each; sequential keeps the driver's load small
        specs.extend(await _plan_project(project, read))
    return specs


def _zone_of(project: Project) -> str:
    zone = project.client_options.get("project_timezone") or "UTC"
    if not isinstance(zone, str | tzinfo):
        raise ConfigurationError(
            f"project {project.name!r}: project_timezone {zone!r} is not a zone"
        )
    return zone_name(zone)


def _credentials(project: Project) -> LoginCredentials | None:
    values = [project.client_options.get(key) for key in _CREDENTIAL_KEYS]
    if not all(isinstance(value, str) and value for value in values):
        raise ConfigurationError(
            f"project {project.name!r}: executor_login needs login, password and "
            "external_application_id (it connects with a bearer token only)"
        )
    return LoginCredentials(*(str(value) for value in values))


async def _plan_project(project: Project, read: _Read) -> list[PartitionSpec]:
    zone = _zone_of(project)
    credentials = _credentials(project) if read.executor_login else None
    options: dict[str, Any] = dict(project.client_options)
    async with EnterpriseClient(**options) as client:
        token = await client.bearer_token()
        access = ProjectAccess(
            project.name,
            client.base_url,
            zone,
            token,
            credentials,
            client.accept_language,
        )
        arguments = dict(read.filters)
        cursor = read.cursors.get(project.name)
        threshold = None if cursor is None else _local(cursor, zone) - read.lag
        stop_before = None
        time_filter = read.time_filter
        since = None if read.since is None else _local(read.since, zone)
        if threshold is not None and read.plan.mode is IncrementalMode.LAST_CHANGE:
            arguments.update(read.plan.sort)
            stop_before = threshold.strftime(_TEXT)
            time_filter = None  # newest-first offsets: a window would hide changed rows
        elif threshold is not None:
            time_filter = read.plan.time_filter
            since = threshold if since is None else max(since, threshold)
        typed = endpoint_arguments(read.endpoint, read.operation.operation_id, arguments)
        ranges: list[ReadRange] | None = None
        if time_filter is not None:
            ranges = await _windows(client, read, time_filter, typed, since, zone)
        if ranges is None:
            time_filter = None
            ranges = await _offsets(client, read, typed)
    parts = min(read.max_partitions, max(1, len(ranges)))
    template = PartitionSpec(
        access,
        read.operation.operation_id,
        0,
        (),
        tuple(sorted(arguments.items())),
        None if time_filter is None else (time_filter.low, time_filter.high),
        read.page_size,
        read.concurrency,
        stop_before,
        read.plan.cursor_field if stop_before is not None else None,
    )
    return [
        dataclasses.replace(template, index=index, ranges=tuple(ranges[index::parts]))
        for index in range(parts)
    ]


def _local(value: str | datetime, zone: str) -> datetime:
    """A project-local wall time (naive, to the second) from text or an aware datetime."""
    if isinstance(value, str):
        try:
            parsed = parse_project_datetime(value, zone)
        except ValueError:
            raise ConfigurationError(
                f"{value!r} is not a date-time such as 2026-01-31 or 2026-01-31 08:00:00"
            ) from None
    elif value.tzinfo is None:
        raise ConfigurationError(
            f"{value!r} has no time zone: pass an aware datetime or project-local text"
        )
    else:
        parsed = value
    text = format_project_datetime(parsed, zone)
    return datetime.strptime(text, _TEXT)


async def _windows(
    client: EnterpriseClient,
    read: _Read,
    time_filter: TimeFilter,
    typed: Mapping[str, Any],
    since: datetime | None,
    zone: str,
) -> list[ReadRange] | None:
    """Windows covering ``[since, until]``; None when ``since`` cannot be found out.

    Without ``window``, and when the records can be sorted on the filtered field,
    the windows start at the times of evenly spaced records (one request each), so
    each holds about as many records however they are spread over time.
    """
    until = (
        _local(read.until, zone)
        if read.until is not None
        else _local(datetime.now(project_zone(zone)), zone)
    )
    sortable = time_filter.field is not None and read.plan.sortable
    if since is None and not sortable:
        return None  # no way to find the oldest record's time: offsets instead
    starts: list[datetime]
    if sortable and (since is None or read.window is None):
        count = 1 if read.window is not None else read.max_partitions * RANGES_PER_PARTITION
        found = await _even_starts(client, read, time_filter, typed, since, until, count, zone)
        if not found:
            return []  # nothing to read
        since = found[0]
        starts = found if read.window is None else []
    else:
        starts = []
    assert since is not None
    if since > until:
        return []
    if not starts:
        span = until - since + _SECOND
        step = read.window or span / min(read.max_partitions * RANGES_PER_PARTITION, span / _SECOND)
        starts = [since + _whole_seconds(step * index) for index in range(math.ceil(span / step))]
    bounds = [*starts, until + _SECOND]
    return [
        TimeWindow(low.strftime(_TEXT), (high - _SECOND).strftime(_TEXT))
        for low, high in itertools.pairwise(bounds)
        if high > low
    ]


def _whole_seconds(delta: timedelta) -> timedelta:
    return timedelta(seconds=int(delta.total_seconds()))


async def _even_starts(
    client: EnterpriseClient,
    read: _Read,
    time_filter: TimeFilter,
    typed: Mapping[str, Any],
    since: datetime | None,
    until: datetime,
    count: int,
    zone: str,
) -> list[datetime]:
    """The times of the records at ``count`` evenly spaced positions of ``[since, until]``
    sorted on the filtered field, the oldest first; empty when there is no record."""
    field = time_filter.field or ""
    arguments = {**typed, "sort_field": field, "sort_direction": "ASC"}
    arguments[time_filter.high] = until.strftime(_TEXT)
    if since is not None:
        arguments[time_filter.low] = since.strftime(_TEXT)
    limit = asyncio.Semaphore(read.concurrency)

    async def time_at(offset: int) -> tuple[int | None, datetime | None]:
        async with limit:
            data = await client.call(read.endpoint, raw=True, count=1, offset=offset, **arguments)
        if not isinstance(data, dict):
            return None, None
        items = data.get(read.operation.list_field or "")
        total = data.get("total_items")
        item = items[0] if isinstance(items, list) and items else None
        value = item.get(field) if isinstance(item, dict) else None
        return (total if isinstance(total, int) else None), (
            _local(str(value), zone) if value else None
        )

    total, oldest = await time_at(0)
    if oldest is None:
        return []
    if total is None or count < 2:
        return [oldest]
    offsets = sorted({total * index // count for index in range(1, count)} - {0})
    found = await asyncio.gather(*(time_at(offset) for offset in offsets))
    later = {moment for _, moment in found if moment is not None and moment > oldest}
    return [oldest, *sorted(later)]


async def _offsets(
    client: EnterpriseClient, read: _Read, typed: Mapping[str, Any]
) -> list[ReadRange]:
    """Ranges of whole pages over the first page's ``total_items``."""
    data = await client.call(read.endpoint, raw=True, count=1, offset=0, **typed)
    total = data.get("total_items") if isinstance(data, dict) else None
    if not isinstance(total, int):
        return [OffsetRange(0, None)]  # no total: one walk to the end
    pages = math.ceil(total / read.page_size)
    count = min(read.max_partitions * RANGES_PER_PARTITION, pages)
    if count == 0:
        return []
    size = math.ceil(pages / count) * read.page_size
    return [OffsetRange(start, min(start + size, total)) for start in range(0, total, size)]
