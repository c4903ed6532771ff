"""A stateful fake of the Customer API's token lifecycle, in memory or on loopback.

It models what matters for device tokens: creating a token for a device id
invalidates that device's previous token (and ends any customer session on
it), a customer is attached to one token by login, and every refused token
gets a 401 whose error code says the token is the problem. Use ``transport()``
in unit tests or ``serve()`` for tests that run several processes.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

TOKEN_REFUSED = {
    "error": {
        "type": "about:blank",
        "exception": "token_invalid",
        "title": "Unauthorized",
        "detail": "The token is not valid",
    }
}
WRONG_PASSWORD = {
    "error": {
        "type": "about:blank",
        "exception": "bad_credentials",
        "title": "Unauthorized",
        "detail": "Wrong login or password",
    }
}
NOT_LOGGED_IN = {
    "error": {
        "type": "about:blank",
        "exception": "customer_not_logged_in",
        "title": "Forbidden",
        "detail": "No customer is logged in",
    }
}
_TOKEN_ACTION = re.compile(r"^/tokens/([^/]+)/actions/(login|logout)$")


@dataclass
class FakeCustomerAPI:
    """The server side: which token is current per device, and who is logged in on it."""

    customer_password: str = "right-password"
    current: dict[str, str] = field(default_factory=dict)
    """device id -> its only valid token."""
    customers: dict[str, str] = field(default_factory=dict)
    """token -> the customer id logged in on it."""
    issued: list[str] = field(default_factory=list)
    """Every token ever created, in order."""
    tokens_created: int = 0
    unauthorized: int = 0
    requests: int = 0
    _serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _valid(self, token: str) -> bool:
        return token in self.current.values()

    def invalidate(self, device_id: str) -> None:
        """End the device's token server-side, as an administrator or a timeout would."""
        with self._lock:
            token = self.current.pop(device_id, None)
            if token is not None:
                self.customers.pop(token, None)

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        """Status and JSON body (None for no body) for one request."""
        with self._lock:
            self.requests += 1
            status, payload = self._route(method, path, headers, body)
            if status == 401:
                self.unauthorized += 1
            return status, payload

    def _route(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        if method == "POST" and path == "/tokens":
            device_id = json.loads(body)["device"]["device_id"]
            old = self.current.get(device_id)
            if old is not None:
                self.customers.pop(old, None)
            token = f"devtok-{next(self._serial):04d}-{device_id}"
            self.current[device_id] = token
            self.issued.append(token)
            self.tokens_created += 1
            return 201, {"data": {"token_id": token}}
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        if not self._valid(bearer):
            return 401, TOKEN_REFUSED
        if action := _TOKEN_ACTION.match(path):
            token, verb = action.groups()
            if not self._valid(token):
                return 401, TOKEN_REFUSED
            if verb == "logout":
                self.customers.pop(token, None)
                return 204, None
            if json.loads(body).get("password") != self.customer_password:
                return 401, WRONG_PASSWORD
            self.customers[token] = "cust-1"
            return 200, {"data": {"customer_id": "cust-1"}}
        if path.startswith("/customers/"):
            if bearer not in self.customers:
                return 403, NOT_LOGGED_IN
            return 200, {"data": {"customer_id": self.customers[bearer]}}
        return 200, {"data": {"stores": [], "total_items": 0}}

    def handle(self, request: httpx.Request) -> httpx.Response:
        status, payload = self.answer(
            request.method, request.url.path, dict(request.headers), request.read()
        )
        return httpx.Response(status, json=payload) if payload is not None else httpx.Response(204)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve on a loopback port for the duration; yields the base URL."""
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _reply(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload = api.answer(self.command, self.path, headers, body)
                content = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = _reply

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
