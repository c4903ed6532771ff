"""The ``carecloud`` data source's options, read and checked before anything is sent.

Spark hands options over as text (case-insensitive names); this module turns them
into ``plan_partitions`` arguments and names the option at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

from carecloud_async._errors import ConfigurationError
from carecloud_async.cli._incremental_run import parse_lag

__all__ = ["SourceOptions", "source_options"]

_FILTER: Final = "filter."
_CURSOR: Final = "cursor."
_PLAIN: Final = frozenset(
    {
        "profiles",
        "operation",
        "since",
        "until",
        "window",
        "lag",
        "page_size",
        "concurrency",
        "max_partitions_per_project",
        "executor_login",
    }
)
_TRUE: Final = frozenset({"true", "1", "yes"})
_FALSE: Final = frozenset({"false", "0", "no"})


@dataclass(frozen=True)
class SourceOptions:
    """What a ``spark.read.format("carecloud")`` asked for."""

    profiles: tuple[str, ...]
    operation: str
    filters: Mapping[str, str] = field(default_factory=dict)
    since: str | None = None
    until: str | None = None
    window: timedelta | None = None
    cursors: Mapping[str, str] = field(default_factory=dict)
    """An incremental read's lower bound per profile (``cursor.<profile>``)."""
    lag: timedelta = timedelta(0)
    page_size: int = 500
    concurrency: int = 4
    max_partitions_per_project: int = 4
    executor_login: bool = False


def _duration(name: str, text: str) -> timedelta:
    try:
        return parse_lag(text)
    except ConfigurationError:
        raise ConfigurationError(
            f"option {name}={text!r} is not a duration such as 7d, 6h, 15m or 90s"
        ) from None


def _count(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigurationError(f"option {name}={text!r} must be a whole number of at least 1")
    return value


def _flag(name: str, text: str) -> bool:
    if text.lower() not in _TRUE | _FALSE:
        raise ConfigurationError(f"option {name}={text!r} must be true or false")
    return text.lower() in _TRUE


def source_options(options: Mapping[str, str]) -> SourceOptions:
    """Check every option; an unknown one is refused with the list of known ones."""
    given = {str(name).lower(): str(value) for name, value in options.items()}
    filters = {k.removeprefix(_FILTER): v for k, v in given.items() if k.startswith(_FILTER)}
    cursors = {k.removeprefix(_CURSOR): v for k, v in given.items() if k.startswith(_CURSOR)}
    unknown = sorted(
        name for name in given if name not in _PLAIN and not name.startswith((_FILTER, _CURSOR))
    )
    if unknown:
        raise ConfigurationError(
            f"unknown option(s) {', '.join(unknown)} for format('carecloud') (known: "
            f"{', '.join(sorted(_PLAIN))}, filter.<name>, cursor.<profile>)"
        )
    if not given.get("operation"):
        raise ConfigurationError("option operation is required (an operationId: getPurchases)")
    profiles = tuple(name.strip() for name in given.get("profiles", "").split(",") if name.strip())
    if not profiles:
        raise ConfigurationError(
            "option profiles is required: comma-separated profiles of the carecloud "
            "command's config file, one per project"
        )
    return SourceOptions(
        profiles=profiles,
        operation=given["operation"],
        filters=filters,
        since=given.get("since"),
        until=given.get("until"),
        window=_duration("window", given["window"]) if "window" in given else None,
        cursors=cursors,
        lag=_duration("lag", given["lag"]) if "lag" in given else timedelta(0),
        page_size=_count("page_size", given.get("page_size", "500")),
        concurrency=_count("concurrency", given.get("concurrency", "4")),
        max_partitions_per_project=_count(
            "max_partitions_per_project", given.get("max_partitions_per_project", "4")
        ),
        executor_login=_flag("executor_login", given.get("executor_login", "false")),
    )
