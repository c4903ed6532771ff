"""`make check` trusts the lock only when the upstream provenance table confirms it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts._spec import GENERATED_DIR, LOCK_FILE, PACKAGE_NAME, PINNED_SPEC
from scripts.check import check, provenance_problems, stray_files


def _forged(tmp_path: Path, **upstream: str) -> Path:
    lock = json.loads(LOCK_FILE.read_text())
    lock["upstream"].update(upstream)
    forged = tmp_path / "spec.lock.json"
    forged.write_text(json.dumps(lock))
    return forged


def test_the_committed_lock_matches_the_provenance_table() -> None:
    assert provenance_problems(LOCK_FILE) == []


@pytest.mark.parametrize(
    "upstream",
    [{"commit": "0" * 40}, {"commit_date": "2026-09-01"}],
    ids=["forged-commit", "forged-date"],
)
def test_a_forged_commit_or_date_is_a_problem(tmp_path: Path, upstream: dict[str, str]) -> None:
    """The pinned sha256 is in the table, but with another commit and date."""
    problems = provenance_problems(_forged(tmp_path, **upstream))
    assert len(problems) == 1
    assert "not a row of the provenance table" in problems[0]
    assert "the table gives commit ea7923aa768167c39acbb066fb9cc0f9dcb660c1" in problems[0]


def test_a_missing_table_is_a_problem(tmp_path: Path) -> None:
    assert "no provenance table found" in provenance_problems(LOCK_FILE, tmp_path / "README.md")[0]


def test_stray_files_in_generated_are_named(tmp_path: Path) -> None:
    (tmp_path / PACKAGE_NAME).mkdir()
    (tmp_path / "notes.py").write_text("x = 1\n")
    (tmp_path / "old_package").mkdir()
    assert stray_files(tmp_path) == ["notes.py", "old_package"]
    assert stray_files(GENERATED_DIR) == []


def test_check_fails_on_forged_provenance_and_stray_files(tmp_path: Path) -> None:
    """The whole check: both problems reported, the package itself still in sync."""
    generated = tmp_path / "generated"
    shutil.copytree(
        GENERATED_DIR / PACKAGE_NAME,
        generated / PACKAGE_NAME,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (generated / "stray.py").write_text("x = 1\n")
    problems = check(PINNED_SPEC, generated, _forged(tmp_path, commit="0" * 40))
    assert len(problems) == 2
    assert "not a row of the provenance table" in problems[0]
    assert "generated/ holds files generation does not write: stray.py" in problems[1]
