"""A loopback HTTP server holding one large store collection, for CLI tests and benchmarks.

``GET /stores`` pages through ``size`` generated stores by ``count``/``offset``;
``GET /stores/{id}`` returns one; ``POST /stores`` echoes the body it got.
Knobs: ``fail_from`` answers 400 from that offset on (a run that dies mid-way);
``gate_at`` holds requests at or past that offset until ``release()`` and sets
``gate_reached`` (to interrupt a run at a known point); ``routes`` adds answers;
``invalid`` holds indexes of stores sent with a number where the schema wants a name;
``indent`` pretty-prints the answers; a route may answer ``bytes``, sent as they are.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "fake-collection-token"
PREFIX = "/api"


def store(index: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "store_id": f"s{index:06d}",
        "store_code": f"C{index}",
        "name": f"Store {index}",
        "partner_id": "p1",
        "system_id": "1",
        "store_address": {"address1": f"Street {index}", "city": "Prague", "zip": "11000"},
    }
    if index % 3 == 0:
        item["contact_email"] = f"store{index}@example.com"
    return item


class FakeCollection:
    def __init__(self, size: int) -> None:
        self.size = size
        self.fail_from: int | None = None
        self.invalid: set[int] = set()
        self.indent: int | None = None
        self.gate_at: int | None = None
        self.gate_reached = threading.Event()
        self._gate = threading.Event()
        self.requests: list[tuple[str, str, dict[str, list[str]], Any]] = []
        self.routes: dict[
            tuple[str, str], Callable[[dict[str, list[str]], Any], tuple[int, Any]]
        ] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    def __enter__(self) -> FakeCollection:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def release(self) -> None:
        self._gate.set()

    def answer(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        self.requests.append((method, path, query, body))
        if (method, path) in self.routes:
            return self.routes[(method, path)](query, body)
        if method == "GET" and path == "/stores":
            count = int(query.get("count", ["100"])[0])
            offset = int(query.get("offset", ["0"])[0])
            if self.gate_at is not None and offset >= self.gate_at:
                self.gate_reached.set()
                self._gate.wait(30)
            if self.fail_from is not None and offset >= self.fail_from:
                return 400, {"error": {"message": "refused on purpose", "code": "bad"}}
            items = [store(i) for i in range(offset, min(offset + count, self.size))]
            for item in items:
                if int(item["store_id"][1:]) in self.invalid:
                    item["name"] = 404

            return 200, {"data": {"stores": items, "total_items": self.size}}
        if method == "GET" and path.startswith("/stores/"):
            index = int(path.rsplit("/s", 1)[1])
            if index >= self.size:
                return 404, {"error": {"message": "no such store", "code": "not_found"}}
            return 200, {"data": store(index)}
        if method == "POST" and path == "/stores":
            return 201, {"data": {"store_id": "s999999"}}
        return 404, {"error": {"message": f"no route {method} {path}"}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.headers.get("authorization") != f"Bearer {TOKEN}":
                    status, payload = 401, {"error": {"message": "no token"}}
                else:
                    status, payload = fake.answer(
                        self.command,
                        url.path.removeprefix(PREFIX),
                        parse_qs(url.query),
                        json.loads(raw) if raw else None,
                    )
                if isinstance(payload, bytes):
                    data = payload
                else:
                    data = json.dumps(payload, indent=fake.indent).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return Handler
