"""Request bodies from plain dictionaries: what a generated request builder takes as ``body``.

A plain-dict body has been checked against the operation's schema by
``_param_checks.check_body`` (the one schema walker, client mode) and had its
date-time fields formatted by ``_wire`` before it gets here, so it is sent as
it is. It is not read through the generated model: a model's strict reading
demands the fields the schema marks ``required`` and ``readOnly``, which only
the server can fill in (``store_id`` of a new store, ``task_id`` of a comment),
and its ``to_dict`` would send them as ``null``.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from functools import lru_cache
from types import ModuleType
from typing import Any

from carecloud_async._operations import endpoint_types

__all__ = ["PlainBody", "body_model_of", "build_body"]


class PlainBody:
    """A checked plain-dict body, in the shape generated request builders read (``to_dict``)."""

    __slots__ = ("fields", "model")

    def __init__(self, model: type, fields: Mapping[str, Any]) -> None:
        self.model = model
        """The request model the operation declares (for names in messages)."""
        self.fields = fields

    def to_dict(self) -> dict[str, Any]:
        """The JSON object to send (a shallow copy: nested values are shared, never changed)."""
        return dict(self.fields)

    def __repr__(self) -> str:
        # Field values may be personal data: name the fields only.
        return f"PlainBody({self.model.__name__}, fields={sorted(self.fields)})"


def build_body(model: Any, fields: Mapping[str, Any]) -> PlainBody:
    """The body to hand to the endpoint's request builder for already checked ``fields``."""
    return PlainBody(model, fields)


@lru_cache(maxsize=512)
def body_model_of(module: ModuleType) -> Any | None:
    """The request model class an endpoint's ``body`` takes, or None if it has no body."""
    annotation = endpoint_types(module).get("body")
    if annotation is None:
        return None
    for candidate in typing.get_args(annotation) or (annotation,):
        if hasattr(candidate, "from_dict"):
            return candidate
    return None
