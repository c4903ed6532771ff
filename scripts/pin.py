"""Pin an upstream OpenAPI document: copy it byte for byte and record its provenance.

Usage: python -m scripts.pin SPEC [--commit SHA] [--date YYYY-MM-DD]

Without --commit/--date the provenance is read from the table in a README.md
beside SPEC (the layout of ../shared/upstream). Generation is a separate step.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts._spec import (
    LOCK_FILE,
    PINNED_SPEC,
    Spec,
    SpecError,
    dump_lock,
    dump_spec,
    parse_spec,
    sha256_bytes,
    write_text_atomic,
)
from scripts.normalize import normalize

UPSTREAM_REPOSITORY = "crmcarecloud/api-spec"
UPSTREAM_PATH = "_build/openapi.yaml"


@dataclass(frozen=True)
class Provenance:
    commit: str
    commit_date: str


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


def provenance_from_readme(spec_path: Path, digest: str) -> Provenance:
    """Find the row naming this file (or its sha256) in a README table beside it."""
    readme = spec_path.parent / "README.md"
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) >= 3 and (cells[0] == spec_path.name or digest in cells):
                commit = next((c for c in cells if re.fullmatch(r"[0-9a-f]{40}", c)), None)
                date = next((c for c in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c)), None)
                if commit and date:
                    return Provenance(commit, date)
    raise SpecError(
        f"{spec_path}: provenance unknown; pass --commit and --date "
        f"(or put a README.md row for {spec_path.name} beside it)"
    )


def build_lock(raw: bytes, spec: Spec, provenance: Provenance) -> dict[str, Any]:
    fixed, _ = normalize(spec)
    return {
        "upstream": {
            "repository": UPSTREAM_REPOSITORY,
            "path": UPSTREAM_PATH,
            "commit": provenance.commit,
            "commit_date": provenance.commit_date,
        },
        "pinned": {"file": PINNED_SPEC.name, "sha256": sha256_bytes(raw)},
        "normalized": {"sha256": sha256_bytes(dump_spec(fixed))},
    }


def pin(
    source: Path,
    provenance: Provenance | None = None,
    pinned_path: Path = PINNED_SPEC,
    lock_path: Path = LOCK_FILE,
) -> dict[str, Any]:
    """Validate ``source``, copy it to ``pinned_path`` and write the lock; return the lock."""
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise SpecError(f"{source}: cannot read ({exc.strerror})") from exc
    spec = parse_spec(raw, str(source))
    validate_openapi(spec, str(source))
    provenance = provenance or provenance_from_readme(source, sha256_bytes(raw))
    lock = build_lock(raw, spec, provenance)
    write_text_atomic(pinned_path, raw)
    write_text_atomic(lock_path, dump_lock(lock))
    return lock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, nargs="?", help="the upstream OpenAPI document")
    parser.add_argument("--commit", help="upstream commit the document was taken from")
    parser.add_argument("--date", help="that commit's date, YYYY-MM-DD")
    args = parser.parse_args(argv)
    if args.spec is None:
        parser.error("name the document to pin: make pin SPEC=path/to/openapi.yaml")
    if bool(args.commit) != bool(args.date):
        parser.error("--commit and --date go together")
    provenance = Provenance(args.commit, args.date) if args.commit else None
    try:
        lock = pin(args.spec, provenance)
    except SpecError as exc:
        print(f"pin: refused: {exc}", file=sys.stderr)
        return 2
    print(f"pin: {args.spec} -> {PINNED_SPEC.relative_to(PINNED_SPEC.parent.parent)}")
    print(f"     upstream {lock['upstream']['commit']} ({lock['upstream']['commit_date']})")
    print(f"     sha256 {lock['pinned']['sha256']}")
    print("     run `make generate` to regenerate the package")
    return 0


if __name__ == "__main__":
    sys.exit(main())
