"""A loopback CareCloud serving several projects, for partitioned reads (Spark, bench).

A real HTTP server on 127.0.0.1, because Spark's Python workers are other
processes. Each project lives under its own path (``base_url(name)``) and keeps
its own counters: ``logins`` (``POST /users/actions/login``), and the list
requests in flight at once, at most (``max_in_flight``). ``GET /purchases``
honours ``count``/``offset``, ``payment_time_from``/``_to`` (both ends included,
as the spec's example ``23:59:00`` reads) and ``sort_field``/``sort_direction``
on ``payment_time`` and ``last_change``; ``GET /stores`` has no time filter.
``revoke()`` makes every token issued so far answer 401; ``on_list`` is called
with (project, query, client port) before a list request is answered.
"""

from __future__ import annotations

import bisect
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests._fake_collection import store

LOGIN = "etl"
PASSWORD = "fake-password"
APPLICATION = "fake-application"
START = datetime(2025, 1, 6, 8, 0, 0)
STEP = timedelta(seconds=97)
TEXT = "%Y-%m-%d %H:%M:%S"
API = "/enterprise-interface/v1.0"

Query = dict[str, list[str]]


def purchase(project: str, index: int) -> dict[str, Any]:
    """Purchase ``index`` of ``project``: paid every 97 s from ``START``, changed 30 s later."""
    paid = START + STEP * index
    return {
        "purchase_id": f"{project}-{index:06d}",
        "customer_id": f"c{index % 89}",
        "store_id": f"s{index % 7}",
        "payment_time": paid.strftime(TEXT),
        "items_count": 1 + index % 3,
        "total_price": round(index * 1.25, 2),
        "currency_id": "CZK",
        "last_change": (paid + timedelta(seconds=30)).strftime(TEXT),
    }


class _Project:
    def __init__(self, name: str, purchases: int, stores: int) -> None:
        self.name = name
        self.purchases = [purchase(name, index) for index in range(purchases)]
        self.paid = [row["payment_time"] for row in self.purchases]  # ascending
        self.stores = stores
        self.tokens: set[str] = set()
        self.in_flight = 0
        self.max_in_flight = 0


class FakeProjects:
    """Start with ``with FakeProjects({"p1": 20_000, ...}) as fake``."""

    def __init__(self, purchases: dict[str, int], *, stores: int = 0) -> None:
        self.projects = {name: _Project(name, count, stores) for name, count in purchases.items()}
        self.logins: Counter[str] = Counter()
        self.list_requests: Counter[str] = Counter()
        self.delay = 0.0
        """Seconds each list answer waits, so that concurrent requests overlap."""
        self.on_list: Callable[[str, Query, int], None] | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def base_url(self, project: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/{project}{API}"

    def write_profiles(self, config_file: Path, zones: dict[str, str]) -> None:
        """A ``carecloud`` config file with a profile per project (its password file beside)."""
        password_file = config_file.with_name("password")
        password_file.write_text(PASSWORD)
        config_file.write_text(
            "".join(
                f'[profiles.{name}]\nbase_url = "{self.base_url(name)}"\n'
                f'login = "{LOGIN}"\nexternal_application_id = "{APPLICATION}"\n'
                f'password_file = "{password_file}"\nproject_timezone = "{zone}"\n'
                for name, zone in zones.items()
            )
        )

    def max_in_flight(self, project: str) -> int:
        return self.projects[project].max_in_flight

    def revoke(self) -> None:
        """Every token issued so far is refused from now on (401)."""
        with self._lock:
            for project in self.projects.values():
                project.tokens.clear()

    def __enter__(self) -> FakeProjects:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _login(self, project: _Project, body: Any) -> tuple[int, Any]:
        given = (
            body.get("login"),
            body.get("password"),
            body.get("user_external_application_id"),
        )
        if given != (LOGIN, PASSWORD, APPLICATION):
            return 401, {"error": {"message": "wrong credentials", "code": "unauthorized"}}
        with self._lock:
            self.logins[project.name] += 1
            token = f"{project.name}-token-{self.logins[project.name]}"
            project.tokens.add(token)
        valid_to = (datetime.now() + timedelta(days=1)).strftime(TEXT)
        return 200, {"data": {"bearer_token": token, "valid_to": valid_to}}

    def _list(self, project: _Project, path: str, query: Query, port: int) -> tuple[int, Any]:
        if self.on_list is not None:
            self.on_list(project.name, query, port)
        with self._lock:
            self.list_requests[project.name] += 1
            project.in_flight += 1
            project.max_in_flight = max(project.max_in_flight, project.in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            if path == "/stores":
                rows = [store(index) for index in range(project.stores)]
                return 200, _page("stores", rows, query)
            return 200, _page("purchases", _purchases(project, query), query)
        finally:
            with self._lock:
                project.in_flight -= 1

    def answer(
        self, method: str, path: str, query: Query, body: Any, token: str | None, port: int
    ) -> tuple[int, Any]:
        name, _, rest = path.lstrip("/").partition("/")
        project = self.projects.get(name)
        rest = "/" + rest
        if project is None or not rest.startswith(API):
            return 404, {"error": {"message": f"no route {method} {path}"}}
        rest = rest.removeprefix(API)
        if (method, rest) == ("POST", "/users/actions/login"):
            return self._login(project, body or {})
        with self._lock:
            known = token in project.tokens
        if not known:
            return 401, {"error": {"message": "token not valid", "code": "unauthorized"}}
        if method == "GET" and rest in ("/purchases", "/stores"):
            return self._list(project, rest, query, port)
        return 404, {"error": {"message": f"no route {method} {path}"}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                authorization = self.headers.get("authorization") or ""
                status, payload = fake.answer(
                    self.command,
                    url.path,
                    parse_qs(url.query),
                    json.loads(raw) if raw else None,
                    authorization.removeprefix("Bearer ") or None,
                    self.client_address[1],
                )
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return Handler


def _one(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[0].replace("T", " ") if values else None


def _purchases(project: _Project, query: Query) -> list[dict[str, Any]]:
    low, high = _one(query, "payment_time_from"), _one(query, "payment_time_to")
    start = 0 if low is None else bisect.bisect_left(project.paid, low)
    stop = len(project.paid) if high is None else bisect.bisect_right(project.paid, high)
    rows = project.purchases[start:stop]
    field = _one(query, "sort_field")
    if field is not None:
        descending = _one(query, "sort_direction") == "DESC"
        rows = sorted(rows, key=lambda row: (row[field], row["purchase_id"]), reverse=descending)
    return rows


def _page(list_field: str, rows: list[dict[str, Any]], query: Query) -> dict[str, Any]:
    offset = int(_one(query, "offset") or 0)
    count = int(_one(query, "count") or 100)
    return {"data": {list_field: rows[offset : offset + count], "total_items": len(rows)}}


def process_of_port(port: int) -> int | None:
    """The process holding the local TCP port ``port`` on 127.0.0.1 (Linux ``/proc``)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inode = fields[9]
                break
        if inode is not None:
            break
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) == target:
                    return int(entry.name)
        except OSError:
            continue
    return None
