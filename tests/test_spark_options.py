"""The ``carecloud`` data source's options are read and refused by name, before any request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecloud_async import ConfigurationError

pytest.importorskip("pyspark")

from carecloud_async.spark._options import source_options


def test_options_become_planner_arguments() -> None:
    """Text options (names in any case) turn into typed planner arguments."""
    options = source_options(
        {
            "Profiles": "cz, sk",
            "operation": "getPurchases",
            "filter.store_id": "s1",
            "since": "2025-01-01",
            "window": "7d",
            "cursor.cz": "2025-06-01 00:00:00",
            "lag": "1h",
            "page_size": "1000",
            "concurrency": "2",
            "max_partitions_per_project": "3",
            "executor_login": "true",
        }
    )
    assert options.profiles == ("cz", "sk")
    assert dict(options.filters) == {"store_id": "s1"}
    assert options.window == timedelta(days=7)
    assert dict(options.cursors) == {"cz": "2025-06-01 00:00:00"}
    assert (options.page_size, options.concurrency, options.max_partitions_per_project) == (
        1000,
        2,
        3,
    )
    assert options.executor_login is True


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"operation": "getPurchases"}, "option profiles is required"),
        ({"profiles": "cz"}, "option operation is required"),
        ({"profiles": "cz", "operation": "getPurchases", "colour": "red"}, "unknown option"),
        ({"profiles": "cz", "operation": "getPurchases", "window": "soon"}, "option window"),
        ({"profiles": "cz", "operation": "getPurchases", "concurrency": "0"}, "concurrency"),
        ({"profiles": "cz", "operation": "getPurchases", "executor_login": "y"}, "true or false"),
    ],
)
def test_a_bad_option_is_refused_by_name(given: dict[str, str], message: str) -> None:
    """Each bad option is named in the error."""
    with pytest.raises(ConfigurationError, match=message):
        source_options(given)
