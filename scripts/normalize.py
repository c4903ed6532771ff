"""Apply the named fixes to a copy of the pinned spec and write what the generator reads.

Usage: python -m scripts.normalize [--input PINNED] [--output NORMALIZED]
"""

from __future__ import annotations

import argparse
import copy
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts._fixes import FIXES, Fix
from scripts._spec import NORMALIZED_SPEC, PINNED_SPEC, Spec, dump_spec, load_spec


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
