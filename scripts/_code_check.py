"""Does the hand-written code still work with a newly generated package?

``make bump`` stages a complete copy of the repository (README, examples and every
other file a test may read) with the new ``generated/`` and ``openapi/`` in place,
then runs mypy (on
``carecloud_async/``, ``examples/`` and optionally a caller's own package) and
the unit tests against it. mypy errors are compared with a run on the current
tree, so only errors the new package introduces count as breaks.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from scripts._spec import BUILD_DIR, PACKAGE_NAME

CHECKS = ("mypy", "tests")
"""What bump runs by default; tests pass a subset to stay fast."""

NOT_COPIED = ("build", "dist", ".git", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache")
"""Build output, history and caches: nothing the code or its tests read."""
MYPY_TARGETS = ("carecloud_async", "examples")
SCRIPT_TESTS = (
    "tests/contract",  # needs the Prism mock server; `make test` runs it
    "tests/test_api_scope.py",
    "tests/test_bump.py",
    "tests/test_bump_checks_code.py",
    "tests/test_bump_journey.py",
    "tests/test_check_provenance.py",
    "tests/test_fix_matches.py",
    "tests/test_fixes.py",
    "tests/test_generate_and_check.py",
    "tests/test_pin.py",
    "tests/test_provenance.py",
    "tests/test_spec_diff.py",
)
"""Tests of the tooling itself, not of the hand-written code: not rerun for a bump."""

_MYPY_ERROR = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): error: (?P<message>.*)$", re.M)
_FAILED_TEST = re.compile(r"^(?:FAILED|ERROR) (?P<test>\S+)(?: - (?P<message>.*))?$", re.M)


@dataclass(frozen=True, order=True)
class Break:
    """One place in hand-written (or the caller's) code that fails with the new package."""

    check: str  # "mypy", "tests" or "CHECK"
    where: str
    message: str

    def line(self) -> str:
        return f"- {self.check}: `{self.where}` {self.message}".rstrip()


def stage_tree(
    root: Path, package: Path, pinned: bytes, lock: bytes, into: Path, pinned_name: str
) -> Path:
    """A copy of ``root`` with the new package and pinned document in place.

    Every file is copied, so the tests read what they read in the repository; installed
    tools (a virtualenv, ``node_modules``) are linked, not copied.
    """
    tree = into / "tree"
    tree.mkdir(parents=True)
    ignore = shutil.ignore_patterns(*NOT_COPIED)
    for entry in sorted(root.iterdir()):
        if entry.name in NOT_COPIED:
            continue
        if entry.name == "node_modules" or (entry / "pyvenv.cfg").exists():
            (tree / entry.name).symlink_to(entry.resolve())
        elif entry.is_dir():
            shutil.copytree(entry, tree / entry.name, ignore=ignore, symlinks=True)
        else:
            shutil.copy2(entry, tree / entry.name)
    (tree / "openapi").mkdir(exist_ok=True)
    (tree / "openapi" / pinned_name).write_bytes(pinned)
    (tree / "openapi" / "spec.lock.json").write_bytes(lock)
    shutil.rmtree(tree / "generated" / PACKAGE_NAME, ignore_errors=True)
    shutil.copytree(package, tree / "generated" / PACKAGE_NAME, ignore=ignore)
    shared = root.parent / "shared"  # the upstream documents some tests read
    if shared.is_dir() and not (into / "shared").exists():
        (into / "shared").symlink_to(shared)
    return tree


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout + done.stderr


def _isolated_python(into: Path) -> Path:
    """This interpreter without ``.pth`` files: site-packages yes, the editable install no.

    mypy searches every directory on the interpreter's path; through the editable
    install that includes the repository's own ``generated/``, where a module the
    new package no longer has would still be found.
    """
    into.mkdir(parents=True, exist_ok=True)
    wrapper = into / "python-without-pth"
    packages = os.pathsep.join(site.getsitepackages())
    wrapper.write_text(
        "#!/bin/sh\n"
        f'PYTHONPATH={shlex.quote(packages)} exec {shlex.quote(sys.executable)} -S "$@"\n'
    )
    wrapper.chmod(0o755)
    return wrapper


def _mypy_errors(tree: Path, targets: Sequence[str], cache: Path) -> dict[tuple[str, str], str]:
    """(file, message) -> file:line for every mypy error, with ``tree``'s package first."""
    present = [t for t in targets if Path(t).is_absolute() or (tree / t).exists()]
    if not present:
        return {}
    config = (
        ["--config-file", str(tree / "pyproject.toml")]
        if (tree / "pyproject.toml").exists()
        else []
    )
    output = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            *config,
            "--python-executable",
            str(_isolated_python(cache)),
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            *present,
        ],
        tree,
        {"MYPYPATH": os.pathsep.join([str(tree / "generated"), str(tree)])},
    )
    return {
        (m["file"], m["message"]): f"{m['file']}:{m['line']}" for m in _MYPY_ERROR.finditer(output)
    }


def _label(path: str, extra: Path | None) -> str:
    if extra is not None and Path(path).is_absolute() and Path(path).is_relative_to(extra):
        return "CHECK"
    return "mypy"


def mypy_breaks(current: Path, tree: Path, extra: Path | None = None) -> list[Break]:
    """mypy errors with the new package that the current tree does not have."""
    targets = [*MYPY_TARGETS, *([str(extra.resolve())] if extra else [])]
    # mypy replays cached errors with the file path they were cached under: a caller's
    # package gets a cache of its own, so its errors always name where it is now
    key = hashlib.sha256(str(extra.resolve()).encode()).hexdigest()[:12] if extra else "code"
    cache = BUILD_DIR / "mypy-bump" / key
    with ThreadPoolExecutor(max_workers=2) as pool:  # two mypy processes, side by side
        started = pool.submit(_mypy_errors, current, targets, cache / "current")
        after = _mypy_errors(tree, targets, cache / "new")
        before = started.result()
    return sorted(
        Break(_label(where.rsplit(":", 1)[0], extra.resolve() if extra else None), where, message)
        for (file, message), where in after.items()
        if (file, message) not in before
    )


def failing_tests(tree: Path, args: Sequence[str] = ()) -> list[Break]:
    """Unit tests of the hand-written code that fail with the new package."""
    if not (tree / "tests").is_dir():
        return []
    ignores = [f"--ignore={path}" for path in SCRIPT_TESTS]
    output = _run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-rfE",
            *ignores,
            *(args or ["tests"]),
        ],
        tree,
        {"PYTHONPATH": os.pathsep.join([str(tree), str(tree / "generated")])},
    )
    breaks = [
        Break("tests", m["test"], (m["message"] or "").strip())
        for m in _FAILED_TEST.finditer(output)
    ]
    if not breaks and re.search(r"^(?:ERROR|INTERNALERROR|ImportError)", output, re.M):
        breaks.append(Break("tests", "tests", output.strip().splitlines()[-1]))
    return breaks


def check_code(
    current: Path, tree: Path, checks: Sequence[str] = CHECKS, extra: Path | None = None
) -> list[Break]:
    """Every break of the hand-written code (and of ``extra``) against the staged tree.

    The type check runs while the tests do: both are subprocesses, mostly waiting.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        tests = pool.submit(failing_tests, tree) if "tests" in checks else None
        breaks = mypy_breaks(current, tree, extra) if "mypy" in checks or extra else []
        return breaks + (tests.result() if tests else [])
