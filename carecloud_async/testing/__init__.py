"""Test your code against CareCloud without a CareCloud.

Two mocks, both answering from the spec this release was generated from:

- ``MockRouter``: in-process, an ``httpx`` transport. Fast enough for every
  unit test; override any operation and inspect what it received.
- ``MockCareCloud``: Prism serving the pinned spec on a loopback port, for
  end-to-end tests through real sockets (needs Node and Prism).

With pytest, the ``carecloud_router``, ``carecloud_enterprise``,
``carecloud_customer`` and ``carecloud_mock_server`` fixtures come with the
package (see ``carecloud_async.testing.pytest_plugin``). Names load on first
use, so the plugin costs a pytest run nothing until a fixture is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carecloud_async._lazy import lazy_exports

if TYPE_CHECKING:
    from carecloud_async.testing._checks import Problem
    from carecloud_async.testing._prism import (
        DEFAULT_SPEC,
        PRISM_VERSION,
        MockCareCloud,
        MockServerError,
        find_prism,
    )
    from carecloud_async.testing._router import (
        MOCK_PROJECT_TIMEZONE,
        MOCK_PROJECT_URL,
        MOCK_TOKEN_LIFETIME,
        MockRouter,
        RecordedCall,
        Responder,
    )

_EXPORTS: dict[str, str] = {
    "DEFAULT_SPEC": "_prism",
    "MOCK_PROJECT_TIMEZONE": "_router",
    "MOCK_PROJECT_URL": "_router",
    "MOCK_TOKEN_LIFETIME": "_router",
    "PRISM_VERSION": "_prism",
    "MockCareCloud": "_prism",
    "MockRouter": "_router",
    "MockServerError": "_prism",
    "Problem": "_checks",
    "RecordedCall": "_router",
    "Responder": "_router",
    "find_prism": "_prism",
}

__all__ = [
    "DEFAULT_SPEC",
    "MOCK_PROJECT_TIMEZONE",
    "MOCK_PROJECT_URL",
    "MOCK_TOKEN_LIFETIME",
    "PRISM_VERSION",
    "MockCareCloud",
    "MockRouter",
    "MockServerError",
    "Problem",
    "RecordedCall",
    "Responder",
    "find_prism",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
