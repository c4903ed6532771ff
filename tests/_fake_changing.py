"""Purchases and point records that change between runs, served by ``FakeCollection``.

``GET /purchases`` and ``GET /points`` honour ``sort_field``/``sort_direction``
on any field, ``payment_time_from`` / ``create_point_time_from`` and
``count``/``offset``, as CareCloud documents them. The data only changes when
the test says so (``add``, ``change``), each change stamped by a clock the test
moves (``tick``). ``fail_after_pages`` answers 400 once that many pages of a walk
have been served: a run that dies part-way.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from tests._fake_collection import FakeCollection

START = datetime(2026, 3, 1, 8, 0, 0)
TEXT = "%Y-%m-%d %H:%M:%S"


class ChangingData:
    """The records of one fake project; attach with ``serve(fake)``."""

    def __init__(self, purchases: int = 0, points: int = 0) -> None:
        self.now = START
        self.purchases: dict[str, dict[str, Any]] = {}
        self.points: dict[str, dict[str, Any]] = {}
        self.fail_after_pages: int | None = None
        self.pages_served = 0
        self.queries: list[dict[str, list[str]]] = []
        self.base_url = ""
        """The fake server's, once ``serve`` attached the data to it."""
        self._lock = threading.Lock()
        self.add(purchases)
        self.add_points(points)

    def tick(self, seconds: float = 60) -> None:
        self.now += timedelta(seconds=seconds)

    def _stamp(self) -> str:
        self.tick(1)
        return self.now.strftime(TEXT)

    def add(self, count: int) -> list[str]:
        """New purchases, each paid and changed at the next second."""
        ids = []
        for _ in range(count):
            number = len(self.purchases)
            stamp = self._stamp()
            purchase_id = f"p{number:06d}"
            self.purchases[purchase_id] = {
                "purchase_id": purchase_id,
                "customer_id": f"c{number % 97}",
                "store_id": "s1",
                "external_purchase_id": f"x{number}",
                "payment_time": stamp,
                "items_count": 1,
                "type_id": "t1",
                "total_price": float(number),
                "currency_id": "CZK",
                "cashdesk_number": "1",
                "last_change": stamp,
            }
            ids.append(purchase_id)
        return ids

    def change(self, *purchase_ids: str) -> None:
        """Change purchases: a new total and a new ``last_change``."""
        for purchase_id in purchase_ids:
            record = self.purchases[purchase_id]
            record["total_price"] = float(record["total_price"]) + 1000
            record["last_change"] = self._stamp()

    def add_points(self, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            number = len(self.points)
            point_id = f"pt{number:06d}"
            self.points[point_id] = {
                "point_id": point_id,
                "customer_id": f"c{number % 97}",
                "point_type_id": "pt",
                "partner_id": "pa",
                "assigned_points": number,
                "created_at": self._stamp(),
            }
            ids.append(point_id)
        return ids

    def serve(self, fake: FakeCollection) -> None:
        self.base_url = fake.base_url
        fake.routes[("GET", "/purchases")] = lambda query, _body: self._list(
            query, self.purchases, "purchases", "payment_time"
        )
        fake.routes[("GET", "/points")] = lambda query, _body: self._list(
            query, self.points, "points", "created_at", low="create_point_time_from"
        )

    def _list(
        self,
        query: dict[str, list[str]],
        records: dict[str, dict[str, Any]],
        list_field: str,
        filtered: str,
        *,
        low: str | None = None,
    ) -> tuple[int, Any]:
        def one(name: str, default: str | None = None) -> str | None:
            return query.get(name, [default])[0]

        with self._lock:
            self.queries.append(query)
            if self.fail_after_pages is not None and self.pages_served >= self.fail_after_pages:
                return 400, {"error": {"message": "the fake fails on purpose", "code": "bad"}}
            self.pages_served += 1
            rows = list(records.values())
            since = one(low or f"{filtered}_from")
            if since is not None:
                start = since.replace("T", " ")
                rows = [row for row in rows if str(row[filtered]) >= start]
            field = one("sort_field")
            if field is not None:
                rows.sort(
                    key=lambda row: (str(row.get(field)), row[f"{list_field[:-1]}_id"]),
                    reverse=one("sort_direction", "ASC") == "DESC",
                )
            offset, count = int(one("offset", "0") or 0), int(one("count", "100") or 100)
            page = [dict(row) for row in rows[offset : offset + count]]
            return 200, {"data": {list_field: page, "total_items": len(rows)}}
