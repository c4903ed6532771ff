"""Import cost of the SDK next to httpx, measured in fresh interpreters in one run.

Budget: ``import carecloud_async`` plus one generated endpoint module may take at
most 1.5x the time of ``import httpx`` and at most 8 MB more peak RSS.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass

BASELINE = "import httpx"
SUBJECT = "import carecloud_async\nimport carecloud_openapi.api.purchases.post_purchase_send"
TIME_BUDGET_RATIO = 1.5
RSS_BUDGET_MB = 8.0

_PROBE = """
import resource, time, json
start = time.perf_counter()
exec(compile({code!r}, "<bench>", "exec"))
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": elapsed, "peak_rss_kb": peak}}))
"""


# "Warm .pyc" means the caches exist: let the warm-up run write them.
_ENV_WITH_BYTECODE = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_mb: float


def measure(code: str) -> Sample:
    """Run ``code`` in a fresh interpreter; return its import time and peak RSS."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(code=code)],
        env=_ENV_WITH_BYTECODE,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out)
    return Sample(result["seconds"], result["peak_rss_kb"] / 1024)


def main(runs: int = 15) -> int:
    measure(SUBJECT)  # warm the .pyc caches of both
    measure(BASELINE)
    # Interleave so machine noise hits both sides alike.
    base_samples, subject_samples = [], []
    for _ in range(runs):
        base_samples.append(measure(BASELINE))
        subject_samples.append(measure(SUBJECT))
    base = Sample(
        statistics.median(s.seconds for s in base_samples),
        statistics.median(s.peak_rss_mb for s in base_samples),
    )
    subject = Sample(
        statistics.median(s.seconds for s in subject_samples),
        statistics.median(s.peak_rss_mb for s in subject_samples),
    )
    ratio = subject.seconds / base.seconds
    extra_rss = subject.peak_rss_mb - base.peak_rss_mb
    print(f"import cost (median of {runs} fresh interpreters, warm .pyc)")
    for label, sample in (("import httpx", base), ("carecloud_async + one endpoint", subject)):
        print(
            f"  {label:32} {sample.seconds * 1000:7.1f} ms  {sample.peak_rss_mb:6.1f} MB peak RSS"
        )
    print(f"  time ratio {ratio:.2f}x (budget {TIME_BUDGET_RATIO}x)")
    print(f"  extra peak RSS {extra_rss:+.1f} MB (budget {RSS_BUDGET_MB} MB)")
    within = ratio <= TIME_BUDGET_RATIO and extra_rss <= RSS_BUDGET_MB
    print("  within budget" if within else "  OVER BUDGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
