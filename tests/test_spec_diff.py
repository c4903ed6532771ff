"""The API diff on tiny specs and trees: each rule, breaking or compatible."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scripts.spec_diff import Change, diff_http, diff_python, render_markdown


def _spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.0.2", "paths": paths, "components": {"schemas": schemas or {}}}


def _get(params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"get": {"parameters": params or [], "responses": {"200": {"description": "OK"}}}}


def _kinds(changes: list[Change]) -> set[tuple[str, str, bool]]:
    return {(c.kind, c.location, c.breaking) for c in changes}


def test_removed_operations_break_and_added_ones_do_not() -> None:
    """An operation gone breaks its callers; a new one breaks nobody."""
    old = _spec({"/a": _get(), "/b": _get()})
    new = _spec({"/a": _get(), "/c": _get()})
    assert _kinds(diff_http(old, new)) == {
        ("operation removed", "GET /b", True),
        ("operation added", "GET /c", False),
    }


def test_parameter_rules() -> None:
    """New required or newly required parameters break; new optional ones do not."""
    q = lambda name, required=False: {"name": name, "in": "query", "required": required}  # noqa: E731
    old = _spec({"/a": _get([q("gone"), q("opt"), q("req", True)])})
    new = _spec({"/a": _get([q("opt", True), q("req"), q("new_opt"), q("new_req", True)])})
    assert _kinds(diff_http(old, new)) == {
        ("parameter removed", "GET /a query gone", True),
        ("parameter now required", "GET /a query opt", True),
        ("parameter now optional", "GET /a query req", False),
        ("parameter added", "GET /a query new_opt", False),
        ("required parameter added", "GET /a query new_req", True),
    }


def test_schema_property_rules_including_a_rename_and_enum_values() -> None:
    """Removed, renamed-looking, retyped properties and removed enum values break."""
    old = _spec(
        {},
        {
            "Purchase": {
                "properties": {
                    "purchase_property_records": {"type": "array", "items": {"type": "string"}},
                    "total": {"type": "number"},
                    "state": {"type": "integer", "enum": [0, 1, 2]},
                    "gone": {"type": "string"},
                }
            }
        },
    )
    new = _spec(
        {},
        {
            "Purchase": {
                "properties": {
                    "property_records": {"type": "array", "items": {"type": "string"}},
                    "total": {"type": "string"},
                    "state": {"type": "integer", "enum": [1, 2, 3]},
                    "note": {"type": "string"},
                }
            }
        },
    )
    assert _kinds(diff_http(old, new)) == {
        ("property renamed (looks like)", "Purchase.purchase_property_records", True),
        ("property type changed", "Purchase.total", True),
        ("enum value removed", "Purchase.state", True),
        ("enum value added", "Purchase.state", False),
        ("property removed", "Purchase.gone", True),
        ("property added", "Purchase.note", False),
    }


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_python_diff_reads_functions_and_model_attributes_without_importing(tmp_path: Path) -> None:
    """Endpoint signatures and model attributes are compared from source."""
    old = _write(
        tmp_path / "old",
        {
            "api/things/get_thing.py": "def _get_kwargs(*, thing_id: str): ...\n",
            "api/things/get_gone.py": "def _get_kwargs(): ...\n",
            "models/thing.py": "class Thing:\n    name: str\n    old_field: int | None = None\n",
            "typed/enterprise/things.py": (
                "class Things:\n"
                "    async def get_thing(self, *, thing_id: str, mode: str | None = None): ...\n"
                "    async def get_gone(self): ...\n"
            ),
        },
    )
    new = _write(
        tmp_path / "new",
        {
            "api/things/get_thing.py": ("def _get_kwargs(*, thing_id: str, mode: str): ...\n"),
            "models/thing.py": "class Thing:\n    name: str\n    new_field: int | None = None\n",
            "typed/enterprise/things.py": (
                "class Things:\n"
                "    async def get_thing(self, *, thing_id: str, mode: str): ...\n"
                "    async def get_new(self): ...\n"
            ),
        },
    )
    assert _kinds(diff_python(old, new, "pkg")) == {
        ("endpoint function removed", "pkg.api.things.get_gone", True),
        ("required parameter added", "pkg.api.things.get_thing.mode", True),
        ("attribute removed", "Thing.old_field", True),
        ("attribute added", "Thing.new_field", False),
        ("client method removed", "EnterpriseClient.things.get_gone", True),
        ("client method added", "EnterpriseClient.things.get_new", False),
        ("parameter type changed", "EnterpriseClient.things.get_thing.mode", True),
    }


def test_markdown_marks_breaking_entries_and_counts_them() -> None:
    """The rendered changelog has both parts, with counts."""
    text = render_markdown(
        "v1 -> v2",
        [Change("HTTP", True, "operation removed", "GET /b")],
        [Change("Python", False, "model added", "pkg.models.X")],
    )
    assert "#### HTTP API (1 breaking, 0 compatible)" in text
    assert "- **breaking** operation removed: `GET /b`" in text
    assert "- compatible model added: `pkg.models.X`" in text
