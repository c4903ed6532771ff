"""The public surface: a complete, sorted __all__ whose every name resolves."""

from __future__ import annotations

import inspect

import pytest

import carecloud_async
from carecloud_async import _errors


def _isort_key(name: str) -> tuple[int, str]:
    """The order ruff keeps __all__ in: CONSTANTS, then Classes, then functions."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def test_all_is_sorted_and_every_name_resolves() -> None:
    """Lazy exports must never hide a name that fails to import."""
    assert carecloud_async.__all__ == sorted(carecloud_async.__all__, key=_isort_key)
    for name in carecloud_async.__all__:
        assert getattr(carecloud_async, name) is not None, name


def test_all_lists_exactly_the_lazy_exports() -> None:
    """__all__ and the lazy table cannot drift apart."""
    assert set(carecloud_async.__all__) == set(carecloud_async._EXPORTS) | {"__version__"}


def test_every_error_class_is_exported() -> None:
    """Callers can catch every error the SDK raises by its public name."""
    errors = {
        name
        for name, value in inspect.getmembers(_errors, inspect.isclass)
        if issubclass(value, carecloud_async.CareCloudError) and not name.startswith("_")
    }
    assert errors <= set(carecloud_async.__all__)


def test_unknown_names_raise_attribute_error() -> None:
    """A typo is an AttributeError naming the attribute."""
    with pytest.raises(AttributeError, match="NoSuchThing"):
        _ = carecloud_async.NoSuchThing
