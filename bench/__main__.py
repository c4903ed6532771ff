"""Run every benchmark: ``make bench``. Exits non-zero if any is over its budget.

Each module runs in its own fresh interpreter, so the heap one benchmark leaves
behind (pyarrow, DuckDB, Spark...) never weighs on the next one's collector or
memory figures; inside a module, each ratio still pairs the subject with its
baseline in the same process. What each module prints is also written to
``BENCHMARKS.md`` at the repository root.
"""

from __future__ import annotations

import io
import pkgutil
import platform
import subprocess
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


def _run_alone(module: str, out: _Tee) -> bool:
    """Run ``python -m module`` in a fresh interpreter, passing its output on; True if over budget."""
    with subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=REPORT.parent,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            out.write(line)
    return child.returncode != 0


def main() -> int:
    failures = 0
    sections: list[str] = []
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        print(f"== bench.{info.name}", flush=True)
        tee = _Tee(sys.stdout)
        failed = _run_alone(f"bench.{info.name}", tee)
        failures += 1 if failed else 0
        verdict = "over budget" if failed else "within budget"
        sections.append(
            f"## bench.{info.name} ({verdict})\n\n```\n{tee.getvalue().rstrip()}\n```\n"
        )
        print()
    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"Python {platform.python_version()} on {platform.machine()}. Each module ran in its own "
        "interpreter, its ratios against a baseline measured side by side in that process; "
        "absolute times depend on the machine.\n\n"
    )
    REPORT.write_text(header + "\n".join(sections), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
