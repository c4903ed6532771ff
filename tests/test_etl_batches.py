"""Pages of decoded JSON become RecordBatches: one row per item, nothing lost or changed."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from carecloud_async._datetimes import parse_project_datetime
from carecloud_async.etl import EXTRA_COLUMN, BatchBuilder

ZONE = "Europe/Prague"


def _purchase(index: int, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "purchase_id": f"p{index}",
        "customer_id": "c1",
        "payment_time": "2024-05-01 10:00:00",
        "items_count": 2,
        "total_price": 10.5,
        "last_change": "2024-05-01 10:00:01",
    }
    item.update(fields)
    return item


def _extra(row: dict[str, Any]) -> Any:
    text = row[EXTRA_COLUMN]
    return None if text is None else json.loads(text)


def test_a_page_becomes_one_row_per_item_in_server_order() -> None:
    """Every item is a row, in order, with the schema's columns and _extra null."""
    builder = BatchBuilder("getPurchases", ZONE)
    built = builder.build([_purchase(i) for i in range(5)])
    assert built.records.schema == builder.schema
    assert built.records.column("purchase_id").to_pylist() == [f"p{i}" for i in range(5)]
    assert built.records.column(EXTRA_COLUMN).null_count == 5
    assert (built.extra_fields, built.misfits) == (0, 0)


def test_date_times_are_instants_in_the_project_zone_as_the_client_reads_them() -> None:
    """Plain, DST-gap, repeated-hour, T-separated and offset date-times all match
    parse_project_datetime; dates become date32."""
    texts = [
        "2024-05-01 10:00:00",
        "2024-03-31 02:30:00",  # does not exist in Prague
        "2024-10-27 02:30:00",  # exists twice in Prague
        "2024-05-01T10:00:00",
        "2024-05-01T10:00:00+05:00",
        "2024-05-01 10:00:00.250000",
    ]
    builder = BatchBuilder("getPurchases", ZONE)
    built = builder.build([_purchase(i, payment_time=t) for i, t in enumerate(texts)])
    got = built.records.column("payment_time").to_pylist()
    expected = [parse_project_datetime(t, ZoneInfo(ZONE)) for t in texts]
    assert [g.astimezone(UTC) for g in got] == [e.astimezone(UTC) for e in expected]
    assert built.misfits == 0
    entrances = BatchBuilder("getEntrances", ZONE).build([{"valid_from": "2024-02-29"}])
    assert entrances.records.column("valid_from").to_pylist()[0].isoformat() == "2024-02-29"


def test_date_times_inside_nested_lists_are_parsed_too() -> None:
    """A date-time in purchase_items[].additional_properties[] is a zoned timestamp."""
    nested = [{"price": 1.0, "additional_properties": [{"last_change": "2024-01-01 12:00:00"}]}]
    built = BatchBuilder("getPurchases", ZONE).build([_purchase(0, purchase_items=nested)])
    row = built.records.to_pylist()[0]
    stamp = row["purchase_items"][0]["additional_properties"][0]["last_change"]
    assert stamp == datetime(2024, 1, 1, 11, 0, tzinfo=UTC)


def test_fields_the_spec_does_not_declare_go_to_extra_under_their_json_path() -> None:
    """A newer server's fields, at any depth, are kept in _extra and counted."""
    items = [
        _purchase(0, loyalty_tier="gold", purchase_items=[{"price": 1.0, "gift": True}]),
        _purchase(1),
    ]
    built = BatchBuilder("getPurchases", ZONE).build(items)
    rows = built.records.to_pylist()
    assert _extra(rows[0]) == {"loyalty_tier": "gold", "purchase_items[0].gift": True}
    assert rows[0]["purchase_items"][0]["price"] == 1.0
    assert _extra(rows[1]) is None
    assert (built.extra_fields, built.misfits) == (2, 0)


