"""Pin and bump trust only documents whose provenance the upstream table confirms."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts._spec import SpecError
from scripts.pin import Provenance, main, pin

UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream"
CURRENT = UPSTREAM / "carecloud-openapi-2026-08-19.yaml"
CURRENT_COMMIT = "ea7923aa768167c39acbb066fb9cc0f9dcb660c1"

MINIMAL = b"""openapi: 3.0.2
info: {title: t, version: '1'}
paths:
  /stores:
    get:
      operationId: getStores
      responses:
        '200': {description: OK}
"""


def _targets(tmp_path: Path) -> dict[str, Path]:
    return {"pinned_path": tmp_path / "pinned.yaml", "lock_path": tmp_path / "lock.json"}


@pytest.mark.parametrize(
    ("provenance", "message"),
    [
        (Provenance("1" * 40, "2026-08-19"), "lists this document .* as commit ea7923aa"),
        (Provenance(CURRENT_COMMIT, "2026-08-20"), "not ea7923aa.* of 2026-08-20"),
        (Provenance("ea7923a", "2026-08-19"), "COMMIT must be a full 40-hex commit sha"),
        (Provenance(CURRENT_COMMIT, "19.08.2026"), "DATE must be the commit date as YYYY-MM-DD"),
    ],
    ids=["made-up-commit", "wrong-date", "short-commit", "bad-date"],
)
def test_given_provenance_must_agree_with_the_table(
    tmp_path: Path, provenance: Provenance, message: str
) -> None:
    """COMMIT/DATE that contradict the provenance table are refused; nothing is written."""
    targets = _targets(tmp_path)
    with pytest.raises(SpecError, match=message):
        pin(CURRENT, provenance, **targets)
    assert not any(path.exists() for path in targets.values())


def test_a_document_changed_after_publication_is_refused(tmp_path: Path) -> None:
    """Same file name as a table row but another sha256: refused, naming both digests."""
    folder = tmp_path / "upstream"
    folder.mkdir()
    shutil.copy(UPSTREAM / "README.md", folder / "README.md")
    edited = folder / CURRENT.name
    edited.write_bytes(CURRENT.read_bytes() + b"\n# edited\n")
    with pytest.raises(SpecError, match="does not match the provenance table"):
        pin(edited, **_targets(tmp_path))
    with pytest.raises(SpecError, match="is not the document of commit ea7923aa"):
        pin(edited, Provenance(CURRENT_COMMIT, "2026-08-19"), **_targets(tmp_path))
    unlisted = folder / "other.yaml"
    unlisted.write_bytes(MINIMAL)
    with pytest.raises(SpecError, match="not in the provenance table beside it"):
        pin(unlisted, Provenance("a" * 40, "2027-01-01"), **_targets(tmp_path))


def test_the_table_gives_the_provenance_when_none_is_passed(tmp_path: Path) -> None:
    """The matching row, found by sha256."""
    lock = pin(CURRENT, **_targets(tmp_path))
    assert lock["upstream"]["commit"] == CURRENT_COMMIT


def test_identical_and_older_documents_are_refused_unless_forced(tmp_path: Path) -> None:
    """Re-pinning the same bytes or an older commit needs FORCE=1."""
    targets = _targets(tmp_path)
    newer, older = tmp_path / "newer.yaml", tmp_path / "older.yaml"
    newer.write_bytes(MINIMAL)
    older.write_bytes(MINIMAL.replace(b"title: t", b"title: old"))
    pin(newer, Provenance("a" * 40, "2027-01-02"), **targets)
    with pytest.raises(SpecError, match="already pinned: the document is identical"):
        pin(newer, Provenance("a" * 40, "2027-01-02"), **targets)
    with pytest.raises(SpecError, match="downgrade refused: 2026-12-31 is older than the pinned"):
        pin(older, Provenance("b" * 40, "2026-12-31"), **targets)
    assert targets["pinned_path"].read_bytes() == MINIMAL
    lock = pin(older, Provenance("b" * 40, "2026-12-31"), force=True, **targets)
    assert lock["upstream"]["commit_date"] == "2026-12-31"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (MINIMAL.replace(b"      operationId: getStores\n", b""), "operation without operationId"),
        (
            MINIMAL + b"  /other:\n    get:\n      operationId: getStores\n      responses: {}\n",
            "operationId used twice: getStores",
        ),
    ],
    ids=["missing-operationId", "duplicate-operationId"],
)
def test_malformed_documents_give_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    """No traceback: one line on stderr naming the problem, exit code 2."""
    source = tmp_path / "bad.yaml"
    source.write_bytes(content)
    argv = [str(source), "--commit", "c" * 40, "--date", "2027-01-01"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
