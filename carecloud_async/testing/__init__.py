"""Test your code against CareCloud without a CareCloud.

Two mocks, both answering from the spec this release was generated from:

- ``MockRouter``: in-process, an ``httpx`` transport. Fast enough for every
  unit test; override any operation and inspect what it received.
- ``MockCareCloud``: Prism serving the pinned spec on a loopback port, for
  end-to-end tests through real sockets (needs Node and Prism).

With pytest, the ``carecloud_router``, ``carecloud_enterprise``,
``carecloud_customer`` and ``carecloud_mock_server`` fixtures come with the
package (see ``carecloud_async.testing.pytest_plugin``).
"""

from __future__ import annotations

from carecloud_async.testing._checks import Problem
from carecloud_async.testing._prism import (
    DEFAULT_SPEC,
    PRISM_VERSION,
    MockCareCloud,
    MockServerError,
    find_prism,
)
from carecloud_async.testing._router import MOCK_PROJECT_URL, MockRouter, RecordedCall, Responder

__all__ = [
    "DEFAULT_SPEC",
    "MOCK_PROJECT_URL",
    "PRISM_VERSION",
    "MockCareCloud",
    "MockRouter",
    "MockServerError",
    "Problem",
    "RecordedCall",
    "Responder",
    "find_prism",
]