def test_a_value_that_does_not_fit_its_column_keeps_its_row_and_lands_in_extra() -> None:
    """Text for an integer, a fraction for an integer, true for a number, an unreadable
    date-time, a wrong nested value: each column is null, the original is in _extra."""
    items = [
        _purchase(0, items_count="12"),
        _purchase(1, items_count=2.5),
        _purchase(2, total_price=True),
        _purchase(3, payment_time="0000-00-00 00:00:00"),
        _purchase(4, purchase_items=[{"price": "cheap", "surprise": 1}]),
        _purchase(5, items_count=3.0),  # JSON has one number type: 3.0 is the integer 3
    ]
    built = BatchBuilder("getPurchases", ZONE).build(items)
    rows = built.records.to_pylist()
    assert [row["purchase_id"] for row in rows] == [f"p{i}" for i in range(6)]
    assert (rows[0]["items_count"], _extra(rows[0])) == (None, {"items_count": "12"})
    assert (rows[1]["items_count"], _extra(rows[1])) == (None, {"items_count": 2.5})
    assert (rows[2]["total_price"], _extra(rows[2])) == (None, {"total_price": True})
    assert rows[3]["payment_time"] is None
    assert _extra(rows[3]) == {"payment_time": "0000-00-00 00:00:00"}
    # the whole field as sent, not its parts twice
    assert rows[4]["purchase_items"] is None
    assert _extra(rows[4]) == {"purchase_items": [{"price": "cheap", "surprise": 1}]}
    assert (rows[5]["items_count"], _extra(rows[5])) == (3, None)
    assert rows[4]["total_price"] == 10.5  # the rest of the row is intact
    assert (built.misfits, built.extra_fields) == (5, 0)


def test_an_unreadable_nested_date_time_is_kept_under_its_json_path() -> None:
    """Bad text deep in a list is null in its column and kept in _extra at its path."""
    nested = [
        {"price": 1.0},
        {"price": 2.0, "additional_properties": [{}, {"last_change": "yesterday"}]},
    ]
    built = BatchBuilder("getPurchases", ZONE).build(
        [_purchase(0), _purchase(1, purchase_items=nested)]
    )
    rows = built.records.to_pylist()
    assert _extra(rows[1]) == {
        "purchase_items[1].additional_properties[1].last_change": "yesterday"
    }
    assert rows[1]["purchase_items"][1]["additional_properties"][1]["last_change"] is None
    assert built.misfits == 1


def test_an_item_that_is_not_an_object_still_has_its_row() -> None:
    """A stray string in the list is one row with every column null, kept whole in _extra."""
    built = BatchBuilder("getPurchases", ZONE).build([_purchase(0), "oops"])  # type: ignore[list-item]
    rows = built.records.to_pylist()
    assert len(rows) == 2
    assert _extra(rows[1]) == {"$": "oops"}


def test_values_the_spec_leaves_open_are_json_text() -> None:
    """A property value that may be any JSON is stored as its JSON text."""
    records = [{"property_value": {"size": "XL"}}, {"property_value": 7}, {"property_value": "x"}]
    built = BatchBuilder("getPurchases", ZONE).build([_purchase(0, property_records=records)])
    values = [r["property_value"] for r in built.records.to_pylist()[0]["property_records"]]
    assert values == ['{"size":"XL"}', "7", '"x"']


def test_the_items_handed_in_are_not_changed() -> None:
    """Building a batch never edits the caller's dicts."""
    items = [
        _purchase(0, extra_field=1, items_count="x", property_records=[{"property_value": [1]}])
    ]
    before = copy.deepcopy(items)
    BatchBuilder("getPurchases", ZONE).build(items)
    assert items == before


def test_an_empty_page_is_an_empty_batch_with_the_schema() -> None:
    """No items, no rows, same columns."""
    built = BatchBuilder("getPurchases", ZONE).build([])
    assert built.records.num_rows == 0
    assert built.records.schema == BatchBuilder("getPurchases", ZONE).schema


async def test_the_mock_routers_purchases_become_a_batch_without_models() -> None:
    """A raw page from the in-process mock converts with no misfits and zoned times."""
    from carecloud_openapi.api.purchases import get_purchases

    from carecloud_async.testing import MockRouter

    async with MockRouter().enterprise_client(project_timezone=ZONE) as client:
        builder = BatchBuilder(get_purchases, client.project_timezone)
        async for page in client.pages(get_purchases, raw=True):
            built = builder.build(page.items)
            assert built.records.num_rows == len(page.items) > 0
            assert built.misfits == 0
            assert built.records.schema.field("payment_time").type == pa.timestamp("us", tz=ZONE)
