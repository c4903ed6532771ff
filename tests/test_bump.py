"""`make bump` from the 2026-03-21 document to 2026-08-19, in a scratch copy of the repo."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from scripts._spec import LOCK_FILE, SpecError, load_spec, read_lock
from scripts.bump import AlreadyPinned, BumpResult, Layout, bump, prepend_to_unreleased
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
    assert lock["fix_matches"] == read_lock(LOCK_FILE)["fix_matches"]
    assert (layout.package / "api" / "audiences").is_dir()
    assert not (layout.package / "api" / "target_groups").exists()


def test_the_changelog_flags_breaking_http_changes(bumped: tuple[Layout, BumpResult]) -> None:
    """Removed operations and the Purchase property rename are breaking."""
    text = bumped[1].changelog
    assert "- **breaking** operation removed: `GET /target-groups`" in text
    assert "- **breaking** operation removed: `GET /target-groups/{target_group_id}`" in text
    assert (
        "- **breaking** (response) property renamed (looks like): "
        "`Purchase.purchase_property_records` "
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
    assert "- compatible (response) property added: `Credit.note`" in text


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
    assert (
        "- `add-missing-array-items` is no longer needed: the new document has nothing it changes"
        in bumped[1].changelog
    )


def test_the_changelog_names_the_places_the_fixes_now_match_differently(
    bumped: tuple[Layout, BumpResult],
) -> None:
    """A fix matching more or other places is listed for review, place by place."""
    section = bumped[1].changelog.split("#### Normalization fixes (review)", 1)[1]
    for line in (
        "- `declare-documented-array-filters` now matches 8 place(s), was 7; review:",
        "  - now also: `parameters/external_application_text_id (query text_id): "
        "string -> array of strings`",
        "- `name-described-enum-values` now matches 82 place(s), was 81; review:",
        "  - now also: `Audience.state: 0=DELETED, 1=ACTIVE`",
        "- `mark-project-datetimes` matches 148 place(s) as before, but not the same ones; review:",
        "  - now also: `Referral.valid_to: datetime`",
        "  - no longer: `TargetGroup.created_at: datetime`",
    ):
        assert line in section.splitlines()
    assert [n.fix.name for n in bumped[1].news] == [
        "add-missing-array-items",
        "declare-documented-array-filters",
        "mark-project-datetimes",
        "name-described-enum-values",
    ]


def test_bumping_to_the_pinned_document_again_has_nothing_to_do(
    bumped: tuple[Layout, BumpResult],
) -> None:
    """The same document twice is not an error, and touches nothing."""
    layout = bumped[0]
    before = _tree_hashes(layout.root)
    with pytest.raises(AlreadyPinned, match="is the pinned document"):
        bump(NEW, layout)
    assert _tree_hashes(layout.root) == before


# ------------------------------------------- the changelog against a structural diff

_PROSE = {"description", "summary", "example", "examples", "title", "externalDocs", "tags"}
_LINE = re.compile(
    r"^- (?P<mark>\*\*breaking\*\*|compatible)(?: \((?P<side>request|response|both)\))? "
    r"(?P<kind>[^:]+): `(?P<location>[^`]+)`(?: \((?P<detail>.*)\))?$"
)
_SIDES = {"request": {"request"}, "response": {"response"}, "both": {"request", "response"}}


def _inline(spec: dict[str, Any], node: Any, side: str, stack: tuple[str, ...] = ()) -> Any:
    """``node`` with every $ref replaced by its target, prose dropped, and properties
    that do not travel in this direction (readOnly in requests, writeOnly in responses) left out."""
    if isinstance(node, list):
        return [_inline(spec, item, side, stack) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in stack:
            return {"cycle": ref}
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part]
        return _inline(spec, target, side, (*stack, ref))
    hidden = "readOnly" if side == "request" else "writeOnly"
    out = {}
    for key, value in node.items():
        if key in _PROSE or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, dict):
            value = {
                name: prop
                for name, prop in value.items()
                if not _inline(spec, prop, side, stack).get(hidden)
            }
        out[key] = _inline(spec, value, side, stack)
    return out


def _sides_of(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``METHOD /path`` -> {"request": ..., "response": ...}, fully inlined."""
    found = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            params = {}
            for raw in operation.get("parameters", []):
                param = _inline(spec, raw, "request")
                params[f"{param['in']} {param['name']}"] = param
            request = {
                "parameters": params,
                "body": _inline(spec, operation.get("requestBody"), "request"),
            }
            response = {"responses": _inline(spec, operation.get("responses"), "response")}
            found[f"{method.upper()} {path}"] = {"request": request, "response": response}
    return found


