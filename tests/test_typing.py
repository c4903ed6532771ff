"""The typed surface as type checkers see it: mypy --strict and pyright strict.

``tests/typing/typed_calls.py`` pins, with ``assert_type``, what reads,
writes, 204s, list items and pages return on both clients, and must check
clean. ``tests/typing/wrong_calls.py`` holds calls that must be refused: each
line marked ``# wrong`` has to be reported by both checkers, and no other line.
The examples and the README's code blocks must also pass mypy --strict.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"
_MYPY_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*)$")


def _mypy(*paths: Path) -> dict[tuple[str, int], list[str]]:
    """Errors by (file name, line) from ``mypy --strict``."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    errors: dict[tuple[str, int], list[str]] = {}
    for line in result.stdout.splitlines():
        if match := _MYPY_LINE.match(line):
            key = (Path(match["file"]).name, int(match["line"]))
            errors.setdefault(key, []).append(match["message"])
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return errors


def _pyright(*paths: Path) -> dict[tuple[str, int], list[str]]:
    """Errors by (file name, line) from pyright in strict mode."""
    if not PYRIGHT.exists():
        pytest.fail("pyright is missing: run `make install` (npm ci installs it)")
    result = subprocess.run(
        [
            str(PYRIGHT),
            "--outputjson",
            "-p",
            str(TYPING / "pyrightconfig.json"),
            "--pythonpath",
            sys.executable,
            *map(str, paths),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    errors: dict[tuple[str, int], list[str]] = {}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            key = (Path(diagnostic["file"]).name, diagnostic["range"]["start"]["line"] + 1)
            errors.setdefault(key, []).append(diagnostic["message"])
    return errors


@cache
def _checked(checker: str) -> dict[tuple[str, int], list[str]]:
    paths = (
        TYPING / "typed_calls.py",
        TYPING / "typed_helpers.py",
        TYPING / "web_service.py",
        TYPING / "wrong_calls.py",
    )
    return _mypy(*paths) if checker == "mypy" else _pyright(*paths)


def _marked_lines() -> dict[int, str]:
    lines = (TYPING / "wrong_calls.py").read_text(encoding="utf-8").splitlines()
    return {
        n: line.split("# wrong:", 1)[1].strip()
        for n, line in enumerate(lines, 1)
        if "# wrong:" in line
    }


CHECKERS = ["mypy", "pyright"]


@pytest.mark.parametrize("checker", CHECKERS)
def test_the_typed_surface_checks_clean(checker: str) -> None:
    errors = {key: e for key, e in _checked(checker).items() if key[0] == "typed_calls.py"}
    assert errors == {}


@pytest.mark.parametrize("checker", CHECKERS)
def test_the_helpers_check_clean_in_a_users_module(checker: str) -> None:
    """Checkout.send_purchase, reconcile and the other helpers have precise types."""
    errors = {key: e for key, e in _checked(checker).items() if key[0] == "typed_helpers.py"}
    assert errors == {}


@pytest.mark.parametrize("checker", CHECKERS)
def test_a_web_service_module_checks_clean_with_wider_inputs_walk_options_and_pydantic(
    checker: str,
) -> None:
    """datetime and tuple inputs, paginate_* stats/on_invalid_item/raw, TypeAdapter and a
    FastAPI response_model: precise types (assert_type) and no error."""
    errors = {key: e for key, e in _checked(checker).items() if key[0] == "web_service.py"}
    assert errors == {}


def test_the_typing_suite_covers_enough_operations() -> None:
    source = (TYPING / "typed_calls.py").read_text(encoding="utf-8")
    operations = set(re.findall(r"client\.\w+\.(\w+)\(", source))
    operations |= set(re.findall(r"client\.(?:call|call_raw|paginate|pages)\((\w+)", source))
    assert len(operations) >= 20, sorted(operations)
    assert "CustomerClient" in source
    assert "EnterpriseClient" in source


@pytest.mark.parametrize("checker", CHECKERS)
def test_every_wrong_call_is_reported(checker: str) -> None:
    errors = {line: e for (name, line), e in _checked(checker).items() if name == "wrong_calls.py"}
    marked = _marked_lines()
    assert len(marked) >= 10
    missed = {line: why for line, why in marked.items() if line not in errors}
    assert missed == {}, f"{checker} accepted calls it must refuse"
    unexpected = {line: e for line, e in errors.items() if line not in marked}
    assert unexpected == {}, f"{checker} reported lines that are fine"


def _readme_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_examples_and_readme_code_pass_mypy_strict(tmp_path: Path) -> None:
    readme_dir = tmp_path / "readme"
    readme_dir.mkdir()
    for number, block in enumerate(_readme_blocks(), 1):
        (readme_dir / f"readme_block_{number}.py").write_text(block, encoding="utf-8")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    errors = _mypy(tmp_path / "examples", readme_dir)
    assert errors == {}
