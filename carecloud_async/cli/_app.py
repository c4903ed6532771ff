"""The ``carecloud`` command: find operations, call any endpoint, export whole collections.

Everything it does goes through the library's public clients, so any of it
can be done from Python the same way.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from carecloud_async import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CareCloudError,
    ConfigurationError,
    MethodNotAllowedError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TransportError,
    WrongAPIError,
)
from carecloud_async.cli import _catalog
from carecloud_async.cli._config import Settings, client_options, load_settings
from carecloud_async.cli._export import (
    COLUMNAR_FORMATS,
    ROW_GROUP_SIZE,
    ExportJob,
    _json_default,
    duckdb_target,
    run_export,
    to_plain,
)
from carecloud_async.cli._incremental_run import (
    RunCounts,
    incremental_key,
    incremental_options,
    parse_lag,
    report_line,
    run_incremental_export,
    start_run,
)
from carecloud_async.cli._values import endpoint_arguments, parse_assignments, takes_body

__all__ = ["EXIT_CODES", "app", "exit_code_for"]

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success"),
    (1, "any other error (for example an answer that does not parse)"),
    (2, "usage or configuration: bad option, unknown operation or parameter, no credentials"),
    (3, "authentication or permission refused (401, 403)"),
    (4, "bad request (400, 405)"),
    (5, "not found (404)"),
    (6, "rate limited (429), after the library's retries"),
    (7, "server error (5xx), after the library's retries"),
    (8, "network: no connection, timeout, connection lost on a safe request"),
    (9, "outcome unknown: a request that changes data may or may not have been applied"),
    (130, "interrupted (Ctrl-C); an export keeps its state for --resume"),
)

_EXIT_TABLE = "\n\n".join(f"{code}: {meaning}" for code, meaning in EXIT_CODES)

app = typer.Typer(
    name="carecloud",
    help="Find CareCloud operations, call any endpoint, export whole collections.\n\n"
    "Connection settings come from --profile (config.toml in the user config directory, "
    "or the file named by CARECLOUD_CONFIG), CARECLOUD_* environment variables and options; "
    "the password only from CARECLOUD_PASSWORD, a password file or a prompt.\n\n"
    f"Exit codes:\n\n{_EXIT_TABLE}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# --on-invalid-item values, and what became of such items, for the summary line.
_INVALID_ITEM_POLICIES = {
    "keep": "kept as read",
    "skip": "skipped",
    "raw": "kept as sent",
    "raise": "stopped",
}


def exit_code_for(error: BaseException) -> int:
    """The documented exit code for an error the library raised."""
    checks: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], int], ...] = (
        ((ConfigurationError, WrongAPIError), 2),
        ((AuthenticationError, PermissionDeniedError), 3),
        ((BadRequestError, MethodNotAllowedError), 4),
        (NotFoundError, 5),
        (RateLimitError, 6),
        (ServerError, 7),
        (OutcomeUnknownError, 9),
        (TransportError, 8),
        (KeyboardInterrupt, 130),
    )
    for kinds, code in checks:
        if isinstance(error, kinds):
            return code
    if isinstance(error, APIStatusError):
        return 7 if error.status >= 500 else 4
    return 1


def _fail(error: BaseException) -> NoReturn:
    message = " ".join(str(error).split()) or type(error).__name__
    typer.echo(f"carecloud: {type(error).__name__}: {message}", err=True)
    raise typer.Exit(exit_code_for(error))


# -- shared options ----------------------------------------------------------------------

_CONNECTION = "Connection (see carecloud --help)"
_INCREMENTAL = "Incremental runs"

ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile", "-p", rich_help_panel=_CONNECTION, help="Profile from the config file."
    ),
]
ApiOpt = Annotated[
    str | None,
    typer.Option(
        "--api",
        rich_help_panel=_CONNECTION,
        help="enterprise or customer (default: the profile's, else enterprise).",
    ),
]
ProjectUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--project-url", rich_help_panel=_CONNECTION, help="Project host, e.g. x.crmcarecloud.com."
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        rich_help_panel=_CONNECTION,
        help="Full API root URL (overrides --project-url).",
    ),
]
LoginOpt = Annotated[
    str | None, typer.Option("--login", rich_help_panel=_CONNECTION, help="Enterprise login name.")
]
AppIdOpt = Annotated[
    str | None,
    typer.Option(
        "--external-application-id", rich_help_panel=_CONNECTION, help="External application id."
    ),
]
PasswordFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--password-file",
        rich_help_panel=_CONNECTION,
        help="Read the password from this file (never an argument).",
    ),
]
TimezoneOpt = Annotated[
    str | None,
    typer.Option(
        "--project-timezone",
        rich_help_panel=_CONNECTION,
        help="The project's IANA time zone, e.g. Europe/Prague.",
    ),
]
MockOpt = Annotated[
    bool,
    typer.Option(
        "--mock",
        rich_help_panel=_CONNECTION,
        help="Answer from the embedded mock (the pinned spec's examples).",
    ),
]


def _settings(
    *,
    profile: str | None,
    api: str | None,
    project_url: str | None,
    base_url: str | None,
    login: str | None,
    external_application_id: str | None,
    password_file: Path | None,
    project_timezone: str | None,
    mock: bool,
) -> Settings:
    overrides = {
        "api": api,
        "project_url": project_url,
        "base_url": base_url,
        "login": login,
        "external_application_id": external_application_id,
        "password_file": str(password_file) if password_file else None,
        "project_timezone": project_timezone,
    }
    if mock:
        return Settings(
            {k: v for k, v in overrides.items() if v and k in ("api", "project_timezone")}
        )
    prompt = _prompt if sys.stdin.isatty() else None
    return load_settings(profile=profile, overrides=overrides, prompt=prompt)


def _prompt(text: str) -> str:
    return str(typer.prompt(text, hide_input=True))


def _client(settings: Settings, *, mock: bool, rate: float | None = None) -> Any:
    from carecloud_async import CustomerClient, EnterpriseClient, RateLimiter

    options: dict[str, Any] = {}
    if rate is not None:
        options["rate_limiter"] = RateLimiter(rate)
    if mock:
        from carecloud_async.testing import MockRouter

        # The mock declares a project zone (the profile's, if any) and its clients use it.
        router = MockRouter(project_timezone=settings.values.get("project_timezone") or "UTC")
        if settings.api == "customer":
            return router.customer_client(**options)
        return router.enterprise_client(**options)
    cls = CustomerClient if settings.api == "customer" else EnterpriseClient
    return cls(**client_options(settings), **options)


def _run(coroutine: Any) -> Any:
    try:
        return asyncio.run(coroutine)
    except CareCloudError as error:
        _fail(error)


# -- ops -----------------------------------------------------------------------------------


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@app.command("ops")
def ops_command(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[TEXT | show OPERATION]",
            help="TEXT to filter by (operationId, path or Python name), "
            "or `show OPERATION` for one operation's parameters and body fields.",
            show_default=False,
        ),
    ] = None,
    api: Annotated[
        str | None,
        typer.Option("--api", help="Only operations of this API: enterprise or customer."),
    ] = None,
) -> None:
    """List the pinned spec's operations, or `ops show OPERATION` to describe one.

    Columns: operationId, method, path, APIs, the list field of paginated operations
    ("-" when not paginated) and the Python name. On a terminal they form a table,
    otherwise tab-separated lines without a header.
    """
    words = list(words or [])
    if words and words[0] == "show":
        if len(words) != 2:
            _fail(ConfigurationError("usage: carecloud ops show OPERATION"))
        _show(words[1])
        return
    if api not in (None, "enterprise", "customer"):
        _fail(ConfigurationError(f"--api must be enterprise or customer, got {api!r}"))
    text = " ".join(words).lower()
    rows = [
        entry
        for entry in _catalog.all_operations()
        if (api is None or api in entry.apis)
        and (
            not text
            or text in entry.operation_id.lower()
            or text in f"{entry.method} {entry.path}".lower()
            or text in _catalog.python_name(entry).lower()
        )
    ]
    cells = [
        (
            e.operation_id,
            e.method,
            e.path,
            ",".join(e.apis),
            e.list_field or "-",
            _catalog.python_name(e),
        )
        for e in rows
    ]
    if _stdout_is_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table("operationId", "method", "path", "API", "paginated", "Python name")
        for row in cells:
            table.add_row(*row)
        Console().print(table)
    else:
        for row in cells:
            typer.echo("\t".join(row))
    typer.echo(f"{len(cells)} operations", err=True)


def _show(name: str) -> None:
    try:
        entry = _catalog.find(name)
        params = _catalog.parameters(entry)
        body = _catalog.body_fields(entry)
    except CareCloudError as error:
        _fail(error)
    lines = [
        f"{entry.operation_id}: {entry.method} {entry.path}",
        f"  API: {', '.join(entry.apis)}",
        f"  paginated: {'yes, items under data.' + entry.list_field if entry.list_field else 'no'}",
        f"  Python name: {_catalog.python_name(entry)}",
    ]
    filters = _catalog.date_filters(entry)
    if filters:
        pairs = ", ".join(f"{a}/{b}" for a, b in filters)
        lines.append(f"  date filters (--since/--until): {pairs}")
    for title, fields in (("parameters", params), ("body fields", body)):
        lines.append(f"{title}:" if fields else f"{title}: none")
        for field in fields:
            flag = "required" if field.required else "optional"
            where = "" if field.location == "body" else f"{field.location}, "
            lines.append(f"  {field.name} ({where}{field.type}, {flag})")
            if field.description:
                lines.append(f"      {field.description}")
    typer.echo("\n".join(lines))


# -- call ----------------------------------------------------------------------------------

ArgsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[NAME=VALUE]...",
        help="Parameters as name=value (path, query and header parameters).",
        show_default=False,
    ),
]


@app.command("call")
def call_command(
    operation: Annotated[
        str, typer.Argument(metavar="OPERATION", help='operationId or "METHOD /path".')
    ],
    args: ArgsArg = None,
    body: Annotated[
        str | None,
        typer.Option("--body", help="JSON request body from FILE, or - for standard input."),
    ] = None,
    profile: ProfileOpt = None,
    api: ApiOpt = None,
    project_url: ProjectUrlOpt = None,
    base_url: BaseUrlOpt = None,
    login: LoginOpt = None,
    external_application_id: AppIdOpt = None,
    password_file: PasswordFileOpt = None,
    project_timezone: TimezoneOpt = None,
    mock: MockOpt = False,
) -> None:
    """Call one operation and print the answer's `data` as JSON.

    Example: carecloud call getStore store_id=8fd6e3b1 --profile prod
    """
    try:
        entry = _catalog.find(operation)
        endpoint = entry.endpoint()
        arguments = endpoint_arguments(endpoint, entry.operation_id, parse_assignments(args or []))
        if body is not None:
            if not takes_body(endpoint):
                raise ConfigurationError(f"{entry.operation_id} takes no request body")
            arguments["body"] = _read_body(body)
        settings = _settings(
            profile=profile,
            api=api or _default_api(entry),
            project_url=project_url,
            base_url=base_url,
            login=login,
            external_application_id=external_application_id,
            password_file=password_file,
            project_timezone=project_timezone,
            mock=mock,
        )
    except CareCloudError as error:
        _fail(error)

    async def go() -> Any:
        async with _client(settings, mock=mock) as client:
            return await client.call(endpoint, **arguments)

    data = _run(go())
    if data is not None:
        typer.echo(json.dumps(to_plain(data), indent=2, ensure_ascii=False, default=_json_default))


def _default_api(entry: _catalog.OperationEntry) -> str | None:
    """A customer-only operation needs the customer API; otherwise leave it to the settings."""
    return "customer" if entry.apis == ("customer",) else None


def _read_body(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"--body {source}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ConfigurationError(f"--body {source}: not valid JSON ({exc})") from None


# -- export --------------------------------------------------------------------------------


class _LogReporter:
    """Plain progress lines on stderr: after the first page, then one per ``interval`` seconds."""

    def __init__(self, interval: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._last: float | None = None
        self._start: int | None = None

    def advance(self, done: int, total: int | None) -> None:
        if self._start is None:
            self._start = done  # where this run starts: nothing new to report yet
            return
        now = self._clock()
        if self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        of = f"/{total} items ({100 * done // total}%)" if total else " items"
        typer.echo(f"carecloud: exported {done}{of}", err=True)

    def close(self) -> None:
        return None


class _BarReporter:
    """A rich progress bar on stderr; its total comes from the server's total_items."""

    def __init__(self, label: str) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._task = self._progress.add_task(label, total=None)
        self._progress.start()

    def advance(self, done: int, total: int | None) -> None:
        self._progress.update(self._task, completed=done, total=total)

    def close(self) -> None:
        self._progress.stop()


