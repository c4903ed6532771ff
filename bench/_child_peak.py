"""Peak memory of ``carecloud ...`` run in a child process, counted for that process alone.

``ru_maxrss`` from ``wait4`` is no good here: Linux carries the parent's peak over
fork and exec, so a child smaller than the benchmark process reports the
benchmark's own size. The child reads its high-water mark (``VmHWM``, reset by
exec) itself as it exits and hands it over in a file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

_WRAPPER = """
import atexit, os, resource, runpy, sys

def _report():
    try:
        with open("/proc/self/status") as status:
            kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:  # no /proc: the rusage figure (kilobytes on Linux, bytes on macOS)
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kb = kb // 1024 if sys.platform == "darwin" else kb
    with open(os.environ["CARECLOUD_BENCH_PEAK_FILE"], "w") as out:
        out.write(str(kb))

atexit.register(_report)
sys.argv = ["carecloud", *sys.argv[1:]]
runpy.run_module("carecloud_async.cli", run_name="__main__", alter_sys=True)
"""


def cli_peak_mb(args: list[str], env: dict[str, str]) -> float:
    """Run ``carecloud <args>``; its peak RSS in MB. Raises with its stderr if it fails."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        done = subprocess.run(
            [sys.executable, "-c", _WRAPPER, *args],
            env={**os.environ, **env, "CARECLOUD_BENCH_PEAK_FILE": str(peak_file)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"carecloud {args[0]} failed ({done.returncode}): {done.stderr}")
        return int(peak_file.read_text()) / 1024
