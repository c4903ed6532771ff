"""Export every item of a list operation to JSON Lines, CSV, Parquet or DuckDB, resumably.

Items are appended to ``OUT.part`` page by page (JSON Lines; for Parquet and
DuckDB an Arrow IPC stream of the raw pages, see ``cli._columnar``);
``OUT.checkpoint.json`` records how many items and bytes are safely in it, at
most every ``CHECKPOINT_EVERY`` seconds (a file written and renamed per page
costs about as much as encoding it) and once more however the run stops: done,
an error, Ctrl-C. ``--resume`` cuts the part file back to the last checkpoint
(dropping anything written after it, e.g. by a run killed outright mid-way) and
continues at that offset, so nothing is duplicated or lost. When the last page
is in, the result is renamed over ``OUT`` (CSV and Parquet are converted first,
through a temporary file; a DuckDB table is replaced in one transaction), and the
checkpoint is removed: ``OUT`` only ever appears complete.

Memory holds at most ``concurrency`` pages (and, converting to Parquet, one row
group), whatever the collection's size.
"""

from __future__ import annotations

import contextlib
import csv
import json
import json.encoder as encoder_module
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, Protocol

from carecloud_async import ConfigurationError
from carecloud_async._call_options import RawReading
from carecloud_async._item_texts import item_texts_supported

if TYPE_CHECKING:
    from carecloud_async.cli._columnar import ArrowPages

__all__ = [
    "ExportJob",
    "ExportResult",
    "PageFilter",
    "Reporter",
    "duckdb_target",
    "flatten",
    "run_export",
    "to_plain",
]

CHECKPOINT_VERSION = 1
CHECKPOINT_EVERY = 1.0  # seconds
COLUMNAR_FORMATS = ("parquet", "duckdb")
"""Formats written from raw pages as Arrow batches (the ``etl`` / ``duckdb`` extras)."""
ROW_GROUP_SIZE = 100_000


class Reporter(Protocol):
    def advance(self, done: int, total: int | None) -> None: ...


class PageFilter(Protocol):
    """Chooses a page's items to write; True when the walk should stop after them."""

    def __call__(self, items: list[Any]) -> tuple[list[Any], bool]: ...


@dataclass(frozen=True)
class ExportJob:
    operation_id: str
    endpoint: ModuleType
    arguments: Mapping[str, Any]
    """Typed filters for the endpoint."""
    identity: Mapping[str, str]
    """What a checkpoint must match to be resumed (the filters as typed)."""
    out: Path
    format: str
    page_size: int
    concurrency: int
    on_invalid_item: str | None = None
    """The library's pagination policy for items that do not match the schema; None
    writes items as the server sent them, unchecked (see ``reads_models``)."""
    row_group_size: int = ROW_GROUP_SIZE
    """Items per Parquet row group."""
    table: str | None = None
    """The DuckDB table (``out`` is then the DuckDB file)."""
    page_filter: PageFilter | None = None
    """Drops items and ends the walk early (an incremental run); None writes everything."""
    merge_key: str | None = None
    """DuckDB: merge the run into ``table`` on this key (an incremental run) instead of
    replacing the table."""

    @property
    def columnar(self) -> bool:
        return self.format in COLUMNAR_FORMATS

    @property
    def reads_models(self) -> bool:
        """Whether pages are read into the models, which checks every item against the
        schema: for CSV, whose columns follow the schema's field order, and when a policy
        for items that do not match was chosen. Otherwise (JSON Lines by default, Parquet,
        DuckDB) items are written as the server sent them, at the cost of the raw walk."""
        return not self.columnar and (self.format == "csv" or self.on_invalid_item is not None)

    @property
    def reading(self) -> RawReading:
        """How ``client.pages`` reads: into models (False); decoded JSON (True) for Arrow
        columns; otherwise each item's JSON text, written to JSON Lines as the server sent
        it (an incremental run decodes each text it keeps or drops to look into it)."""
        if self.reads_models:
            return False
        if self.columnar or not item_texts_supported():
            return True
        return "bytes"

    @property
    def _stem(self) -> str:
        return self.out.name if self.table is None else f"{self.out.name}.{self.table}"

    @property
    def part(self) -> Path:
        return self.out.with_name(self._stem + ".part")

    @property
    def checkpoint(self) -> Path:
        return self.out.with_name(self._stem + ".checkpoint.json")