def _date_arguments(
    entry: _catalog.OperationEntry, since: str | None, until: str | None, field: str | None
) -> dict[str, str]:
    if since is None and until is None:
        return {}
    pairs = _catalog.date_filters(entry)
    if not pairs:
        raise ConfigurationError(f"{entry.operation_id} has no date filters for --since/--until")
    if field is not None:
        chosen = [p for p in pairs if field in p or p[0].removesuffix("_from") == field]
        if not chosen:
            names = ", ".join(p[0].removesuffix("_from") for p in pairs)
            raise ConfigurationError(f"--date-filter {field!r} is not one of {names}")
        pairs = chosen
    elif len(pairs) > 1:
        names = ", ".join(p[0].removesuffix("_from") for p in pairs)
        raise ConfigurationError(
            f"{entry.operation_id} has several date filters ({names}); choose one with --date-filter"
        )
    low, high = pairs[0]
    result = {}
    if since is not None:
        result[low] = since
    if until is not None:
        result[high] = until
    return result


@app.command("export")
def export_command(
    operation: Annotated[
        str,
        typer.Argument(
            metavar="OPERATION", help='A paginated operation: operationId or "METHOD /path".'
        ),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file; written only once complete.")
    ] = None,
    args: ArgsArg = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="jsonl, csv or parquet (default: from --out's suffix)."
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Load into a DuckDB file instead: duckdb:PATH[#table] (table default: "
            "the operation's list, e.g. purchases). Needs the duckdb extra.",
        ),
    ] = None,
    row_group_size: Annotated[
        int,
        typer.Option("--row-group-size", help="Parquet: items per row group.", min=1),
    ] = ROW_GROUP_SIZE,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Lower bound of the operation's date filter (project-local time)."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Upper bound of the operation's date filter (project-local)."),
    ] = None,
    date_filter: Annotated[
        str | None,
        typer.Option(
            "--date-filter", help="Which date filter --since/--until set, when there are several."
        ),
    ] = None,
    page_size: Annotated[int, typer.Option("--page-size", help="Items per request.")] = 500,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Pages in flight at once.")] = 4,
    on_invalid_item: Annotated[
        str | None,
        typer.Option(
            "--on-invalid-item",
            help="Check each item against the schema; those that do not match are: keep "
            "(as read), skip, raw (as sent) or raise (stop; --resume continues after "
            "fixing). Without it, JSON Lines holds the items as sent, unchecked.",
        ),
    ] = None,
    rate: Annotated[
        float | None, typer.Option("--rate", help="At most this many requests a second.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted export from its checkpoint.")
    ] = False,
    restart: Annotated[
        bool, typer.Option("--restart", help="Discard an interrupted export and start over.")
    ] = False,
    incremental: Annotated[
        bool,
        typer.Option(
            "--incremental",
            rich_help_panel=_INCREMENTAL,
            help="Only rows new or changed since the last run (see carecloud ops show).",
        ),
    ] = False,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            rich_help_panel=_INCREMENTAL,
            help="The run's state file (default: beside --out, named by project, "
            "operation and filters).",
        ),
    ] = None,
    lag: Annotated[
        str,
        typer.Option(
            "--lag",
            rich_help_panel=_INCREMENTAL,
            help="Read this far behind the last cursor: 1h, 15m, 90s.",
        ),
    ] = "1h",
    profile: ProfileOpt = None,
    api: ApiOpt = None,
    project_url: ProjectUrlOpt = None,
    base_url: BaseUrlOpt = None,
    login: LoginOpt = None,
    external_application_id: AppIdOpt = None,
    password_file: PasswordFileOpt = None,
    project_timezone: TimezoneOpt = None,
    mock: MockOpt = False,
) -> None:
    """Export every item of a list operation to JSON Lines, CSV, Parquet or a DuckDB table.

    Items stream to OUT.part with a checkpoint (OUT.checkpoint.json) after every page;
    OUT appears only when the export is complete. After a crash or Ctrl-C, run the same
    command with --resume: it continues where the last checkpoint left off, with no
    duplicated or missing items. CSV flattens nested objects into dotted columns.
    Parquet and DuckDB (the etl / duckdb extras) keep the spec's types, date-times in
    the project's zone; fields the spec does not declare and values that do not fit
    their column are kept, as JSON, in the _extra column.
    Offsets shift if records are added mid-run: sort on a field that only grows
    (e.g. sort_field=payment_time sort_direction=asc) for long runs.

    With --incremental, each run writes only the rows new or changed since the last one
    (to OUT anew, or as a new part when OUT is a folder) and keeps a cursor beside OUT.

    Example: carecloud export getPurchases -o purchases.csv --since "2026-01-01 00:00:00"
    """
    try:
        entry = _catalog.find(operation)
        if not entry.paginated:
            raise ConfigurationError(
                f"{entry.operation_id} is not a paginated list operation; use `carecloud call`"
            )
        target, fmt, table = _export_target(out, to, fmt, entry)
        if on_invalid_item is not None and on_invalid_item not in _INVALID_ITEM_POLICIES:
            raise ConfigurationError(
                "--on-invalid-item must be one of "
                f"{', '.join(_INVALID_ITEM_POLICIES)}, got {on_invalid_item!r}"
            )
        if fmt in COLUMNAR_FORMATS and on_invalid_item not in (None, "keep"):
            raise ConfigurationError(
                f"--on-invalid-item applies to jsonl and csv; {fmt} keeps every item, "
                "with values that do not fit their column in _extra"
            )
        if resume and restart:
            raise ConfigurationError("pass --resume or --restart, not both")
        endpoint = entry.endpoint()
        raw = {**parse_assignments(args or []), **_date_arguments(entry, since, until, date_filter)}
        for reserved in ("count", "offset"):
            if reserved in raw:
                raise ConfigurationError(f"{reserved} is set by the export; use --page-size")
        arguments = endpoint_arguments(endpoint, entry.operation_id, raw)
        plan = incremental_options(entry, raw, resume=resume) if incremental else None
        lag_window = parse_lag(lag)
        settings = _settings(
            profile=profile,
            api=api or _default_api(entry),
            project_url=project_url,
            base_url=base_url,
            login=login,
            external_application_id=external_application_id,
            password_file=password_file,
            project_timezone=project_timezone,
            mock=mock,
        )
        if fmt in COLUMNAR_FORMATS and not mock and not settings.values.get("project_timezone"):
            raise ConfigurationError(
                f"a {fmt} export stores date-times in the project's zone: pass "
                "--project-timezone (or set project_timezone in the profile)"
            )
        job = ExportJob(
            operation_id=entry.operation_id,
            endpoint=endpoint,
            arguments=arguments,
            identity={**raw, "api": settings.api},
            out=target,
            format=fmt,
            page_size=page_size,
            concurrency=concurrency,
            on_invalid_item=on_invalid_item,
            row_group_size=row_group_size,
            table=table,
        )
    except CareCloudError as error:
        _fail(error)
    reporter: _LogReporter | _BarReporter = (
        _BarReporter(entry.operation_id) if sys.stderr.isatty() else _LogReporter()
    )
    started = time.monotonic()

    counts: list[RunCounts] = []

    async def go() -> Any:
        async with _client(settings, mock=mock, rate=rate) as client:
            if plan is None:
                return await run_export(
                    client, job, resume=resume, restart=restart, reporter=reporter
                )
            run_job, run = start_run(
                client,
                job,
                plan,
                filters=raw,
                api=settings.api,
                typed=lambda given: endpoint_arguments(endpoint, entry.operation_id, given),
                primary_key=incremental_key(entry),
                lag=lag_window,
                state=state,
            )
            counts.append(run.counts)
            return await run_incremental_export(client, run_job, run, reporter=reporter)

    try:
        result = _run(go())
    except KeyboardInterrupt:
        reporter.close()
        typer.echo(
            f"carecloud: interrupted; {target} not written. Run the same command with --resume "
            "to continue.",
            err=True,
        )
        raise typer.Exit(130) from None
    finally:
        reporter.close()
    elapsed = time.monotonic() - started
    resumed = f", resumed at item {result.resumed_from}" if result.resumed_from else ""
    invalid = (
        f"; {result.invalid_items} did not match the schema "
        f"({_INVALID_ITEM_POLICIES[on_invalid_item or 'keep']})"
        if result.invalid_items
        else ""
    )
    kept = (
        f"; kept in _extra: {result.extra_fields} undeclared field value(s), "
        f"{result.misfits} value(s) that did not fit their column"
        if result.extra_fields or result.misfits
        else ""
    )
    where = f"{target}#{table}" if table else str(target)
    typer.echo(
        f"carecloud: exported {result.written} items to {where} ({fmt}{resumed}) "
        f"in {elapsed:.1f} s{invalid}{kept}",
        err=True,
    )
    if plan is not None and counts:
        typer.echo(f"carecloud: {report_line(plan, counts[0], lag_window)}", err=True)


def _export_target(
    out: Path | None, to: str | None, fmt: str | None, entry: _catalog.OperationEntry
) -> tuple[Path, str, str | None]:
    """Where an export goes: (file, format, DuckDB table or None)."""
    if (out is None) == (to is None):
        raise ConfigurationError("pass --out FILE or --to duckdb:PATH[#table] (one of them)")
    if to is not None:
        if fmt not in (None, "duckdb"):
            raise ConfigurationError(f"--to loads DuckDB; --format {fmt} is for --out")
        path, table = duckdb_target(to, entry.list_field or entry.operation_id)
        return path, "duckdb", table
    assert out is not None
    suffix = out.suffix.lower().lstrip(".")
    fmt = fmt or (suffix if suffix in ("csv", "parquet") else "jsonl")
    if fmt not in ("jsonl", "csv", "parquet"):
        raise ConfigurationError(f"--format must be jsonl, csv or parquet, got {fmt!r}")
    return out, fmt, None


def main() -> None:
    """The console script's entry point."""
    app(prog_name="carecloud")
