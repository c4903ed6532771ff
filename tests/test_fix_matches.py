"""What a new document changes in the fixes' matches: news to review, never a failure."""

from __future__ import annotations

import json
from pathlib import Path

from scripts._fixes import FIXES, Fix
from scripts.check import fix_match_problems
from scripts.normalize import FixReport, fix_matches, fix_news

PROSE = Fix("read-prose", "reads the text", lambda spec: [], reads_prose=True)
STRUCTURAL = Fix("structural", "fills a gap", lambda spec: [])


def test_places_gained_lost_and_read_differently_are_named() -> None:
    """Compared place by place: new places, gone places, and a place whose result changed."""
    before = [FixReport(PROSE, ["A.x: date", "B.y: datetime", "C: 0=OFF, 1=ON"])]
    after = [FixReport(PROSE, ["A.x: date", "C: 0=OFF, 1=ACTIVE", "D.z: date", "E: date"])]
    (news,) = fix_news(before, after)
    assert news.lines() == [
        "- `read-prose` now matches 4 place(s), was 3; review:",
        "  - now also: `D.z: date`",
        "  - now also: `E: date`",
        "  - no longer: `B.y: datetime`",
        "  - now reads: `C: 0=OFF, 1=ACTIVE` (was `C: 0=OFF, 1=ON`)",
    ]


def test_a_fix_with_nothing_left_to_do_is_reported_as_no_longer_needed() -> None:
    """Both kinds of fix say so when the new document no longer needs them."""
    news = fix_news(
        [FixReport(PROSE, ["A.x: date"]), FixReport(STRUCTURAL, ["one"])],
        [FixReport(PROSE, []), FixReport(STRUCTURAL, [])],
    )
    assert [line for item in news for line in item.lines()] == [
        "- `read-prose` is no longer needed: the new document has nothing it changes",
        "- `structural` is no longer needed: the new document has nothing it changes",
    ]


def test_unchanged_matches_and_structural_counts_are_not_news() -> None:
    """Same places: nothing to review; a structural fix changing more is in the API changelog."""
    before = [FixReport(PROSE, ["A.x: date"]), FixReport(STRUCTURAL, ["one"])]
    after = [FixReport(PROSE, ["A.x: date"]), FixReport(STRUCTURAL, ["one", "two"])]
    assert fix_news(before, after) == []


def test_the_lock_keeps_counts_of_the_prose_reading_fixes_only() -> None:
    """Those are the counts a reviewer signs off; structural fixes are not counted."""
    reports = [FixReport(PROSE, ["a: 1", "b: 2"]), FixReport(STRUCTURAL, ["one"])]
    assert fix_matches(reports) == {"read-prose": 2}
    assert {f.name for f in FIXES if f.reads_prose} == {
        "declare-documented-array-filters",
        "mark-project-datetimes",
        "name-described-enum-values",
    }


def test_check_names_a_fix_whose_count_differs_from_the_lock(tmp_path: Path) -> None:
    """`make check` says which fix drifted, and how to review it."""
    lock = tmp_path / "spec.lock.json"
    lock.write_text(json.dumps({"fix_matches": {"read-prose": 3}}))
    problems = fix_match_problems(lock, [FixReport(PROSE, ["a: 1", "b: 2"])])
    assert problems == [
        "fix read-prose matches 2 place(s) of the pinned spec, spec.lock.json records 3: "
        "run `make generate`, review the places it prints, commit"
    ]
    lock.write_text("{}")
    assert "records no fix match counts" in fix_match_problems(lock, [])[0]