@dataclass(frozen=True)
class ExportResult:
    items: int
    """Offset reached: records read from the server, skipped ones included."""
    resumed_from: int
    total_items: int | None
    out: Path
    written: int = 0
    """Records in ``out``."""
    invalid_items: int = 0
    """Records that did not match the schema, in this run and the runs it resumed."""
    extra_fields: int = 0
    """Parquet/DuckDB: values of fields the spec does not declare, kept in ``_extra``."""
    misfits: int = 0
    """Parquet/DuckDB: values that did not fit their column, kept in ``_extra``."""


_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def duckdb_target(text: str, default_table: str) -> tuple[Path, str]:
    """``duckdb:warehouse.duckdb#purchases`` -> (file, table); the table defaults to
    ``default_table``."""
    if not text.startswith("duckdb:"):
        raise ConfigurationError(f"--to must look like duckdb:PATH[#table], got {text!r}")
    path, _, table = text.removeprefix("duckdb:").partition("#")
    if not path:
        raise ConfigurationError(f"--to {text!r} names no DuckDB file")
    table = table or default_table
    if not _TABLE_NAME.fullmatch(table):
        raise ConfigurationError(f"--to {text!r}: the table name must be letters, digits and _")
    return Path(path), table


def to_plain(value: Any) -> Any:
    """A generated model (or anything holding them) as JSON-ready Python values."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    plain = to_plain(value)
    if plain is not value:
        return plain
    return str(value)


def _line_encoder() -> Callable[[Any], str]:
    """One compact, non-ASCII-escaping encoder for every line.

    ``json.dumps`` with options builds a new encoder per call, and even a kept
    ``JSONEncoder`` builds its C encoder on each ``encode``: the C encoder is made once
    here when the interpreter has it (without the cycle check, pointless on decoded JSON
    and the output of ``to_dict``, both acyclic).
    """
    make = getattr(encoder_module, "c_make_encoder", None)
    if make is None:
        plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)
        return plain.encode
    one_shot = make(
        None, _json_default, encoder_module.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda value: "".join(one_shot(value, 0))


_encode_line = _line_encoder()


def _stdlib_lines(items: list[Any]) -> bytes:
    encode = _encode_line  # models reach _json_default, which turns them into dicts
    return "".join([encode(item) + "\n" for item in items]).encode("utf-8")


def _orjson_lines() -> Callable[[list[Any]], bytes] | None:
    """orjson's encoder when installed (the ``cli``, ``fast`` and ``etl`` extras): about
    five times the standard library's speed. Same output: compact, UTF-8, dates in
    ISO 8601. It writes the lines of exports that read items (models for CSV and
    ``--on-invalid-item``; decoded JSON where msgspec is missing); item texts need none."""
    try:
        import orjson
    except ImportError:
        return None
    dumps, refused = orjson.dumps, orjson.JSONEncodeError
    option = orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS

    def encode(items: list[Any]) -> bytes:
        try:
            return b"".join([dumps(item, default=_json_default, option=option) for item in items])
        except refused:  # what only the standard library writes: huge integers
            return _stdlib_lines(items)

    return encode


encode_lines: Callable[[list[Any]], bytes] = _orjson_lines() or _stdlib_lines
"""JSON Lines for a page of items (decoded JSON or models), one UTF-8 buffer."""


def text_lines(texts: list[bytes]) -> bytes:
    """JSON Lines of item texts (``raw="bytes"``, each on one line), one UTF-8 buffer."""
    return b"\n".join([*texts, b""])  # no texts: b"", as the join of [b""]


def _read_checkpoint(job: ExportJob) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads(job.checkpoint.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        raise ConfigurationError(f"{job.checkpoint} is damaged; delete it to start over") from None
    return state


def _identity(job: ExportJob) -> dict[str, Any]:
    """What a resumed run must repeat: the operation, its filters and how items are read,
    so one output never mixes items as sent with items read through the models."""
    items = "as sent"
    if job.reads_models:
        items = f"read as models, --on-invalid-item {job.on_invalid_item or 'keep'}"
    return {
        "operation": job.operation_id,
        "filters": dict(sorted(job.identity.items())),
        "reading": items,
    }


@dataclass(frozen=True)
class _Progress:
    """What a checkpoint records besides the identity of the export; replaced, never changed."""

    items: int = 0
    written: int = 0
    invalid: int = 0
    size: int = 0
    total: int | None = None
    extra_fields: int = 0
    misfits: int = 0


def _write_checkpoint(job: ExportJob, done: _Progress) -> None:
    state = {
        "version": CHECKPOINT_VERSION,
        **_identity(job),
        "items": done.items,
        "written": done.written,
        "invalid_items": done.invalid,
        "bytes": done.size,
        "total_items": done.total,
        "extra_fields": done.extra_fields,
        "misfits": done.misfits,
    }
    temp = job.checkpoint.with_name(job.checkpoint.name + ".tmp")
    temp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    os.replace(temp, job.checkpoint)


def _open_part(job: ExportJob, *, resume: bool, restart: bool) -> tuple[IO[bytes], _Progress]:
    """The part file positioned for writing, and the progress to continue from."""
    state = _read_checkpoint(job)
    if state is not None and not resume and not restart:
        raise ConfigurationError(
            f"an unfinished export of {job.out} exists ({job.checkpoint}); "
            "pass --resume to continue it or --restart to start over"
        )
    if state is not None and resume:
        expected = _identity(job)
        found = {key: state.get(key) for key in expected}
        if found != expected or state.get("version") != CHECKPOINT_VERSION:
            raise ConfigurationError(
                f"{job.checkpoint} belongs to another export ({found['operation']} with "
                f"{found['filters']}, items {found['reading'] or 'from an older version'}); "
                "repeat those arguments or pass --restart"
            )
        if not job.part.is_file() or job.part.stat().st_size < int(state["bytes"]):
            raise ConfigurationError(f"{job.part} is missing or shorter than its checkpoint")
        handle: IO[bytes] = job.part.open("r+b")
        handle.truncate(int(state["bytes"]))
        handle.seek(0, os.SEEK_END)
        total = state.get("total_items")
        done = _Progress(
            int(state["items"]),
            int(state.get("written", state["items"])),
            int(state.get("invalid_items", 0)),
            int(state["bytes"]),
            total if isinstance(total, int) else None,
            int(state.get("extra_fields", 0)),
            int(state.get("misfits", 0)),
        )
        return handle, done
    job.checkpoint.unlink(missing_ok=True)
    job.out.parent.mkdir(parents=True, exist_ok=True)
    handle = job.part.open("wb")
    _write_checkpoint(job, _Progress())
    return handle, _Progress()


async def run_export(
    client: Any,
    job: ExportJob,
    *,
    resume: bool = False,
    restart: bool = False,
    reporter: Reporter | None = None,
) -> ExportResult:
    """Stream the whole collection into ``job.out`` (see the module docstring)."""
    arrow = _arrow_pages(job, client) if job.columnar else None
    handle, progress = _open_part(job, resume=resume, restart=restart)
    start = progress.items
    try:
        with handle:
            if arrow is not None and progress.size:
                arrow.check_part(job.part)
            progress = await _fill(client, job, handle, progress, reporter, arrow)
    except BaseException:
        if start == 0 and job.part.stat().st_size == 0:
            # Nothing came in (a bad filter, refused credentials): leave nothing to resume.
            job.checkpoint.unlink(missing_ok=True)
            job.part.unlink(missing_ok=True)
        raise
    _finish(job, arrow)
    return ExportResult(
        progress.items,
        start,
        progress.total,
        job.out,
        progress.written,
        progress.invalid,
        progress.extra_fields,
        progress.misfits,
    )


def _arrow_pages(job: ExportJob, client: Any) -> ArrowPages:
    try:
        from carecloud_async.cli._columnar import ArrowPages  # deferred: the etl extra
    except ImportError:
        extra = "duckdb" if job.format == "duckdb" else "etl"
        raise ConfigurationError(
            f"--format {job.format} needs the {extra} extra: pip install 'carecloud-async[{extra}]'"
        ) from None
    return ArrowPages(job.operation_id, client.project_timezone)


async def _fill(
    client: Any,
    job: ExportJob,
    handle: IO[bytes],
    done: _Progress,
    reporter: Reporter | None,
    arrow: ArrowPages | None = None,
) -> _Progress:
    """Append every page from ``done.items`` on, checkpointing at most every
    ``CHECKPOINT_EVERY`` seconds and once more however the run stops; the progress made."""
    if reporter is not None:
        reporter.advance(done.items, done.total)
    reading = job.reading
    pages = client.pages(
        job.endpoint,
        page_size=job.page_size,
        start_offset=done.items,
        concurrency=job.concurrency,
        on_invalid_item=job.on_invalid_item,
        raw=reading,
        **job.arguments,
    )
    texts = reading == "bytes"
    # What is safely in the part file, replaced in one assignment after each page: an
    # interrupt lands before or after it, and a resume cuts the file back to its size.
    safe = done
    saved_at = time.monotonic()
    try:
        async with contextlib.aclosing(pages):
            async for page in pages:
                items, stop = page.items, False
                if job.page_filter is not None:
                    items, stop = job.page_filter(items)
                extra_fields = misfits = 0
                if arrow is None:
                    handle.write(text_lines(items) if texts else encode_lines(items))
                else:
                    encoded = arrow.encode(items, first=handle.tell() == 0)
                    handle.write(encoded.data)
                    extra_fields, misfits = encoded.extra_fields, encoded.misfits
                handle.flush()
                safe = _Progress(
                    page.next_offset,  # skipped records count toward the offset, not written
                    safe.written + len(items),
                    safe.invalid + page.invalid_items,
                    handle.tell(),
                    safe.total if page.total_items is None else page.total_items,
                    safe.extra_fields + extra_fields,
                    safe.misfits + misfits,
                )
                if time.monotonic() - saved_at >= CHECKPOINT_EVERY:
                    _write_checkpoint(job, safe)
                    saved_at = time.monotonic()
                if reporter is not None:
                    reporter.advance(safe.items, safe.total)
                if stop:
                    break
    finally:
        _write_checkpoint(job, safe)
    if job.format == "jsonl":
        # The part file is renamed into the output: on disk first. The other formats
        # convert it, make their own output durable, and delete it.
        os.fsync(handle.fileno())
    return safe


def _finish(job: ExportJob, arrow: ArrowPages | None = None) -> None:
    """Put the complete result in place; until the checkpoint goes, --resume can redo this."""
    if job.format == "jsonl":
        job.checkpoint.unlink()
        os.replace(job.part, job.out)
        return
    if arrow is not None:
        from carecloud_async.cli._columnar import finish_duckdb, finish_parquet

        if job.table is not None:
            finish_duckdb(arrow, job.part, job.out, job.table, merge_key=job.merge_key)
            job.checkpoint.unlink()
        else:
            temp = finish_parquet(arrow, job.part, job.out, job.row_group_size)
            job.checkpoint.unlink()
            os.replace(temp, job.out)
        job.part.unlink()
        return
    temp = job.out.with_name(job.out.name + ".csv.tmp")
    try:
        columns = csv_columns(_records(job.part))
        with temp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns, restval="")
            writer.writeheader()
            for record in _records(job.part):
                writer.writerow(flatten(record))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    job.checkpoint.unlink()
    os.replace(temp, job.out)
    job.part.unlink()


def _records(path: Path) -> Iterator[Any]:
    with path.open("rb") as handle:
        for line in handle:
            yield json.loads(line)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def flatten(record: Any, prefix: str = "") -> dict[str, str]:
    """Nested objects become dotted columns; lists stay one JSON cell."""
    if not isinstance(record, dict):
        return {prefix or "value": _cell(record)}
    cells: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            cells.update(flatten(value, f"{name}."))
        else:
            cells[name] = _cell(value)
    return cells


def csv_columns(records: Iterable[Any]) -> list[str]:
    """Every column, in the order items list their fields.

    A column first seen in a later item goes right after the column that
    precedes it in that item, so optional fields keep their place in the
    schema's order instead of piling up at the end.
    """
    columns: list[str] = []
    known: set[str] = set()
    for record in records:
        previous: str | None = None
        for name in flatten(record):
            if name not in known:
                at = columns.index(previous) + 1 if previous is not None else 0
                columns.insert(at, name)
                known.add(name)
            previous = name
    return columns
