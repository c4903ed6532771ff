"""The smoke run finds every Python the classifiers claim, and fails loudly on a missing one."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _finder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "find_pythons", ROOT / ".ci" / "smoke" / "find_pythons.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_claimed_pythons_are_the_classifiers_and_requires_python_agrees() -> None:
    """3.11, 3.12 and 3.13 are claimed; requires-python starts at the oldest of them."""
    finder = _finder()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert finder.claimed_versions(project) == ["3.11", "3.12", "3.13"]
    assert finder.lowest_allowed(project) == "3.11"


def test_a_claimed_python_that_is_missing_fails_the_run_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No skipping: the run stops and says which version and where it looked."""
    finder = _finder()
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nrequires-python = ">=3.9"\nclassifiers = [\n'
        '  "Programming Language :: Python :: 3.9",\n'
        '  "Programming Language :: Python :: 3.99",\n]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(finder, "find", lambda version: None if version == "3.99" else "/py")
    assert finder.main(str(pyproject)) == 1
    captured = capsys.readouterr()
    assert captured.out == "3.9 /py\n"
    assert "Python 3.99 is claimed by the classifiers but was not found" in captured.err


def test_an_interpreter_of_another_version_is_not_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """A python3.X name that runs another version (or a broken pyenv shim) does not count."""
    finder = _finder()
    monkeypatch.setenv("CARECLOUD_PYTHON_3_98", sys.executable)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("PYENV_ROOT", "/nonexistent")
    assert finder.find("3.98") is None
