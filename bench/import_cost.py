"""Import cost of the SDK next to httpx, measured in fresh interpreters in one run.

The baseline is ``import asyncio, httpx``: what an async application has already
paid for before it imports the SDK. Budgets: ``import carecloud_async`` plus one
generated endpoint module may take at most 1.5x its time and at most 8 MB more
peak RSS; importing ``EnterpriseClient`` with one endpoint module and using one
typed namespace for the first time (its module is loaded then) at most 1.3x. The client there gets an in-memory
transport: a default transport builds an SSL context, which is httpx's own
cost, paid by any ``httpx.AsyncClient``, not the SDK's.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass

BASELINE = "import asyncio\nimport httpx"
SUBJECT = "import carecloud_async\nimport carecloud_openapi.api.purchases.post_purchase_send"
TIME_BUDGET_RATIO = 1.5
RSS_BUDGET_MB = 8.0
NAMESPACE_SUBJECT = (
    "from carecloud_async import EnterpriseClient\n"
    "import carecloud_openapi.api.purchases.post_purchase_send\n"
    "import httpx\n"
    "client = EnterpriseClient(base_url='http://127.0.0.1:9', bearer_token='t', "
    "transport=httpx.MockTransport(lambda request: httpx.Response(204)))\n"
    "client.purchases.post_purchase_send\n"
)
NAMESPACE_BUDGET_RATIO = 1.3

# Peak RSS is the kernel's high-water mark of this process's own memory (VmHWM):
# ``ru_maxrss`` would report the parent's peak, which Linux carries across fork and exec.
_PROBE = """
import time, json
start = time.perf_counter()
exec(compile({code!r}, "<bench>", "exec"))
elapsed = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
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


def _median(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.seconds for s in samples),
        statistics.median(s.peak_rss_mb for s in samples),
    )


def main(runs: int = 15) -> int:
    measure(SUBJECT)  # warm the .pyc caches of all
    measure(NAMESPACE_SUBJECT)
    measure(BASELINE)
    # Interleave so machine noise hits all sides alike.
    base_samples, subject_samples, namespace_samples = [], [], []
    for _ in range(runs):
        base_samples.append(measure(BASELINE))
        subject_samples.append(measure(SUBJECT))
        namespace_samples.append(measure(NAMESPACE_SUBJECT))
    base, subject = _median(base_samples), _median(subject_samples)
    namespace = _median(namespace_samples)
    ratio = subject.seconds / base.seconds
    namespace_ratio = namespace.seconds / base.seconds
    extra_rss = subject.peak_rss_mb - base.peak_rss_mb
    print(f"import cost (median of {runs} fresh interpreters, warm .pyc)")
    for label, sample in (
        ("import asyncio, httpx", base),
        ("carecloud_async + one endpoint", subject),
        ("EnterpriseClient + one namespace", namespace),
    ):
        print(
            f"  {label:32} {sample.seconds * 1000:7.1f} ms  {sample.peak_rss_mb:6.1f} MB peak RSS"
        )
    print(f"  time ratio {ratio:.2f}x (budget {TIME_BUDGET_RATIO}x)")
    print(f"  extra peak RSS {extra_rss:+.1f} MB (budget {RSS_BUDGET_MB} MB)")
    print(f"  namespace time ratio {namespace_ratio:.2f}x (budget {NAMESPACE_BUDGET_RATIO}x)")
    within = (
        ratio <= TIME_BUDGET_RATIO
        and extra_rss <= RSS_BUDGET_MB
        and namespace_ratio <= NAMESPACE_BUDGET_RATIO
    )
    print("  within budget" if within else "  OVER BUDGET")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
