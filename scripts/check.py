"""Fail if ``generated/`` or the lock drifted from what the pinned spec produces.

Usage: python -m scripts.check

Checks that the pinned file still has the sha256 in the lock, that the lock's
provenance (commit, date, sha256) is a row of the upstream provenance table,
that the normalized spec still has its locked sha256, and that a fresh
generation into a scratch tree is byte-identical to ``generated/``, which holds
nothing else. Prints a readable summary of any difference; CI runs it.
"""

from __future__ import annotations

import difflib
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from scripts._spec import (
    BUILD_DIR,
    GENERATED_DIR,
    LOCK_FILE,
    PACKAGE_NAME,
    PINNED_SPEC,
    read_lock,
    sha256_bytes,
    sha256_file,
)
from scripts.generate import GenerationError, build_package
from scripts.normalize import FixReport, fix_matches
from scripts.pin import UPSTREAM_README, provenance_table


@dataclass
class TreeDiff:
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    changed: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.changed)


def _files(root: Path) -> dict[str, Path]:
    return {
        str(path.relative_to(root)): path
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def compare_trees(expected: Path, actual: Path, context_lines: int = 2) -> TreeDiff:
    """What differs between the tree generation produced and the committed one."""
    want, have = _files(expected), _files(actual)
    diff = TreeDiff(
        missing=sorted(set(want) - set(have)),
        unexpected=sorted(set(have) - set(want)),
    )
    for name in sorted(set(want) & set(have)):
        expected_bytes, actual_bytes = want[name].read_bytes(), have[name].read_bytes()
        if expected_bytes != actual_bytes:
            lines = difflib.unified_diff(
                expected_bytes.decode("utf-8", "replace").splitlines(),
                actual_bytes.decode("utf-8", "replace").splitlines(),
                f"regenerated/{name}",
                f"committed/{name}",
                n=context_lines,
                lineterm="",
            )
            diff.changed[name] = "\n".join(list(lines)[:40])
    return diff


def lock_problems(pinned: Path, lock_file: Path, normalized: bytes | None = None) -> list[str]:
    """Mismatches between the lock and the files it describes."""
    lock = read_lock(lock_file)
    problems = []
    if sha256_file(pinned) != lock["pinned"]["sha256"]:
        problems.append(
            f"{pinned.name} does not match the sha256 in {lock_file.name}: "
            "pin upstream documents with `make pin SPEC=...`, never edit the pinned file"
        )
    if normalized is not None and sha256_bytes(normalized) != lock["normalized"]["sha256"]:
        problems.append(
            "the normalized spec changed (fixes or pinned file): run `make generate` and commit"
        )
    return problems


def fix_match_problems(lock_file: Path, reports: list[FixReport]) -> list[str]:
    """Each prose-reading fix whose match count differs from the one reviewed into the lock."""
    recorded = read_lock(lock_file).get("fix_matches")
    if recorded is None:
        return [
            f"{lock_file.name} records no fix match counts: run `make generate`, "
            "review what it prints, commit"
        ]
    return [
        f"fix {name} matches {found} place(s) of the pinned spec, {lock_file.name} records "
        f"{recorded.get(name)}: run `make generate`, review the places it prints, commit"
        for name, found in fix_matches(reports).items()
        if recorded.get(name) != found
    ]


def provenance_problems(lock_file: Path, readme: Path = UPSTREAM_README) -> list[str]:
    """The lock's commit, date and sha256 must be one row of the provenance table."""
    rows = provenance_table(readme)
    if not rows:
        return [f"no provenance table found in {readme}: cannot verify the lock's provenance"]
    lock = read_lock(lock_file)
    upstream, digest = lock.get("upstream", {}), lock.get("pinned", {}).get("sha256")
    claimed = (upstream.get("commit"), upstream.get("commit_date"), digest)
    if any((row.commit, row.commit_date, row.sha256) == claimed for row in rows):
        return []
    row = next((r for r in rows if r.sha256 == digest), None)
    expected = f"; the table gives commit {row.commit} of {row.commit_date}" if row else ""
    return [
        f"{lock_file.name} claims commit {claimed[0]} of {claimed[1]} for sha256 "
        f"{str(digest)[:12]}..., which is not a row of the provenance table in "
        f"{readme.parent.name}/{readme.name}{expected}: pin with `make pin SPEC=...`"
    ]


def stray_files(generated_dir: Path) -> list[str]:
    """Anything in ``generated/`` besides the package generation writes."""
    return (
        sorted(
            path.name
            for path in generated_dir.iterdir()
            if path.name != PACKAGE_NAME and path.name != "__pycache__"
        )
        if generated_dir.is_dir()
        else []
    )


def format_tree_diff(diff: TreeDiff, limit: int = 10) -> str:
    out = []
    for label, names in (
        ("missing from generated/", diff.missing),
        ("not generated", diff.unexpected),
    ):
        for name in names[:limit]:
            out.append(f"  {label}: {name}")
    for name, text in list(diff.changed.items())[:limit]:
        out.append(f"  changed: {name}\n" + "\n".join(f"    {line}" for line in text.splitlines()))
    total = len(diff.missing) + len(diff.unexpected) + len(diff.changed)
    if total > 3 * limit:
        out.append(f"  ... {total} files differ in all")
    return "\n".join(out)


def check(
    pinned: Path = PINNED_SPEC, generated_dir: Path = GENERATED_DIR, lock_file: Path = LOCK_FILE
) -> list[str]:
    """Every problem found, as readable paragraphs; empty when all is in sync."""
    problems = lock_problems(pinned, lock_file)
    if problems:
        return problems
    problems += provenance_problems(lock_file)
    stray = stray_files(generated_dir)
    if stray:
        problems.append(
            f"generated/ holds files generation does not write: {', '.join(stray)} "
            "(only generated/" + PACKAGE_NAME + " belongs there)"
        )
    BUILD_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BUILD_DIR, prefix="check-") as scratch:
        try:
            package_dir, normalized, reports = build_package(pinned, Path(scratch))
        except GenerationError as exc:
            return [*problems, str(exc)]
        problems += lock_problems(pinned, lock_file, normalized)
        problems += fix_match_problems(lock_file, reports)
        diff = compare_trees(package_dir, generated_dir / PACKAGE_NAME)
        if diff:
            problems.append(
                f"generated/{PACKAGE_NAME} differs from what `make generate` produces "
                "(generated code is never edited by hand):\n" + format_tree_diff(diff)
            )
    return problems


def main() -> int:
    problems = check()
    if problems:
        print("check: FAILED", file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print("check: pinned spec, lock and generated/ are in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
