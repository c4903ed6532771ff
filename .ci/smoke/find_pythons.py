"""Print ``<version> <interpreter>`` for every Python the package's classifiers claim.

The smoke run tests the wheel on each of them, so the classifiers list exactly
what is tested. A claimed Python that cannot be found fails the run, loudly: a
fresh CI machine without it must not pass by skipping it.

Each version is looked for, in order: ``CARECLOUD_PYTHON_3_12`` (a path), then
``python3.12`` on PATH, then pyenv's newest installed 3.12 (``pyenv latest``, or
``$PYENV_ROOT/versions/3.12.*``), then the usual system locations.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")


def claimed_versions(project: dict[str, object]) -> list[str]:
    """The ``3.x`` versions the classifiers name, oldest first."""
    classifiers = project.get("classifiers", [])
    assert isinstance(classifiers, list)
    found = {m[1] for c in classifiers if (m := _CLASSIFIER.match(str(c)))}
    return sorted(found, key=lambda v: tuple(map(int, v.split("."))))


def lowest_allowed(project: dict[str, object]) -> str | None:
    """The version ``requires-python`` starts at (``>=3.11`` -> ``3.11``)."""
    match = re.search(r">=\s*(3\.\d+)", str(project.get("requires-python", "")))
    return match[1] if match else None


def _candidates(version: str) -> Iterator[str]:
    override = os.environ.get(f"CARECLOUD_PYTHON_{version.replace('.', '_')}")
    if override:
        yield override
    on_path = shutil.which(f"python{version}")
    if on_path:
        yield on_path
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    if shutil.which("pyenv"):
        latest = subprocess.run(
            ["pyenv", "latest", version], capture_output=True, text=True, check=False
        ).stdout.strip()
        if latest:
            yield str(pyenv_root / "versions" / latest / "bin" / f"python{version}")
    for installed in sorted(pyenv_root.glob(f"versions/{version}.*/bin/python{version}"))[::-1]:
        yield str(installed)
    for prefix in ("/usr/local/bin", "/usr/bin", "/opt/homebrew/bin"):
        yield f"{prefix}/python{version}"


def _interpreter(path: str, version: str) -> str | None:
    """The real executable behind ``path`` if it runs as ``version`` (a pyenv shim may not)."""
    try:
        result = subprocess.run(
            [path, "-c", "import sys; print('%d.%d' % sys.version_info[:2], sys.executable)"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    reported, _, executable = result.stdout.strip().partition(" ")
    return executable if result.returncode == 0 and reported == version else None


def find(version: str) -> str | None:
    """The first working interpreter of ``version``, or None."""
    return next(filter(None, (_interpreter(path, version) for path in _candidates(version))), None)


def main(pyproject: str) -> int:
    project = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"]
    versions = claimed_versions(project)
    if not versions:
        print(
            "find_pythons: no 'Programming Language :: Python :: 3.x' classifier", file=sys.stderr
        )
        return 1
    if lowest_allowed(project) != versions[0]:
        print(
            f"find_pythons: requires-python starts at {lowest_allowed(project)}, "
            f"the classifiers at {versions[0]}: make them agree",
            file=sys.stderr,
        )
        return 1
    missing = []
    for version in versions:
        path = find(version)
        if path is None:
            missing.append(version)
        else:
            print(version, path)
    for version in missing:
        print(
            f"find_pythons: Python {version} is claimed by the classifiers but was not found "
            f"(tried CARECLOUD_PYTHON_{version.replace('.', '_')}, python{version} on PATH, "
            f"pyenv, /usr/local/bin, /usr/bin). Install it (pyenv install {version}) or "
            "drop its classifier.",
            file=sys.stderr,
        )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
