"""The spec, its lock and the Prism hint are found the same way in a checkout and a wheel."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import carecloud_async
from carecloud_async import SPEC_PROVENANCE, SpecProvenance
from carecloud_async._package_data import package_data_path, spec_lock
from carecloud_async.testing import (
    DEFAULT_SPEC,
    PRISM_VERSION,
    MockCareCloud,
    MockServerError,
    _prism,
    find_prism,
)

ROOT = Path(__file__).resolve().parent.parent


def test_provenance_is_the_lock_file_and_matches_the_pinned_bytes() -> None:
    """SPEC_PROVENANCE says which upstream commit, and its sha256 is the shipped file's."""
    lock = json.loads((ROOT / "openapi" / "spec.lock.json").read_text())
    assert isinstance(SPEC_PROVENANCE, SpecProvenance)
    assert SPEC_PROVENANCE.commit == lock["upstream"]["commit"]
    assert SPEC_PROVENANCE.date == lock["upstream"]["commit_date"]
    assert SPEC_PROVENANCE.repository == lock["upstream"]["repository"]
    assert SPEC_PROVENANCE.sha256 == hashlib.sha256(DEFAULT_SPEC.read_bytes()).hexdigest()
    assert SPEC_PROVENANCE.commit[:12] in str(SPEC_PROVENANCE)


def test_a_lock_without_its_sections_is_refused() -> None:
    """A damaged lock file is a clear error, not a KeyError deep inside."""
    with pytest.raises(ValueError, match="upstream"):
        SpecProvenance.from_lock({"upstream": "x", "pinned": {}})


def test_the_version_is_one_string_the_build_reads() -> None:
    """pyproject takes the version from the package, so the two cannot disagree."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert 'path = "carecloud_async/__init__.py"' in pyproject
    assert carecloud_async.__version__.count(".") == 2


def test_a_missing_data_file_is_named_at_its_installed_place() -> None:
    """When neither the package nor a checkout has it, the error path is the wheel's."""
    missing = package_data_path("no-such-file.yaml")
    assert missing.parts[-3:] == ("carecloud_async", "_data", "no-such-file.yaml")
    assert spec_lock()["pinned"]["file"] == DEFAULT_SPEC.name


def test_the_pinned_prism_version_is_the_one_in_package_json() -> None:
    """The install hint and the repository's own Prism are the same release."""
    package = json.loads((ROOT / "package.json").read_text())
    assert package["dependencies"]["@stoplight/prism-cli"] == PRISM_VERSION


def test_carecloud_prism_wins_and_must_be_executable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """$CARECLOUD_PRISM is used as given; one pointing nowhere is an error with the hint."""
    fake = tmp_path / "prism"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("CARECLOUD_PRISM", str(fake))
    assert find_prism() == str(fake)
    monkeypatch.setenv("CARECLOUD_PRISM", str(tmp_path / "nowhere"))
    with pytest.raises(MockServerError, match=r"CARECLOUD_PRISM.*npm install -g"):
        find_prism()


def test_prism_is_found_on_path_when_nothing_else_has_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An adopter's globally installed prism on PATH is enough."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    prism = bin_dir / "prism"
    prism.write_text("#!/bin/sh\n")
    prism.chmod(0o755)
    monkeypatch.delenv("CARECLOUD_PRISM", raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_prism, "_REPO_ROOT", tmp_path)
    assert find_prism() == str(prism)
    monkeypatch.setenv("PATH", os.devnull)
    with pytest.raises(MockServerError) as raised:
        MockCareCloud().start()
    assert str(raised.value) == (
        f"Prism not found: install the pinned version with "
        f"`npm install -g @stoplight/prism-cli@{PRISM_VERSION}` "
        "(or set CARECLOUD_PRISM to the prism executable)"
    )
