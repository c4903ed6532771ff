"""``read_partition``: one partition's ranges as Arrow batches, read with the async SDK.

The partition gets an event loop and an ``EnterpriseClient`` of its own (the SDK's
concurrent pagination, retries and rate limiting), sends the token the driver
handed it, and walks its ranges one after another. Each page becomes one
``RecordBatch`` straight from the decoded JSON (``etl.BatchBuilder``), plus the
``_project`` column.

A 401 means the handed token was refused (it expired, or was revoked). With
credentials in the spec the partition logs in itself, once, and goes on from the
page it had reached; without them it fails with ``HandedTokenRefused``, which says
so: the engine's retry cannot help until the driver plans again.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncGenerator, Iterator, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from carecloud_async._client import EnterpriseClient
from carecloud_async._datetimes import parse_project_datetime
from carecloud_async._errors import AuthenticationError
from carecloud_async._find import find_operation
from carecloud_async._pagination import Page
from carecloud_async.cli._values import endpoint_arguments
from carecloud_async.etl import BatchBuilder
from carecloud_async.partitions._specs import (
    OffsetRange,
    PartitionSpec,
    ReadRange,
    TimeWindow,
)
from carecloud_async.partitions._sync import iterate

__all__ = ["HandedTokenRefused", "read_partition"]


class HandedTokenRefused(AuthenticationError):
    """The driver's token was refused and the partition holds no credentials to log in."""


def read_partition(spec: PartitionSpec) -> Iterator[pa.RecordBatch]:
    """Yield the partition's rows as ``RecordBatch``es in ``spec.schema``, a page each.

    Synchronous, for any engine's worker: it runs the async SDK on a loop of its own.
    Reading the same spec again asks for the same ranges (a retried task duplicates
    nothing).
    """
    return iterate(_batches(spec))


class _Connection:
    """The partition's client: the handed token first, its own login after a 401."""

    def __init__(self, spec: PartitionSpec) -> None:
        self.spec = spec
        self.logged_in = False
        project = spec.project
        self._common: dict[str, Any] = {
            "base_url": project.base_url,
            "project_timezone": project.zone,
            "accept_language": project.accept_language,
        }
        self.client = EnterpriseClient(bearer_token=project.bearer_token, **self._common)

    async def refused(self, error: AuthenticationError) -> None:
        """Log in with the spec's credentials, or raise ``HandedTokenRefused``."""
        credentials = self.spec.project.credentials
        if self.logged_in or credentials is None:
            raise HandedTokenRefused(
                method=error.method,
                path=error.path,
                status=error.status,
                error_type="handed_token_refused",
                error_message=(
                    f"the token the driver handed partition {self.spec.index} of project "
                    f"{self.spec.project.name!r} was refused and the partition has no "
                    "credentials to log in again; run the job again (the driver logs in "
                    "anew) or plan with executor_login"
                    if credentials is None
                    else "refused again after the partition logged in itself"
                ),
                request_id=error.request_id,
            ) from None
        await self.client.aclose()
        self.client = EnterpriseClient(
            login=credentials.login,
            password=credentials.password,
            external_application_id=credentials.external_application_id,
            **self._common,
        )
        self.logged_in = True


def _range_arguments(
    spec: PartitionSpec, part: ReadRange
) -> tuple[dict[str, str], int, int | None]:
    """A range's extra query arguments, first offset and number of records."""
    if isinstance(part, TimeWindow):
        if spec.time_filter is None:
            raise ValueError(f"{spec!r} has time windows but no time filter")
        low, high = spec.time_filter
        return {low: part.low, high: part.high}, 0, None
    assert isinstance(part, OffsetRange)
    return {}, part.start, None if part.stop is None else part.stop - part.start


def _newer_only(
    records: pa.RecordBatch, field: str, bound: pa.Scalar[Any]
) -> tuple[pa.RecordBatch, bool]:
    """The rows not older than ``bound`` (rows without a time are kept), and whether
    any row was older: a newest-first walk is then past the bound."""
    newer: Any = pc.greater_equal(records.column(field), bound)
    keep: Any = pc.fill_null(newer, True)
    past = not pc.all(keep).as_py()
    return (records.filter(keep) if past else records), past


def _with_project(records: pa.RecordBatch, spec: PartitionSpec) -> pa.RecordBatch:
    name = pa.array([spec.project.name] * records.num_rows, type=pa.string())
    return pa.RecordBatch.from_arrays([*records.columns, name], schema=spec.schema)


async def _batches(spec: PartitionSpec) -> AsyncGenerator[pa.RecordBatch, None]:
    endpoint = importlib.import_module(find_operation(spec.operation_id).endpoint_module)
    builder = BatchBuilder(spec.operation_id, spec.project.zone)
    bound = None
    if spec.stop_before is not None and spec.cursor_field is not None:
        moment = parse_project_datetime(spec.stop_before, spec.project.zone)
        bound = pa.scalar(moment, type=builder.schema.field(spec.cursor_field).type)
    connection = _Connection(spec)
    try:
        for part in spec.ranges:
            extra, start, limit = _range_arguments(spec, part)
            arguments = endpoint_arguments(
                endpoint, spec.operation_id, {**dict(spec.arguments), **extra}
            )
            done = 0
            while True:
                try:
                    left = None if limit is None else limit - done
                    pages = _pages(connection.client, endpoint, spec, arguments, start + done, left)
                    async with contextlib.aclosing(pages) as walk:
                        async for page in walk:
                            done += page.next_offset - page.offset
                            records = builder.build(page.items).records
                            past = False
                            if bound is not None:
                                records, past = _newer_only(records, spec.cursor_field or "", bound)
                            if records.num_rows:
                                yield _with_project(records, spec)
                            if past:
                                return  # newest first: every later range is older still
                    break
                except AuthenticationError as error:
                    if error.status != 401:
                        raise
                    await connection.refused(error)
    finally:
        await connection.client.aclose()


def _pages(
    client: EnterpriseClient,
    endpoint: Any,
    spec: PartitionSpec,
    arguments: Mapping[str, Any],
    offset: int,
    max_items: int | None,
) -> AsyncGenerator[Page[Any], None]:
    return client.pages(
        endpoint,
        raw=True,
        page_size=spec.page_size,
        concurrency=spec.concurrency,
        start_offset=offset,
        max_items=max_items,
        **arguments,
    )
