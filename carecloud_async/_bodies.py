"""Request bodies from plain dictionaries, with errors that name the missing field."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from functools import lru_cache
from types import ModuleType
from typing import Any

from carecloud_async._errors import ConfigurationError

__all__ = ["body_model_of", "build_body"]


def build_body(model: Any, fields: Mapping[str, Any]) -> Any:
    """A generated request model from plain fields; a missing or mistyped field is named."""
    from carecloud_openapi.types import SchemaDeviationError, reading

    try:
        with reading(strict=True):
            return model.from_dict(dict(fields))
    except SchemaDeviationError as exc:
        deviation = exc.deviation
        if deviation.kind == "missing":
            name = deviation.path.rsplit(".", 1)[-1]
            where = "" if deviation.path == f"$.{name}" else f" (at {deviation.path})"
            message = f"required field {name!r} is missing{where}"
        else:
            message = str(deviation)
        raise ConfigurationError(f"{model.__name__}: {message}") from None
    except KeyError as exc:
        raise ConfigurationError(
            f"{model.__name__}: required field {exc.args[0]!r} is missing"
        ) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigurationError(f"{model.__name__}: {exc}") from None


@lru_cache(maxsize=512)
def body_model_of(module: ModuleType) -> Any | None:
    """The request model class an endpoint's ``body`` takes, or None if it has no body."""
    hints = typing.get_type_hints(module._get_kwargs)
    annotation = hints.get("body")
    if annotation is None:
        return None
    for candidate in typing.get_args(annotation) or (annotation,):
        if hasattr(candidate, "from_dict"):
            return candidate
    return None
