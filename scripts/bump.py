"""Move to a new upstream spec in one step, with an API changelog: `make bump SPEC=path`.

Everything that can fail (validation, normalization, generation) runs first in
a scratch folder; only then are the pinned file, the lock, ``generated/`` and
CHANGELOG.md replaced. If any of those writes fails, all of them are put back.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts._spec import (
    BUILD_DIR,
    PACKAGE_NAME,
    SpecError,
    dump_lock,
    load_spec,
    parse_spec,
    sha256_bytes,
    write_text_atomic,
)
from scripts.generate import GenerationError, _swap_in, build_package
from scripts.normalize import FixReport, format_summary
from scripts.pin import Provenance, build_lock, provenance_from_readme, validate_openapi
from scripts.spec_diff import diff_http, diff_python, render_markdown

UNRELEASED = "## [Unreleased]"


@dataclass(frozen=True)
class Layout:
    """Where the files a bump touches live (a repository root, or a copy of one in tests)."""

    root: Path

    @property
    def pinned(self) -> Path:
        return self.root / "openapi" / "carecloud-openapi.yaml"

    @property
    def lock(self) -> Path:
        return self.root / "openapi" / "spec.lock.json"

    @property
    def package(self) -> Path:
        return self.root / "generated" / PACKAGE_NAME

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"


@dataclass(frozen=True)
class BumpResult:
    changelog: str
    reports: list[FixReport]


def prepend_to_unreleased(changelog: str, entry: str) -> str:
    """Put ``entry`` first under the Unreleased heading (adding the heading if missing)."""
    if UNRELEASED not in changelog:
        head, _, rest = changelog.partition("\n## ")
        rest = f"## {rest}" if rest else ""
        return f"{head.rstrip()}\n\n{UNRELEASED}\n\n{entry}\n{rest}"
    before, _, after = changelog.partition(UNRELEASED)
    return f"{before}{UNRELEASED}\n\n{entry}\n{after.lstrip(chr(10))}"


def _backup(paths: list[Path], into: Path) -> dict[Path, Path]:
    saved = {}
    into.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(paths):
        if path.exists():
            copy = into / f"{index}-{path.name}"
            (shutil.copytree if path.is_dir() else shutil.copy2)(path, copy)
            saved[path] = copy
    return saved


def _restore(saved: dict[Path, Path]) -> None:
    for original, copy in saved.items():
        if original.is_dir():
            shutil.rmtree(original)
        elif original.exists():
            original.unlink()
        (shutil.copytree if copy.is_dir() else shutil.copy2)(copy, original)


def bump(source: Path, layout: Layout, provenance: Provenance | None = None) -> BumpResult:
    """Pin ``source``, regenerate, and record the API changelog; all or nothing."""
    raw = source.read_bytes()
    new_spec = parse_spec(raw, str(source))
    validate_openapi(new_spec, str(source))
    provenance = provenance or provenance_from_readme(source, sha256_bytes(raw))
    old_spec = load_spec(layout.pinned)
    BUILD_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BUILD_DIR, prefix="bump-") as scratch:
        work = Path(scratch)
        staged_spec = work / "incoming.yaml"
        staged_spec.write_bytes(raw)
        new_package, normalized, reports = build_package(staged_spec, work)
        entry = render_markdown(
            f"{provenance.commit_date} ({provenance.commit[:7]})",
            diff_http(old_spec, new_spec),
            diff_python(layout.package, new_package),
        )
        lock = build_lock(raw, new_spec, provenance)
        lock["normalized"] = {"sha256": sha256_bytes(normalized)}
        changelog = (
            layout.changelog.read_text(encoding="utf-8")
            if layout.changelog.exists()
            else "# Changelog\n"
        )
        saved = _backup(
            [layout.pinned, layout.lock, layout.package, layout.changelog], work / "backup"
        )
        try:
            write_text_atomic(layout.pinned, raw)
            write_text_atomic(layout.lock, dump_lock(lock))
            _swap_in(new_package, layout.package)
            write_text_atomic(
                layout.changelog, prepend_to_unreleased(changelog, entry).encode("utf-8")
            )
        except BaseException:
            _restore(saved)
            raise
    return BumpResult(entry, reports)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, nargs="?")
    parser.add_argument("--commit")
    parser.add_argument("--date")
    args = parser.parse_args(argv)
    if args.spec is None:
        parser.error("name the new document: make bump SPEC=path/to/openapi.yaml")
    provenance = Provenance(args.commit, args.date) if args.commit and args.date else None
    root = Path(__file__).resolve().parent.parent
    try:
        result = bump(args.spec, Layout(root), provenance)
    except (SpecError, GenerationError, OSError) as exc:
        print(f"bump: FAILED, nothing changed\n{exc}", file=sys.stderr)
        return 1
    print("bump: normalization")
    print(format_summary(result.reports))
    print()
    print(result.changelog)
    print("bump: pinned, regenerated, CHANGELOG.md updated; review, run `make test`, commit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
