"""Move to a new upstream spec in one step, with an API changelog: `make bump SPEC=path`.

Everything that can fail (validation, provenance, normalization, generation,
then mypy and the tests of the hand-written code against the new package) runs
first in a scratch folder; only then are the pinned file, the lock,
``generated/`` and CHANGELOG.md replaced. If any of those writes fails, all of
them are put back. A break of the hand-written code refuses the bump unless
forced (``FORCE=1``), in which case the breaks are recorded in CHANGELOG.md.

A fix that matches other places in the new document is news, not a failure: the
places it now also or no longer matches are listed in the summary and in the
changelog for review, and the lock records the new counts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scripts._code_check import CHECKS, Break, check_code, stage_tree
from scripts._spec import (
    BUILD_DIR,
    PACKAGE_NAME,
    SpecError,
    dump_lock,
    load_spec,
    parse_spec,
    read_lock,
    sha256_bytes,
    write_text_atomic,
)
from scripts.generate import GenerationError, _swap_in, build_package
from scripts.normalize import (
    FixNews,
    FixReport,
    fix_news,
    format_summary,
    normalize,
)
from scripts.pin import (
    Provenance,
    build_lock,
    refuse_same_or_older,
    validate_openapi,
    verify_provenance,
)
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
    breaks: list[Break] = field(default_factory=list)
    news: list[FixNews] = field(default_factory=list)


class AlreadyPinned(SpecError):
    """The document is the one pinned: there is nothing to do (not a failure)."""


class BumpRefused(SpecError):
    """The hand-written code does not work with the new package; nothing was changed."""

    def __init__(self, breaks: list[Break]) -> None:
        self.breaks = breaks
        lines = "\n".join(b.line() for b in breaks[:50])
        more = f"\n... and {len(breaks) - 50} more" if len(breaks) > 50 else ""
        super().__init__(
            f"the hand-written code breaks with the new package ({len(breaks)} place(s)); "
            f"fix it first, or FORCE=1 to bump anyway and record the breaks:\n{lines}{more}"
        )


def breaks_section(breaks: list[Break]) -> str:
    """The CHANGELOG part listing what a forced bump broke."""
    lines = [f"#### Hand-written code broken by this bump ({len(breaks)})", ""]
    return "\n".join([*lines, *(b.line() for b in breaks), ""])


def fix_news_section(news: list[FixNews]) -> str:
    """The CHANGELOG part listing what the normalization fixes now match differently."""
    lines = ["#### Normalization fixes (review)", ""]
    return "\n".join([*lines, *(line for item in news for line in item.lines()), ""])


def _already_pinned(lock_path: Path, digest: str) -> bool:
    try:
        return bool(read_lock(lock_path)["pinned"]["sha256"] == digest)
    except (OSError, ValueError, KeyError, TypeError):
        return False  # no usable lock: refuse_same_or_older names the problem


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


def bump(
    source: Path,
    layout: Layout,
    provenance: Provenance | None = None,
    *,
    force: bool = False,
    checks: Sequence[str] = CHECKS,
    extra: Path | None = None,
) -> BumpResult:
    """Pin ``source``, regenerate, check the hand-written code, record the changelog.

    All or nothing: :class:`BumpRefused` (listing each break) leaves every file
    as it was unless ``force``. ``checks`` picks from ``("mypy", "tests")``;
    ``extra`` is a caller's own package, type-checked against the new tree.
    """
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise SpecError(f"{source}: cannot read ({exc.strerror})") from exc
    new_spec = parse_spec(raw, str(source))
    validate_openapi(new_spec, str(source))
    provenance = verify_provenance(source, sha256_bytes(raw), provenance)
    if not force:
        if _already_pinned(layout.lock, sha256_bytes(raw)):
            raise AlreadyPinned(f"{source} is the pinned document ({provenance.commit_date})")
        refuse_same_or_older(layout.lock, sha256_bytes(raw), provenance)
    old_spec = load_spec(layout.pinned)
    _, old_reports = normalize(old_spec)
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
        news = fix_news(old_reports, reports)
        if news:
            entry = f"{entry.rstrip()}\n\n{fix_news_section(news)}"
        lock = build_lock(raw, provenance, normalized, reports)
        tree = stage_tree(
            layout.root, new_package, raw, dump_lock(lock), work / "check", layout.pinned.name
        )
        breaks = check_code(layout.root, tree, checks, extra)
        if breaks and not force:
            raise BumpRefused(breaks)
        if breaks:
            entry = f"{entry.rstrip()}\n\n{breaks_section(breaks)}"
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
    return BumpResult(entry, reports, breaks, news)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, nargs="?")
    parser.add_argument("--commit")
    parser.add_argument("--date")
    parser.add_argument("--force", action="store_true", help="bump despite breaks or a downgrade")
    parser.add_argument("--check", type=Path, help="also type-check this package of yours")
    args = parser.parse_args(argv)
    if args.spec is None:
        parser.error("name the new document: make bump SPEC=path/to/openapi.yaml")
    if bool(args.commit) != bool(args.date):
        parser.error("COMMIT and DATE go together")
    if args.check is not None and not args.check.exists():
        parser.error(f"CHECK={args.check}: no such file or folder")
    provenance = Provenance(args.commit, args.date) if args.commit and args.date else None
    root = Path(__file__).resolve().parent.parent
    try:
        result = bump(args.spec, Layout(root), provenance, force=args.force, extra=args.check)
    except AlreadyPinned as exc:
        print(f"bump: nothing to do: {exc}")
        return 0
    except BumpRefused as exc:
        print(f"bump: REFUSED, nothing changed: {exc}", file=sys.stderr)
        return 3
    except (SpecError, GenerationError, OSError) as exc:
        print(f"bump: FAILED, nothing changed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # malformed input the checks above did not foresee
        print(f"bump: FAILED, nothing changed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print("bump: normalization")
    print(format_summary(result.reports))
    if result.news:
        print("bump: the fixes match differently in the new document (also in CHANGELOG.md):")
        print("\n".join(line for item in result.news for line in item.lines()))
    print()
    print(result.changelog)
    if result.breaks:
        print(f"bump: FORCED despite {len(result.breaks)} break(s), recorded in CHANGELOG.md")
    print("bump: pinned, regenerated, CHANGELOG.md updated; review, run `make test`, commit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
