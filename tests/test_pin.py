"""Pinning: byte-identical copy, provenance in the lock, clear refusal of anything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts._spec import SpecError, sha256_file
from scripts.pin import Provenance, main, pin

UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream"
CURRENT = UPSTREAM / "carecloud-openapi-2026-08-19.yaml"

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


def test_pin_copies_byte_for_byte_and_reads_provenance_from_the_readme(tmp_path: Path) -> None:
    """The upstream README row gives commit and date; the copy has the same sha256."""
    targets = _targets(tmp_path)
    lock = pin(CURRENT, **targets)
    assert targets["pinned_path"].read_bytes() == CURRENT.read_bytes()
    assert lock["pinned"]["sha256"] == sha256_file(CURRENT)
    assert lock["upstream"] == {
        "repository": "crmcarecloud/api-spec",
        "path": "_build/openapi.yaml",
        "commit": "ea7923aa768167c39acbb066fb9cc0f9dcb660c1",
        "commit_date": "2026-08-19",
    }
    assert json.loads(targets["lock_path"].read_text()) == lock
    assert len(lock["normalized"]["sha256"]) == 64


def test_pin_takes_explicit_provenance_for_a_file_without_readme(tmp_path: Path) -> None:
    """--commit/--date work for documents that come from elsewhere."""
    source = tmp_path / "incoming" / "openapi.yaml"
    source.parent.mkdir()
    source.write_bytes(MINIMAL)
    lock = pin(source, Provenance("a" * 40, "2027-01-02"), **_targets(tmp_path))
    assert lock["upstream"]["commit"] == "a" * 40


def test_pin_without_provenance_names_what_is_missing(tmp_path: Path) -> None:
    """No README row and no --commit: refused with a message saying how to fix it."""
    source = tmp_path / "openapi.yaml"
    source.write_bytes(MINIMAL)
    with pytest.raises(SpecError, match="provenance unknown; pass --commit and --date"):
        pin(source, **_targets(tmp_path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "a Swagger 2.0 document"),
        (b"title: not a spec\n", "no 'openapi' field"),
        (b"- just\n- a list\n", "top level is list"),
        (b"openapi: 3.0.2\npaths: {}\n", "invalid OpenAPI 3.0.2"),
        (b"openapi: [unclosed\n", "not valid YAML or JSON"),
    ],
)
def test_pin_refuses_what_is_not_openapi_3(tmp_path: Path, content: bytes, message: str) -> None:
    """Swagger 2, YAML that is not a spec, or a broken document: refused, nothing written."""
    source = tmp_path / "bad.yaml"
    source.write_bytes(content)
    targets = _targets(tmp_path)
    with pytest.raises(SpecError, match=message):
        pin(source, Provenance("b" * 40, "2027-01-02"), **targets)
    assert not any(path.exists() for path in targets.values())


def test_pin_cli_exits_non_zero_with_the_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make pin SPEC=...` on a bad file prints the cause and fails."""
    source = tmp_path / "bad.yaml"
    source.write_bytes(b"swagger: '2.0'\n")
    assert main([str(source), "--commit", "c" * 40, "--date", "2027-01-01"]) == 2
    assert "not an OpenAPI 3.x document" in capsys.readouterr().err
