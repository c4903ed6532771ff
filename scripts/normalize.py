"""Apply the named fixes to a copy of the pinned spec and write what the generator reads.

Usage: python -m scripts.normalize [--input PINNED] [--output NORMALIZED]
"""

from __future__ import annotations

import argparse
import copy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts._fixes import FIXES, Fix
from scripts._spec import (
    NORMALIZED_SPEC,
    PINNED_SPEC,
    Spec,
    dump_spec,
    load_spec,
    sha256_bytes,
)


@dataclass(frozen=True)
class FixReport:
    fix: Fix
    changes: list[str]

    @property
    def still_needed(self) -> bool:
        return bool(self.changes)


def normalize(spec: Spec, fixes: tuple[Fix, ...] = FIXES) -> tuple[Spec, list[FixReport]]:
    """Return a fixed deep copy of ``spec`` and what each fix changed; ``spec`` is untouched."""
    fixed = copy.deepcopy(spec)
    return fixed, [FixReport(fix, fix.apply(fixed)) for fix in fixes]


def format_summary(reports: list[FixReport]) -> str:
    lines = []
    for report in reports:
        if not report.still_needed:
            lines.append(f"  {report.fix.name}: no longer needed (upstream fixed it)")
            continue
        lines.append(f"  {report.fix.name}: {len(report.changes)} change(s) - {report.fix.reason}")
        lines.extend(f"      {change}" for change in report.changes[:8])
        if len(report.changes) > 8:
            lines.append(f"      ... and {len(report.changes) - 8} more")
    return "\n".join(lines)


def fix_matches(reports: list[FixReport]) -> dict[str, int]:
    """How many places each prose-reading fix matched: the reviewed counts the lock keeps."""
    return {r.fix.name: len(r.changes) for r in reports if r.fix.reads_prose}


def record_normalization(lock: dict[str, Any], normalized: bytes, reports: list[FixReport]) -> None:
    """Put the normalized spec's sha256 and the fixes' match counts into ``lock``."""
    lock["normalized"] = {"sha256": sha256_bytes(normalized)}
    lock["fix_matches"] = fix_matches(reports)


def _by_place(changes: list[str]) -> dict[str, str]:
    """``place: what`` lines of a prose-reading fix, keyed by place."""
    return {line.split(": ", 1)[0]: line for line in changes}


@dataclass(frozen=True)
class FixNews:
    """What a fix does differently on a new document than on the pinned one."""

    fix: Fix
    before: int
    after: int
    gained: list[str]
    lost: list[str]
    changed: list[tuple[str, str]]  # (line before, line after) for one place

    def lines(self) -> list[str]:
        """Markdown list items for the summary and the changelog."""
        name = f"`{self.fix.name}`"
        if self.before and not self.after:
            return [f"- {name} is no longer needed: the new document has nothing it changes"]
        if self.after and not self.before:
            head = f"- {name} is needed again: it changes {self.after} place(s)"
        elif self.after == self.before:
            head = f"- {name} matches {self.after} place(s) as before, but not the same ones"
        else:
            head = f"- {name} now matches {self.after} place(s), was {self.before}"
        if not self.fix.reads_prose:
            return [head]
        return [
            f"{head}; review:",
            *(f"  - now also: `{line}`" for line in self.gained),
            *(f"  - no longer: `{line}`" for line in self.lost),
            *(f"  - now reads: `{new}` (was `{old}`)" for old, new in self.changed),
        ]


def fix_news(before: list[FixReport], after: list[FixReport]) -> list[FixNews]:
    """Per fix, the places a new document adds, drops or reads differently.

    Prose-reading fixes are compared place by place; the others only when they
    become unneeded or needed again (their effects show in the API changelog).
    """
    old = {report.fix.name: report.changes for report in before}
    news = []
    for report in after:
        was = old.get(report.fix.name, [])
        if report.fix.reads_prose:
            then, now = _by_place(was), _by_place(report.changes)
            item = FixNews(
                report.fix,
                len(was),
                len(report.changes),
                gained=[now[p] for p in now if p not in then],
                lost=[then[p] for p in then if p not in now],
                changed=[(then[p], now[p]) for p in now if p in then and then[p] != now[p]],
            )
            if item.gained or item.lost or item.changed:
                news.append(item)
        elif bool(was) != bool(report.changes):
            news.append(FixNews(report.fix, len(was), len(report.changes), [], [], []))
    return news


def normalize_file(source: Path, target: Path) -> list[FixReport]:
    fixed, reports = normalize(load_spec(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(dump_spec(fixed))
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=PINNED_SPEC)
    parser.add_argument("--output", type=Path, default=NORMALIZED_SPEC)
    args = parser.parse_args(argv)
    reports = normalize_file(args.input, args.output)
    print(f"normalize: {args.input.name} -> {args.output}")
    print(format_summary(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