def _leaves(old: Any, new: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """(path, "added"/"removed"/"changed") of every difference, at the highest differing key."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in old.keys() | new.keys():
            if key not in old:
                found.append(((*path, key), "added"))
            elif key not in new:
                found.append(((*path, key), "removed"))
            else:
                found += _leaves(old[key], new[key], (*path, key))
        return found
    same_length = isinstance(old, list) and isinstance(new, list) and len(old) == len(new)
    if same_length and all(isinstance(x, dict) for x in old + new):
        return [leaf for a, b in zip(old, new, strict=True) for leaf in _leaves(a, b, path)]
    return [] if old == new else [(path, "changed")]


def _what(path: tuple[str, ...], how: str) -> tuple[str, str]:
    """(what changed, the name it is attached to) for a structural difference."""
    key = path[-1]
    names = [path[i + 1] for i, part in enumerate(path[:-1]) if part == "properties"]
    if path[-2:-1] == ("properties",):
        return "property", key
    if path[:1] == ("parameters",) and len(path) == 2:
        return "parameter", key.split(" ", 1)[1]
    owner = names[-1] if names else path[1].split(" ", 1)[1]
    if key == "items":
        return "type", owner
    return {"enum": "enum"}.get(key, key), owner


def _structural(old: dict[str, Any], new: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    before, after = _sides_of(old), _sides_of(new)
    found: dict[tuple[str, str], set[str]] = {}
    for operation in before.keys() ^ after.keys():
        found.setdefault(("operation", operation), set())
    for operation in before.keys() & after.keys():
        for side in ("request", "response"):
            for path, how in _leaves(before[operation][side], after[operation][side], ()):
                found.setdefault(_what(path, how), set()).add(side)
    return found


def _from_changelog(text: str) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    http = text.split("#### HTTP API", 1)[1].split("#### Python API", 1)[0]
    for line in http.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        kind, location, side = match["kind"], match["location"], match["side"]
        sides = _SIDES.get(side or "", set())
        if kind.startswith("operation "):
            found.setdefault(("operation", location), set())
            continue
        name = re.split(r"[ .]", re.sub(r"(\[\]|<[^>]*>)+$", "", location))[-1]
        what = {
            "property renamed (looks like)": "property",
            "required property added": "property",
            "property added": "property",
            "property removed": "property",
            "parameter added": "parameter",
            "enum value added": "enum",
            "enum value removed": "enum",
            "type narrowed": "type",
        }.get(kind, kind.split(" ")[0])
        found.setdefault((what, name), set()).update(sides)
        if kind == "property renamed (looks like)":
            new_name = (match["detail"] or "").removeprefix("now `").removesuffix("`")
            found.setdefault((what, new_name), set()).update(sides)
    return found


def test_the_changelog_lists_every_change_a_structural_diff_finds(
    bumped: tuple[Layout, BumpResult],
) -> None:
    """Each difference between the two documents, and the side it is reached from, is listed."""
    structural = _structural(load_spec(OLD), load_spec(NEW))
    listed = _from_changelog(bumped[1].changelog)
    assert len(structural) > 80
    assert listed == structural


def test_the_changelog_classifies_the_real_changes_by_direction(
    bumped: tuple[Layout, BumpResult],
) -> None:
    """maxItems on what a POS sends breaks; on what it receives does not; a new enum value
    a request may carry is compatible; a readOnly rename is a response-side break."""
    text = bumped[1].changelog
    for line in (
        "- **breaking** (request) maxItems added: `GET /customers query customer_ids` "
        "(None -> 1000)",
        "- compatible (response) maxItems added: `GET /agreements 200.data.agreements` "
        "(None -> 1000)",
        "- compatible (request) enum value added: "
        "`POST /customers/actions/validate-customer-data request.type` ('referral_code')",
        "- compatible (request) deprecated: `GET /customer-source-records query external_id`",
        "- compatible (request) parameter added: `GET /vouchers query include_service_vouchers`",
        "- compatible (request) property added: `POST /customers request.referral_code`",
        "- **breaking** (both) pattern changed: `PersonalInformation.email`",
    ):
        assert line in text
    assert "schema added" not in text
    assert "schema removed" not in text
    assert "API scope changed" not in text
    assert "list field changed" not in text
