"""Pin an upstream OpenAPI document: copy it byte for byte and record its provenance.

Usage: python -m scripts.pin SPEC [--commit SHA] [--date YYYY-MM-DD]

Without --commit/--date the provenance is read from the table in a README.md
beside SPEC (the layout of ../shared/upstream). Generation is a separate step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts._spec import (
    LOCK_FILE,
    PINNED_SPEC,
    ROOT,
    Spec,
    SpecError,
    dump_lock,
    dump_spec,
    iter_operations,
    parse_spec,
    read_lock,
    sha256_bytes,
    write_text_atomic,
)
from scripts.normalize import FixReport, normalize, record_normalization

UPSTREAM_REPOSITORY = "crmcarecloud/api-spec"
UPSTREAM_PATH = "_build/openapi.yaml"
UPSTREAM_README = ROOT.parent / "shared" / "upstream" / "README.md"
"""The provenance table of the upstream documents (file, commit, commit date, sha256)."""


@dataclass(frozen=True)
class Provenance:
    commit: str
    commit_date: str


@dataclass(frozen=True)
class TableRow:
    """One row of a provenance table: which upstream commit a document came from."""

    file: str
    commit: str
    commit_date: str
    sha256: str


def provenance_table(readme: Path) -> list[TableRow]:
    """The rows of the markdown table in ``readme`` that carry a commit, a date and a sha256."""
    if not readme.exists():
        return []
    rows = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        commit = next((c for c in cells if re.fullmatch(r"[0-9a-f]{40}", c)), None)
        date = next((c for c in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c)), None)
        digest = next((c for c in cells if re.fullmatch(r"[0-9a-f]{64}", c)), None)
        if commit and date and digest:
            rows.append(TableRow(cells[0], commit, date, digest))
    return rows


def check_provenance_format(provenance: Provenance) -> None:
    """A full 40-hex commit and a real YYYY-MM-DD date, or a one-line error."""
    if not re.fullmatch(r"[0-9a-f]{40}", provenance.commit):
        raise SpecError(f"COMMIT must be a full 40-hex commit sha, got {provenance.commit!r}")
    try:
        dt.date.fromisoformat(provenance.commit_date)
    except ValueError:
        raise SpecError(
            f"DATE must be the commit date as YYYY-MM-DD, got {provenance.commit_date!r}"
        ) from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", provenance.commit_date):
        raise SpecError(f"DATE must be YYYY-MM-DD, got {provenance.commit_date!r}")


def verify_provenance(
    source: Path, digest: str, given: Provenance | None, readme: Path | None = None
) -> Provenance:
    """The provenance of ``source``, checked against the table in the README beside it.

    A document listed in the table must match its row (sha256, commit and date);
    a commit listed in the table must come with that row's document; a document
    beside a table that does not list it is refused. Without a table, the given
    commit and date are taken as they are.
    """
    rows = provenance_table(readme or source.parent / "README.md")
    if given is not None:
        check_provenance_format(given)
    by_digest = [row for row in rows if row.sha256 == digest]
    if by_digest:
        row = by_digest[0]
        if given is not None and (given.commit, given.commit_date) != (row.commit, row.commit_date):
            raise SpecError(
                f"{source}: the provenance table lists this document (sha256 {digest[:12]}...) "
                f"as commit {row.commit} of {row.commit_date}, not {given.commit} of "
                f"{given.commit_date}"
            )
        return Provenance(row.commit, row.commit_date)
    if given is not None:
        for row in rows:
            if row.commit == given.commit:
                raise SpecError(
                    f"{source}: sha256 {digest[:12]}... is not the document of commit "
                    f"{given.commit} in the provenance table ({row.sha256[:12]}..., {row.file})"
                )
    named = [row for row in rows if row.file == source.name]
    if named:
        raise SpecError(
            f"{source}: sha256 {digest[:12]}... does not match the provenance table "
            f"({named[0].sha256[:12]}...): the file was changed after it was published"
        )
    if rows:
        raise SpecError(
            f"{source}: not in the provenance table beside it (sha256 {digest[:12]}...); "
            "add its row (file, commit, date, sha256) first"
        )
    if given is None:
        raise SpecError(
            f"{source}: provenance unknown; pass --commit and --date "
            f"(or put a README.md row for {source.name} beside it)"
        )
    return given


def refuse_same_or_older(lock_path: Path, digest: str, provenance: Provenance) -> None:
    """Refuse the document already pinned, or one older than it (FORCE=1 overrides)."""
    if not lock_path.exists():
        return
    try:
        lock = read_lock(lock_path)
        pinned_digest = lock["pinned"]["sha256"]
        pinned_date = lock["upstream"]["commit_date"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SpecError(f"{lock_path.name}: unreadable lock ({exc!r}); pin with FORCE=1") from exc
    if digest == pinned_digest:
        raise SpecError(
            f"already pinned: the document is identical (sha256 {digest[:12]}...); FORCE=1 to redo"
        )
    if provenance.commit_date < pinned_date:
        raise SpecError(
            f"downgrade refused: {provenance.commit_date} is older than the pinned "
            f"{pinned_date}; FORCE=1 to pin it anyway"
        )


def validate_operations(spec: Spec, source: str) -> None:
    """Every operation needs a unique operationId: it names the generated function."""
    missing, seen, duplicate = [], set(), []
    for path, method, operation in iter_operations(spec):
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            missing.append(f"{method.upper()} {path}")
        elif operation_id in seen:
            duplicate.append(operation_id)
        else:
            seen.add(operation_id)
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise SpecError(f"{source}: operation without operationId: {missing[0]}{more}")
    if duplicate:
        raise SpecError(f"{source}: operationId used twice: {duplicate[0]}")


def validate_openapi(spec: Spec, source: str) -> None:
    """Refuse anything that is not an OpenAPI 3.x document the generator can read."""
    version = spec.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = "no 'openapi' field" if version is None else f"openapi: {version!r}"
        if "swagger" in spec:
            found = f"a Swagger {spec['swagger']} document"
        raise SpecError(f"{source}: not an OpenAPI 3.x document ({found})")
    from openapi_python_client.schema import OpenAPI
    from pydantic import ValidationError

    try:
        OpenAPI.model_validate(spec)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(part) for part in first["loc"])
        raise SpecError(
            f"{source}: invalid OpenAPI {version} "
            f"({exc.error_count()} error(s); first at {where}: {first['msg']})"
        ) from exc
    validate_operations(spec, source)


def provenance_from_readme(spec_path: Path, digest: str) -> Provenance:
    """Find the row for this document in the provenance table beside it."""
    return verify_provenance(spec_path, digest, None)


def build_lock(
    raw: bytes, provenance: Provenance, normalized: bytes, reports: list[FixReport]
) -> dict[str, Any]:
    """The lock of ``raw``: where it came from, its sha256, and what normalization made of it."""
    lock: dict[str, Any] = {
        "upstream": {
            "repository": UPSTREAM_REPOSITORY,
            "path": UPSTREAM_PATH,
            "commit": provenance.commit,
            "commit_date": provenance.commit_date,
        },
        "pinned": {"file": PINNED_SPEC.name, "sha256": sha256_bytes(raw)},
    }
    record_normalization(lock, normalized, reports)
    return lock


def pin(
    source: Path,
    provenance: Provenance | None = None,
    pinned_path: Path = PINNED_SPEC,
    lock_path: Path = LOCK_FILE,
    force: bool = False,
) -> dict[str, Any]:
    """Validate ``source``, copy it to ``pinned_path`` and write the lock; return the lock."""
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise SpecError(f"{source}: cannot read ({exc.strerror})") from exc
    spec = parse_spec(raw, str(source))
    validate_openapi(spec, str(source))
    provenance = verify_provenance(source, sha256_bytes(raw), provenance)
    if not force:
        refuse_same_or_older(lock_path, sha256_bytes(raw), provenance)
    fixed, reports = normalize(spec)
    lock = build_lock(raw, provenance, dump_spec(fixed), reports)
    write_text_atomic(pinned_path, raw)
    write_text_atomic(lock_path, dump_lock(lock))
    return lock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, nargs="?", help="the upstream OpenAPI document")
    parser.add_argument("--commit", help="upstream commit the document was taken from")
    parser.add_argument("--date", help="that commit's date, YYYY-MM-DD")
    parser.add_argument("--force", action="store_true", help="pin an older or identical document")
    args = parser.parse_args(argv)
    if args.spec is None:
        parser.error("name the document to pin: make pin SPEC=path/to/openapi.yaml")
    if bool(args.commit) != bool(args.date):
        parser.error("--commit and --date go together")
    provenance = Provenance(args.commit, args.date) if args.commit else None
    try:
        lock = pin(args.spec, provenance, force=args.force)
    except SpecError as exc:
        print(f"pin: refused: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # malformed input the checks above did not foresee
        print(f"pin: refused: {args.spec}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(f"pin: {args.spec} -> {PINNED_SPEC.relative_to(PINNED_SPEC.parent.parent)}")
    print(f"     upstream {lock['upstream']['commit']} ({lock['upstream']['commit_date']})")
    print(f"     sha256 {lock['pinned']['sha256']}")
    print("     run `make generate` to regenerate the package")
    return 0


if __name__ == "__main__":
    sys.exit(main())
