"""Every public helper says what it takes and returns: no ``Any``, no missing annotation.

Run ``python -m tests.test_helper_signatures`` to list and count the signatures checked.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Iterator
from types import FunctionType

import pytest

import carecloud_async.helpers as helpers
from carecloud_async._operations import ModelNames


def _members(cls: type) -> Iterator[tuple[str, Callable[..., object]]]:
    for name, value in vars(cls).items():
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(value, property) and value.fget is not None:
            yield f"{cls.__name__}.{name}", value.fget
        elif isinstance(value, FunctionType) and not (
            name == "__init__" and dataclasses.is_dataclass(cls)
        ):
            yield f"{cls.__name__}.{name}", value


def public_signatures() -> dict[str, object]:
    """Every public helper function, method, property and dataclass, by qualified name."""
    found: dict[str, object] = {}
    for name in helpers.__all__:
        value = getattr(helpers, name)
        if inspect.isfunction(value):
            found[name] = value
        elif inspect.isclass(value):
            if dataclasses.is_dataclass(value):
                found[name] = value
            found.update(_members(value))
    return found


def _hints(obj: object) -> dict[str, object]:
    return typing.get_type_hints(obj, localns=ModelNames())


def _anys(hint: object) -> bool:
    if hint is typing.Any or isinstance(hint, typing.ForwardRef | str):
        return True
    return any(_anys(argument) for argument in typing.get_args(hint))


def _problems(name: str, obj: object) -> list[str]:
    hints = _hints(obj)
    problems = [f"{name}: {key} is {hint}" for key, hint in hints.items() if _anys(hint)]
    if inspect.isfunction(obj):
        parameters = list(inspect.signature(obj).parameters)
        unannotated = [p for p in parameters if p not in hints and p not in ("self", "cls")]
        problems += [f"{name}: {p} has no annotation" for p in unannotated]
        if "return" not in hints:
            problems.append(f"{name}: no return annotation")
    return problems


SIGNATURES = public_signatures()


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_a_public_helper_signature_has_no_any(name: str) -> None:
    """Its parameters, result (or fields) are precise types, resolvable at run time."""
    assert _problems(name, SIGNATURES[name]) == []


def test_every_helper_module_export_is_inspected() -> None:
    """The list covers the functions, Checkout's methods and the result dataclasses."""
    assert "Checkout.send_purchase" in SIGNATURES
    assert "Checkout.reconcile" in SIGNATURES
    assert "RecordedPurchase" in SIGNATURES
    assert "sync_products" in SIGNATURES
    assert len(SIGNATURES) >= 35


def test_the_checker_catches_an_any() -> None:
    """A signature with Any, or with a missing annotation, is reported."""

    def loose(value: typing.Any, other) -> list[typing.Any]:  # type: ignore[no-untyped-def]
        return [value, other]

    assert _problems("loose", loose) == [
        "loose: value is typing.Any",
        "loose: return is list[typing.Any]",
        "loose: other has no annotation",
    ]


if __name__ == "__main__":
    loose = {name for name in SIGNATURES if _problems(name, SIGNATURES[name])}
    for qualified in sorted(SIGNATURES):
        print(("ANY  " if qualified in loose else "ok   ") + qualified)
    print(f"{len(SIGNATURES)} public helper signatures, {len(loose)} with Any")
