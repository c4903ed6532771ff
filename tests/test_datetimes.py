"""Project-local date-times to aware datetimes and back."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from carecloud_async._datetimes import format_project_datetime, parse_project_datetime, project_zone
from carecloud_async._errors import ConfigurationError


def test_parses_api_datetimes_in_the_project_zone() -> None:
    """`YYYY-MM-DD HH:MM:SS` has no offset: it is project-local time."""
    parsed = parse_project_datetime("2030-07-01 12:30:00", "Europe/Prague")
    assert parsed == datetime(2030, 7, 1, 10, 30, tzinfo=UTC)
    assert parse_project_datetime("2030-07-01T12:30:00", "Europe/Prague") == parsed


@pytest.mark.parametrize(
    "text",
    [
        "2030-01-15 08:00:00",
        "2030-07-01 23:59:59.250000",
        "2030-03-31 03:00:00",
        "2030-10-27 02:30:00",
    ],
)
def test_the_zone_is_attached_as_the_zoneinfo_itself(text: str) -> None:
    """Winter, summer, either side of a DST change: the wall time with the project's ZoneInfo."""
    zone = ZoneInfo("Europe/Prague")
    parsed = parse_project_datetime(text, "Europe/Prague")
    assert parsed.tzinfo is project_zone("Europe/Prague")
    expected = datetime.fromisoformat(text).replace(tzinfo=zone)
    assert (parsed.utcoffset(), parsed.fold) == (expected.utcoffset(), expected.fold)
    assert parsed.replace(tzinfo=None) == datetime.fromisoformat(text)


def test_a_value_with_its_own_offset_keeps_it() -> None:
    """An explicit offset wins over the project zone."""
    parsed = parse_project_datetime("2030-07-01T12:30:00+00:00", "Asia/Tokyo")
    assert parsed == datetime(2030, 7, 1, 12, 30, tzinfo=UTC)


def test_formats_aware_values_in_project_time_and_naive_values_as_they_are() -> None:
    """Requests carry project-local wall time."""
    aware = datetime(2030, 1, 1, 23, 0, tzinfo=UTC)
    assert format_project_datetime(aware, "Pacific/Kiritimati") == "2030-01-02 13:00:00"
    assert (
        format_project_datetime(datetime(2030, 1, 1, 8, 0), "Asia/Tokyo") == "2030-01-01 08:00:00"
    )


def test_rejects_unreadable_values_and_unknown_zones() -> None:
    """Bad input names what is wrong."""
    with pytest.raises(ValueError, match="not a CareCloud date-time"):
        parse_project_datetime("yesterday", "UTC")
    with pytest.raises(ConfigurationError, match="IANA"):
        project_zone("Europe/Atlantis")
    assert project_zone(ZoneInfo("UTC")) == ZoneInfo("UTC")


def test_other_iso_forms_and_padding_still_parse() -> None:
    """The fast path covers the API's format; the rest of ISO 8601 still reads."""
    zone = ZoneInfo("Europe/Prague")
    expected = datetime(2030, 7, 1, 12, 30, tzinfo=zone)
    assert parse_project_datetime(" 2030-07-01 12:30:00 ", "Europe/Prague") == expected
    assert parse_project_datetime("20300701T123000", zone) == expected
    assert parse_project_datetime("2030-07-01 12:30:00.250", zone).microsecond == 250000
    assert parse_project_datetime("2030-07-01 12:30:00", "Europe/Prague").tzinfo is zone
