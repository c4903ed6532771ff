"""A bump that breaks the hand-written code is refused, or forced and recorded."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from scripts._code_check import failing_tests, stage_tree
from scripts._spec import load_spec
from scripts.bump import BumpRefused, Layout, bump
from scripts.pin import Provenance

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream"
CURRENT = UPSTREAM / "carecloud-openapi-2026-08-19.yaml"


def _repo_copy(root: Path) -> Layout:
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".pytest_cache")
    for name in ("carecloud_async", "examples", "openapi", "generated"):
        shutil.copytree(ROOT / name, root / name, ignore=ignore)
    for name in ("pyproject.toml", "CHANGELOG.md"):
        shutil.copy2(ROOT / name, root / name)
    return Layout(root)


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_a_bump_removing_an_operation_a_helper_uses_is_refused(tmp_path: Path) -> None:
    """Without POST /purchases/actions/send-purchase, Checkout no longer type-checks:
    refused with the broken references listed, files untouched; FORCE records the breaks."""
    layout = _repo_copy(tmp_path / "repo")
    spec = load_spec(CURRENT)
    del spec["paths"]["/purchases/actions/send-purchase"]
    incoming = tmp_path / "incoming" / "openapi.json"
    incoming.parent.mkdir()
    incoming.write_text(json.dumps(spec))
    provenance = Provenance("d" * 40, "2027-01-01")
    app = tmp_path / "pos_app"
    app.mkdir()
    (app / "till.py").write_text(
        "from carecloud_openapi.api.purchases import post_purchase_send\n\n"
        "SEND = post_purchase_send.asyncio_detailed\n"
    )
    before = _hashes(layout.root)

    with pytest.raises(BumpRefused) as refused:
        bump(incoming, layout, provenance, checks=("mypy",), extra=app)
    assert _hashes(layout.root) == before
    places = {(b.check, b.where.split(":")[0]) for b in refused.value.breaks}
    assert ("mypy", "carecloud_async/helpers/checkout.py") in places
    assert ("CHECK", str(app.resolve() / "till.py")) in places
    assert "post_purchase_send" in str(refused.value)

    result = bump(incoming, layout, provenance, force=True, checks=("mypy",), extra=app)
    changelog = layout.changelog.read_text()
    assert result.breaks == refused.value.breaks
    assert "#### Hand-written code broken by this bump" in changelog
    assert "- mypy: `carecloud_async/helpers/checkout.py:" in changelog
    assert layout.pinned.read_bytes() == incoming.read_bytes()


def test_failing_tests_of_the_staged_tree_are_breaks(tmp_path: Path) -> None:
    """Each failing test is one break, named by its id."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_x.py").write_text(
        "def test_ok():\n    pass\n\n\ndef test_broken():\n    assert 1 == 2, 'no'\n"
    )
    breaks = failing_tests(tmp_path)
    assert [(b.check, b.where) for b in breaks] == [("tests", "tests/test_x.py::test_broken")]


def test_the_staged_tree_is_a_complete_copy_with_the_new_package(tmp_path: Path) -> None:
    """README and every other file come along; build output stays; a virtualenv is linked."""
    root = tmp_path / "repo"
    for name in ("README.md", "docs/guide.md", "build/old.txt", "generated/carecloud_openapi/x.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    package = tmp_path / "new" / "carecloud_openapi"
    package.mkdir(parents=True)
    (package / "y.py").write_text("new")
    tree = stage_tree(root, package, b"pinned", b"{}", tmp_path / "stage", "spec.yaml")
    assert (tree / "README.md").read_text() == "README.md"
    assert (tree / "docs" / "guide.md").exists()
    assert not (tree / "build").exists()
    assert (tree / ".venv").is_symlink()
    assert [p.name for p in (tree / "generated" / "carecloud_openapi").iterdir()] == ["y.py"]
    assert (tree / "openapi" / "spec.yaml").read_bytes() == b"pinned"
