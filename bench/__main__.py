"""Run every benchmark: ``make bench``. Exits non-zero if any is over its budget.

What each module prints is also written to ``BENCHMARKS.md`` at the repository root.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import pkgutil
import platform
import sys
import time
from pathlib import Path
from typing import Any

REPORT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


class _Tee(io.StringIO):
    """Keeps what is written and passes it on, so progress still shows."""

    def __init__(self, out: Any) -> None:
        super().__init__()
        self._out = out

    def write(self, text: str) -> int:
        if self._out is not None:
            self._out.write(text)
            self._out.flush()
        return super().write(text)


def main() -> int:
    failures = 0
    sections: list[str] = []
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        print(f"== bench.{info.name}")
        tee = _Tee(sys.stdout)
        with contextlib.redirect_stdout(tee):
            failed = bool(module.main())
        failures += 1 if failed else 0
        verdict = "over budget" if failed else "within budget"
        sections.append(
            f"## bench.{info.name} ({verdict})\n\n```\n{tee.getvalue().rstrip()}\n```\n"
        )
        print()
    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"Python {platform.python_version()} on {platform.machine()}. Ratios are measured in "
        "one run against a baseline in the same process; absolute times depend on the machine.\n\n"
    )
    REPORT.write_text(header + "\n".join(sections), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
