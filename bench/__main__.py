"""Run every benchmark: ``make bench``. Exits non-zero if any is over its budget."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    failures = 0
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        print(f"== bench.{info.name}")
        failures += 1 if module.main() else 0
        print()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
