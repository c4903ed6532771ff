"""Each item of a list answer as its JSON text, cut out of the page without decoding it.

``pages(..., raw="bytes")`` hands back every item as the bytes the server sent for
it, on one line: a dump to JSON Lines, a queue or an object store then keeps the
server's exact text (``12.50`` stays ``12.50``) and skips building Python objects it
would only encode again, which is most of what such a dump costs beyond the network.

msgspec does the cutting (``msgspec.Raw``): it checks the whole page is JSON while
it finds where each item starts and ends, and builds nothing for the items. orjson
and the standard library cannot hand back a value's span, and a scanner of our own
would be slower than decoding. It comes with the ``fast`` and ``cli`` extras; without
it ``raw="bytes"`` is refused before anything is sent.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from typing import Any

import httpx

from carecloud_async._errors import ConfigurationError
from carecloud_async._operations import Operation
from carecloud_async._reading import unreadable

__all__ = ["item_texts_reader", "item_texts_supported", "read_item_texts"]

PageReader = Callable[[bytes], tuple[list[bytes] | None, object] | None]
"""``(item texts, total_items)`` of a page body; None when it has no ``data`` object."""


def item_texts_supported() -> bool:
    """Whether ``raw="bytes"`` can be read here (msgspec is installed)."""
    return importlib.util.find_spec("msgspec") is not None


@functools.lru_cache(maxsize=64)
def item_texts_reader(list_field: str) -> PageReader:
    """The reader of ``{"data": {<list_field>: [...], "total_items": ...}}`` pages.

    Raises ``ConfigurationError`` when msgspec is not installed."""
    try:
        import msgspec  # deferred: an optional part (the fast and cli extras)
    except ImportError:
        raise ConfigurationError(
            "raw='bytes' needs msgspec: pip install 'carecloud-async[fast]'"
        ) from None
    data = msgspec.defstruct(
        "Data",
        [("items", list[msgspec.Raw] | None, None), ("total_items", Any, None)],
        rename={"items": list_field},
    )
    body = msgspec.defstruct("Body", [("data", data | None, None)])
    decode: Callable[[bytes], Any] = msgspec.json.Decoder(body).decode  # made-up Structs

    def read(content: bytes) -> tuple[list[bytes] | None, object] | None:
        page = decode(content)
        if page.data is None:
            return None
        items = page.data.items
        return (None if items is None else list(map(bytes, items))), page.data.total_items

    return read


def read_item_texts(
    response: httpx.Response, *, operation: Operation, display_path: str
) -> dict[str, object] | None:
    """The answer's ``data`` with its list's items as JSON texts (None without ``data``).

    The page is checked whole: JSON, UTF-8 (msgspec does not check the bytes of a value
    it only finds the ends of), a ``data`` object and a list where the list belongs.
    Each text is one line: a line break the server put between tokens becomes a space."""
    list_field = operation.list_field
    assert list_field is not None  # pages() refuses an operation without a list
    content = response.content
    try:
        if not content.isascii():
            content.decode("utf-8")
        read = item_texts_reader(list_field)(content)
    except ValueError as exc:  # msgspec's DecodeError and ValidationError, bad UTF-8
        raise unreadable(response, operation, display_path, exc) from exc
    if read is None:
        return None
    items, total = read
    if items and _has_line_break(content) and _has_line_break(b"".join(items)):
        # Valid JSON has line breaks only between tokens, where any whitespace will do:
        # each text on one line, ready for a line-framed sink, values untouched. (The
        # page's own line breaks, a trailing one say, are no reason to look at each item.)
        items = [text.replace(b"\r", b" ").replace(b"\n", b" ") for text in items]
    return {list_field: items, "total_items": total}


def _has_line_break(text: bytes) -> bool:
    return b"\n" in text or b"\r" in text
