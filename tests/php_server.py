"""A test server that reads query strings the way a PHP back end does, and says what it got.

PHP builds ``$_GET`` like this: a plain key repeated keeps only its last value;
``name[]`` appends to a list; ``name[key]`` sets a member of a map; dots and
spaces in the top-level name become underscores. A client that repeats a plain
key to send several values therefore loses all but the last one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import httpx

_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def _finish(node: Any) -> Any:
    """PHP arrays whose keys are 0..n-1 read as lists; the rest as maps."""
    if not isinstance(node, dict):
        return node
    done = {key: _finish(value) for key, value in node.items()}
    if done and list(done) == list(range(len(done))):
        return list(done.values())
    return done


def _append_key(node: dict[Any, Any]) -> int:
    numbers = [key for key in node if isinstance(key, int)]
    return max(numbers) + 1 if numbers else 0


def parse_php_query(query: str) -> dict[str, Any]:
    """``$_GET`` for a raw query string (values are strings, lists or maps)."""
    result: dict[Any, Any] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        raw_key, _, raw_value = pair.partition("=")
        key, value = unquote_plus(raw_key), unquote_plus(raw_value)
        first = key.find("[")
        base = key if first <= 0 else key[:first]
        parts: list[str] = []
        if first > 0:
            rest = key[first:]
            matches = list(_BRACKETS.finditer(rest))
            if matches and matches[0].start() == 0:
                parts = [m.group(1) for m in matches]
            else:
                base = key  # an unbalanced bracket is part of the name
        base = base.replace(".", "_").replace(" ", "_")
        if not parts:
            result[base] = value
            continue
        node = result
        path: list[Any] = [base, *parts]
        for index, part in enumerate(path):
            slot: Any = _append_key(node) if part == "" else part
            if index == len(path) - 1:
                node[slot] = value
                break
            child = node.get(slot)
            if not isinstance(child, dict):
                child = {}
                node[slot] = child
            node = child
    finished: dict[str, Any] = _finish(result) if result else {}
    return finished if isinstance(finished, dict) else {}


Responder = Callable[[httpx.Request, dict[str, Any]], httpx.Response]


def _no_content(request: httpx.Request, query: dict[str, Any]) -> httpx.Response:
    return httpx.Response(204, headers={"x-understood-query": json.dumps(query)})


@dataclass
class PhpQueryServer:
    """An in-process server (an httpx transport): parses every query with PHP's rules.

    ``understood`` holds ``$_GET`` per request and ``bodies`` the decoded JSON
    bodies; each answer carries ``$_GET`` in ``x-understood-query`` and, unless
    ``respond`` says otherwise, is a 204.
    """

    respond: Responder = _no_content
    understood: list[dict[str, Any]] = field(default_factory=list)
    bodies: list[Any] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = parse_php_query(request.url.query.decode("ascii"))
        self.understood.append(query)
        self.paths.append(request.url.path)
        self.bodies.append(json.loads(request.content) if request.content else None)
        return self.respond(request, query)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)
