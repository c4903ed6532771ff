"""Smoke suite for the installed wheel, run from a temporary directory by .ci/smoke/run.

Nothing here may import from the source tree: the first test proves it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from importlib import metadata
from pathlib import Path

import carecloud_openapi
import httpx

import carecloud_async
from carecloud_async import SPEC_PROVENANCE, EnterpriseClient, NotFoundError
from carecloud_async.testing import DEFAULT_SPEC, MockCareCloud, MockRouter

SOURCE_TREE = Path(os.environ["CARECLOUD_SMOKE_SOURCE"]).resolve()


def test_the_package_comes_from_the_virtualenv_not_the_checkout() -> None:
    """Imports resolve inside this interpreter's prefix, never in the source tree."""
    for module in (carecloud_async, carecloud_openapi):
        location = Path(module.__file__ or "").resolve()
        assert location.is_relative_to(Path(sys.prefix).resolve()), location
        assert not location.is_relative_to(SOURCE_TREE), location
    assert all(not Path(entry or ".").resolve().is_relative_to(SOURCE_TREE) for entry in sys.path)


def test_version_and_provenance_are_importable() -> None:
    """__version__ is the distribution's; provenance fingerprints the shipped spec."""
    assert carecloud_async.__version__ == metadata.version("carecloud-async")
    assert DEFAULT_SPEC.is_file()
    assert DEFAULT_SPEC.parent.name == "_data"
    assert hashlib.sha256(DEFAULT_SPEC.read_bytes()).hexdigest() == SPEC_PROVENANCE.sha256
    assert len(SPEC_PROVENANCE.commit) == 40


def test_the_wheel_lists_the_spec_and_the_pytest_plugin() -> None:
    """The data files are in the wheel's RECORD and the plugin's entry point is registered."""
    files = {str(path) for path in metadata.files("carecloud-async") or ()}
    assert "carecloud_async/_data/carecloud-openapi.yaml" in files
    assert "carecloud_async/_data/spec.lock.json" in files
    assert "carecloud_openapi/openapi.json" in files
    plugins = metadata.entry_points(group="pytest11")
    assert "carecloud_async.testing.pytest_plugin" in {plugin.value for plugin in plugins}


async def test_a_typed_call_through_the_in_process_mock() -> None:
    """A client wired to MockRouter logs in, calls, and returns generated models."""
    from carecloud_openapi.api.stores import get_store, get_stores

    router = MockRouter()
    async with router.enterprise_client() as client:
        stores = await client.call(get_stores)
        assert type(stores).__module__.startswith("carecloud_openapi.models.")
        assert stores.total_items == 1
        router.respond(get_store, status=404)
        try:
            await client.call(get_store, store_id="gone")
        except NotFoundError:
            pass
        else:
            raise AssertionError("an overridden 404 must raise NotFoundError")
    assert [call.operation_id for call in router.calls] == [
        "postUserLogin",
        "getStores",
        "getStore",
    ]


async def test_mock_care_cloud_serves_the_spec_shipped_in_the_wheel() -> None:
    """MockCareCloud finds the pinned spec in the installed package and Prism serves it."""
    from carecloud_openapi.api.stores import get_stores

    async with (
        MockCareCloud() as mock,
        EnterpriseClient(
            base_url=mock.base_url, login="u", password="p", external_application_id="a"
        ) as client,
    ):
        assert mock.spec == DEFAULT_SPEC
        stores = await client.call(get_stores)
        async with httpx.AsyncClient(base_url=mock.base_url) as raw:
            unauthorized = await raw.get("/stores")
    assert stores.stores
    assert unauthorized.status_code == 401
