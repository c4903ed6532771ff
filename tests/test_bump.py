"""`make bump` from the 2026-03-21 document to 2026-08-19, in a scratch copy of the repo."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from scripts import _fixes as fixes
from scripts._spec import LOCK_FILE, SpecError, read_lock
from scripts.bump import BumpResult, Layout, bump, prepend_to_unreleased
from scripts.generate import GenerationError, generate
from scripts.pin import pin
from tests.test_generate_and_check import WARNING_SPEC

UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream"
OLD = UPSTREAM / "carecloud-openapi-2026-03-21.yaml"
NEW = UPSTREAM / "carecloud-openapi-2026-08-19.yaml"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bumped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Layout, BumpResult]:
    """A repo copy pinned at 2026-03-21, then bumped to 2026-08-19."""
    layout = Layout(tmp_path_factory.mktemp("repo"))
    layout.pinned.parent.mkdir(parents=True)
    layout.changelog.write_text("# Changelog\n\n## [Unreleased]\n\n### Added\n- Something.\n")
    with pytest.MonkeyPatch.context() as patch:
        # the number of documented array filters reviewed when 2026-03-21 was pinned
        patch.setattr(fixes, "DOCUMENTED_ARRAY_FILTERS", 7)
        # and of integer enums whose values the text describes
        patch.setattr(fixes, "NAMED_INT_ENUMS", 81)
        pin(OLD, pinned_path=layout.pinned, lock_path=layout.lock)
        generate(layout.pinned, layout.package.parent, layout.lock)
    return layout, bump(NEW, layout)


def test_the_bump_pins_the_new_document_and_regenerates(bumped: tuple[Layout, BumpResult]) -> None:
    """Byte-identical pin, lock with the new provenance, and a package from the new spec."""
    layout, _ = bumped
    assert layout.pinned.read_bytes() == NEW.read_bytes()
    lock = read_lock(layout.lock)
    assert lock["upstream"]["commit"] == "ea7923aa768167c39acbb066fb9cc0f9dcb660c1"
    assert lock["normalized"] == read_lock(LOCK_FILE)["normalized"]
    assert (layout.package / "api" / "audiences").is_dir()
    assert not (layout.package / "api" / "target_groups").exists()


def test_the_changelog_flags_breaking_http_changes(bumped: tuple[Layout, BumpResult]) -> None:
    """Removed operations and the Purchase property rename are breaking."""
    text = bumped[1].changelog
    assert "- **breaking** operation removed: `GET /target-groups`" in text
    assert "- **breaking** operation removed: `GET /target-groups/{target_group_id}`" in text
    assert (
        "- **breaking** property renamed (looks like): `Purchase.purchase_property_records` "
        "(now `property_records`)" in text
    )


def test_the_changelog_lists_compatible_http_additions(bumped: tuple[Layout, BumpResult]) -> None:
    """The three new operations and Credit.note are compatible."""
    text = bumped[1].changelog
    for operation in (
        "GET /audiences",
        "GET /audiences/{audience_id}",
        "GET /customers/{customer_id}/referrals",
    ):
        assert f"- compatible operation added: `{operation}`" in text
    assert "- compatible property added: `Credit.note`" in text


def test_the_changelog_names_the_affected_python_functions_and_attributes(
    bumped: tuple[Layout, BumpResult],
) -> None:
    """Python users see which functions and attributes appear or disappear."""
    text = bumped[1].changelog
    assert "- **breaking** endpoint function removed: `carecloud_openapi.api.target_groups." in text
    assert "- **breaking** attribute removed: `Purchase.purchase_property_records`" in text
    assert "- compatible attribute added: `Purchase.property_records`" in text
    assert "- compatible attribute added: `Credit.note`" in text
    assert "- compatible endpoint function added: `carecloud_openapi.api.audiences." in text


def test_the_changelog_lands_first_under_unreleased(bumped: tuple[Layout, BumpResult]) -> None:
    """CHANGELOG.md keeps its history; the entry is the first thing under Unreleased."""
    changelog = bumped[0].changelog.read_text()
    head = changelog.split("## [Unreleased]", 1)[1].lstrip()
    assert head.startswith("### API changes: 2026-08-19 (ea7923a)")
    assert "- Something." in changelog


def test_prepend_adds_the_unreleased_heading_when_missing() -> None:
    """A changelog without an Unreleased section gets one on top of older releases."""
    text = prepend_to_unreleased("# Changelog\n\n## [0.1.0]\n- old\n", "ENTRY\n")
    assert text.index("## [Unreleased]") < text.index("ENTRY") < text.index("## [0.1.0]")


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("content", "error"),
    [(WARNING_SPEC, GenerationError), (b"swagger: '2.0'\n", SpecError)],
    ids=["generator-warning", "not-openapi-3"],
)
def test_a_failed_bump_changes_nothing(
    tmp_path: Path, content: bytes, error: type[Exception]
) -> None:
    """Pinned file, lock, generated package and changelog stay exactly as they were."""
    layout = Layout(tmp_path / "repo")
    shutil.copytree(ROOT / "openapi", layout.root / "openapi")
    shutil.copytree(
        ROOT / "generated", layout.root / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "CHANGELOG.md", layout.changelog)
    before = _tree_hashes(layout.root)
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(content)
    with pytest.raises(error):
        bump(broken, layout, provenance=None if error is SpecError else _provenance())
    assert _tree_hashes(layout.root) == before


def _provenance():  # type: ignore[no-untyped-def]
    from scripts.pin import Provenance

    return Provenance("f" * 40, "2027-01-01")


def test_the_bump_reports_fixes_the_new_document_no_longer_needs(
    bumped: tuple[Layout, BumpResult],
) -> None:
    """2026-03-21 needed add-missing-array-items; 2026-08-19 does not, and the summary says so."""
    unneeded = [r.fix.name for r in bumped[1].reports if not r.still_needed]
    assert unneeded == ["add-missing-array-items"]
