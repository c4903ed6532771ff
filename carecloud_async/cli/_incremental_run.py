"""One incremental export run: its cursor, the keys it has exported, and when both advance.

A run keeps two files per (project, operation, filters), beside the output or
at ``--state``: ``NAME.json`` (the cursor, written atomically) and
``NAME.keys.sqlite3`` (every exported row's primary key and a hash of its
content). Rows are classified as they arrive: a key never exported is *new*,
a known key with other content is *changed*, a known key with the same
content is a *repeat* (read again inside the lag window, or shifted by a write
during the run) and is dropped.

The key index changes inside one transaction; it is committed, and the cursor
file replaced, only after the output is complete. A crash (an error, Ctrl-C, a
killed process) rolls the transaction back, so the next run starts from the
same cursor and still gets every row.

What a ``LAST_CHANGE`` run (newest first, offset paging) can miss: a row
changed during the run moves to the front, shifting the rows after it by one,
so the next page repeats a row (dropped as a repeat) and nothing is skipped;
the changed row itself is newer than the new cursor, so the next run reads it.
A row *deleted* mid-run shifts later rows the other way and one row may be
skipped; a row whose change becomes visible later than the lag window after
its ``last_change`` is not seen. Pick ``--lag`` above the longest such delay.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from carecloud_async import ConfigurationError
from carecloud_async._datetimes import format_project_datetime, parse_project_datetime
from carecloud_async._incremental import IncrementalMode, IncrementalPlan, incremental_plans
from carecloud_async._item_tables import primary_key
from carecloud_async._reading import loads
from carecloud_async.cli._export import ExportJob, ExportResult, Reporter, run_export

__all__ = [
    "IncrementalRun",
    "RunCounts",
    "RunIdentity",
    "StateFiles",
    "incremental_key",
    "incremental_options",
    "output_of_run",
    "parse_lag",
    "report_line",
    "run_incremental_export",
    "start_run",
]

STATE_VERSION = 1
_LOOKUP_CHUNK = 500  # SQLite allows 999 parameters per statement in old builds
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_lag(text: str) -> timedelta:
    """``90s``, ``15m``, ``1h``, ``2d`` or plain seconds, as a ``--lag`` duration."""
    value = text.strip().lower()
    unit = _UNITS.get(value[-1:])
    number = value[:-1] if unit is not None else value
    try:
        seconds = float(number) * (unit or 1)
    except ValueError:
        raise ConfigurationError(
            f"--lag {text!r} is not a duration such as 1h, 15m or 90s"
        ) from None
    if seconds < 0:
        raise ConfigurationError(f"--lag must not be negative, got {text!r}")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class RunIdentity:
    """What a cursor belongs to: another project or other filters never share it."""

    project: str
    """The client's base URL (project host, API and version)."""
    operation_id: str
    filters: Mapping[str, str]
    """The filters as typed, and the API."""

    def as_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "operation": self.operation_id,
            "filters": dict(sorted(self.filters.items())),
        }

    @property
    def digest(self) -> str:
        text = json.dumps(self.as_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StateFiles:
    """Where a run's cursor and key index live."""

    cursor: Path
    keys: Path

    @classmethod
    def beside(cls, out: Path, identity: RunIdentity) -> StateFiles:
        """The default: next to the output file or dataset folder, named by the identity."""
        base = out.parent / f"{out.name}.{identity.operation_id}-{identity.digest}"
        return cls.at(base.with_name(base.name + ".state.json"))

    @classmethod
    def at(cls, path: Path) -> StateFiles:
        """``--state PATH``: the cursor at PATH, the key index beside it."""
        return cls(path, path.with_name(path.name.removesuffix(".json") + ".keys.sqlite3"))


@dataclass
class RunCounts:
    """What one run found, for its report."""

    new: int = 0
    changed: int = 0
    repeated: int = 0
    """Rows read again unchanged (inside the lag window, or shifted mid-run): dropped."""
    cursor_before: str | None = None
    cursor_after: str | None = None


def _content_hash(record: Mapping[str, Any]) -> str:
    text = json.dumps(
        record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class IncrementalRun:
    """The state of one run: what to ask for, which rows to keep, and the final commit.

    ``now`` is the run's start in any zone (the cursor of a time filter whose
    field the items lack); ``zone`` is the project's, for reading date-times.
    """

    def __init__(
        self,
        plan: IncrementalPlan,
        identity: RunIdentity,
        files: StateFiles,
        *,
        primary_key: Sequence[str],
        lag: timedelta,
        zone: tzinfo,
        now: datetime,
    ) -> None:
        plan.require_incremental()
        self.plan = plan
        self.identity = identity
        self.files = files
        self.primary_key = tuple(primary_key)
        self.lag = lag
        self.zone = zone
        self.now = now
        saved = self._load()
        self.runs = int(saved.get("runs", 0))
        self.counts = RunCounts(cursor_before=saved.get("cursor"))
        self._newest: datetime | None = None
        self._threshold = (
            None
            if self.counts.cursor_before is None
            else parse_project_datetime(self.counts.cursor_before, zone) - lag
        )
        files.keys.parent.mkdir(parents=True, exist_ok=True)
        self._keys = sqlite3.connect(files.keys, isolation_level=None)
        self._keys.execute(
            "CREATE TABLE IF NOT EXISTS exported (key TEXT PRIMARY KEY, content TEXT)"
        )
        self._keys.execute("BEGIN")

    def _load(self) -> dict[str, Any]:
        try:
            saved: dict[str, Any] = json.loads(self.files.cursor.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:
            raise ConfigurationError(
                f"{self.files.cursor} is damaged; delete it to start over"
            ) from None
        if (
            saved.get("version") != STATE_VERSION
            or saved.get("identity") != self.identity.as_json()
        ):
            raise ConfigurationError(
                f"{self.files.cursor} belongs to another export ({saved.get('identity')}); "
                "repeat its arguments or choose another --state"
            )
        return saved

    # -- what to send ---------------------------------------------------------------------

    def arguments(self) -> dict[str, str]:
        """The query arguments this run adds: the sort, and a time filter's lower bound."""
        arguments = dict(self.plan.sort)
        found = self.plan.time_filter
        if self.plan.mode is IncrementalMode.TIME_FILTER and found is not None:
            if self._threshold is not None:
                arguments[found.low] = format_project_datetime(self._threshold, self.zone)
            if found.field is None:
                # The cursor is this run's start: close the window there, so rows made
                # while it runs are neither shifted in nor counted twice.
                arguments[found.high] = format_project_datetime(self.now, self.zone)
        return arguments

    # -- what to keep ---------------------------------------------------------------------

    def __call__(self, items: list[Any]) -> tuple[list[Any], bool]:
        """Keep a page's new and changed rows; True once a newest-first walk is past the
        cursor minus the lag window (the rest of the collection is older)."""
        records = [_plain(item) for item in items]
        stop = False
        if self.plan.mode is IncrementalMode.LAST_CHANGE and self._threshold is not None:
            for index, record in enumerate(records):
                when = self._time_of(record)
                if when is not None and when < self._threshold:
                    items, records, stop = items[:index], records[:index], True
                    break
        for record in records:
            self._follow_cursor(record)
        contents = [_content_hash(record) for record in records]
        keys = [
            self._key(record, content) for record, content in zip(records, contents, strict=True)
        ]
        known = self._known(keys)
        kept = []
        for item, key, content in zip(items, keys, contents, strict=True):
            before = known.get(key)
            if before == content:
                self.counts.repeated += 1
                continue
            if before is None:
                self.counts.new += 1
            else:
                self.counts.changed += 1
            known[key] = content
            kept.append(item)
            self._keys.execute("INSERT OR REPLACE INTO exported VALUES (?, ?)", (key, content))
        return kept, stop

    def _time_of(self, record: Mapping[str, Any]) -> datetime | None:
        value = record.get(self.plan.cursor_field or "")
        if not isinstance(value, str) or not value:
            return None  # no time: kept, and it neither stops the walk nor moves the cursor
        try:
            return parse_project_datetime(value, self.zone)
        except ValueError:
            return None

    def _follow_cursor(self, record: Mapping[str, Any]) -> None:
        when = self._time_of(record)
        if when is not None and (self._newest is None or when > self._newest):
            self._newest = when

    def _key(self, record: Mapping[str, Any], content: str) -> str:
        if not self.primary_key:
            return content  # rows without an id of their own: identical rows are one row
        return "\x1f".join(str(record.get(name)) for name in self.primary_key)

    def _known(self, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._keys.execute(
                f"SELECT key, content FROM exported WHERE key IN ({marks})", chunk
            )
            found.update(rows.fetchall())
        return found

    # -- the end --------------------------------------------------------------------------

    def commit(self) -> RunCounts:
        """The output is complete: keep its keys, then advance the cursor atomically."""
        self.counts.cursor_after = self._next_cursor()
        self._keys.execute("COMMIT")
        self._keys.close()
        state = {
            "version": STATE_VERSION,
            "identity": self.identity.as_json(),
            "mode": self.plan.mode.value,
            "cursor_field": self.plan.cursor_field,
            "cursor": self.counts.cursor_after,
            "runs": self.runs + 1,
        }
        temp = self.files.cursor.with_name(self.files.cursor.name + ".tmp")
        with temp.open("w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.files.cursor)
        return self.counts

    def abandon(self) -> None:
        """The run failed: forget its keys; the cursor file was never touched."""
        if self._keys.in_transaction:
            self._keys.execute("ROLLBACK")
        self._keys.close()

    def _next_cursor(self) -> str | None:
        if self.plan.cursor_field is None:
            return format_project_datetime(self.now, self.zone)
        before = self.counts.cursor_before
        if self._newest is None:
            return before
        if before is not None and parse_project_datetime(before, self.zone) >= self._newest:
            return before
        return format_project_datetime(self._newest, self.zone)


def _plain(item: Any) -> Mapping[str, Any]:
    """The record as plain JSON values, whether read as decoded JSON, a model, or the
    item's text (a JSON Lines run keeps the text to write it as sent)."""
    if isinstance(item, Mapping):
        return item
    if isinstance(item, bytes):
        record = loads(item)
        return record if isinstance(record, Mapping) else {}
    to_dict = getattr(item, "to_dict", None)
    plain = to_dict() if callable(to_dict) else None
    return plain if isinstance(plain, Mapping) else {}


def output_of_run(out: Path, operation_id: str, run_number: int, fmt: str) -> Path:
    """Where a run writes: a new part in a dataset folder (an existing directory, or a
    path ending in ``/``), else the file itself, written anew with this run's rows."""
    if out.is_dir() or str(out).endswith(("/", os.sep)):
        return out / f"{operation_id}-{run_number:06d}.{fmt}"
    return out


async def run_incremental_export(
    client: Any, job: ExportJob, run: IncrementalRun, *, reporter: Reporter | None = None
) -> ExportResult:
    """Export ``job`` filtered by ``run``; commit the run only once the output is in place."""
    try:
        result = await run_export(client, job, restart=True, reporter=reporter)
    except BaseException:
        run.abandon()
        raise
    run.commit()
    return result


def start_run(
    client: Any,
    job: ExportJob,
    plan: IncrementalPlan,
    *,
    filters: Mapping[str, str],
    api: str,
    typed: Callable[[dict[str, str]], Mapping[str, Any]],
    primary_key: Sequence[str],
    lag: timedelta,
    state: Path | None = None,
) -> tuple[ExportJob, IncrementalRun]:
    """The run's state for this project, operation and ``filters`` (the ``name=value``
    arguments as typed), and ``job`` changed to ask for and keep only what it needs."""
    identity = RunIdentity(str(client.base_url), job.operation_id, {**filters, "api": api})
    files = StateFiles.at(state) if state is not None else StateFiles.beside(job.out, identity)
    run = IncrementalRun(
        plan,
        identity,
        files,
        primary_key=primary_key,
        lag=lag,
        zone=client.project_timezone,
        now=datetime.now(UTC),
    )
    added = run.arguments()
    merge_key = None
    if job.table is not None:
        if len(primary_key) != 1:
            raise ConfigurationError(
                f"{job.operation_id} items have no primary key to merge a DuckDB table on; "
                "export incremental runs to a folder (-o DIR/) instead"
            )
        merge_key = primary_key[0]
    job = dataclasses.replace(
        job,
        merge_key=merge_key,
        arguments=typed({**filters, **added}),
        identity={**job.identity, **added},
        out=output_of_run(job.out, job.operation_id, run.runs + 1, job.format),
        page_filter=run,
    )
    return job, run


def incremental_options(entry: Any, raw: Mapping[str, str], *, resume: bool) -> IncrementalPlan:
    """The plan for ``--incremental``, refusing what it cannot honour before anything is sent."""
    plan = incremental_plans().get(entry.operation_id)
    if plan is None:
        raise ConfigurationError(f"{entry.operation_id} is not a paginated list operation")
    plan.require_incremental()
    if resume:
        raise ConfigurationError(
            "--incremental runs are not resumed: run it again, it starts from its cursor"
        )
    for name in ("sort_field", "sort_direction"):
        if name in raw and name in plan.sort:
            raise ConfigurationError(f"{name} is set by --incremental ({plan.sort[name]})")
    return plan


def report_line(plan: IncrementalPlan, counts: RunCounts, lag: timedelta) -> str:
    """The run's summary: rows new, changed and dropped, what the mode sees, the cursor."""
    cursor = f"cursor {counts.cursor_before or 'none'} -> {counts.cursor_after or 'none'}"
    return (
        f"{plan.operation_id} incremental: {counts.new} new, {counts.changed} changed, "
        f"{counts.repeated} repeated rows dropped; sees {plan.describe()}; {cursor} "
        f"(lag {lag})"
    )


def incremental_key(entry: Any) -> tuple[str, ...]:
    """The fields that identify a row (the spec's ``*_id``); none for history lists,
    whose rows are then identified by their content."""
    key = primary_key(entry.operation_id)
    return () if key is None else (key,)
