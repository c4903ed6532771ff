"""The pytest plugin: registered by the package, inert until used, and its fixtures work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carecloud_async.testing import PRISM_VERSION, _prism

pytest_plugins = ["pytester"]

SAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "examples" / "web_service"
INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"


def test_the_fixtures_answer_from_the_spec_and_take_overrides(pytester: pytest.Pytester) -> None:
    """A user's tests get a router and clients wired to it, fresh for every test."""
    pytester.makeini(INI)
    pytester.makepyfile(
        """
        from carecloud_openapi.api.stores import get_stores

        async def test_enterprise(carecloud_enterprise, carecloud_router):
            carecloud_router.respond(get_stores, json={"data": {"stores": [], "total_items": 7}})
            data = await carecloud_enterprise.call(get_stores)
            assert data.total_items == 7
            assert [c.operation_id for c in carecloud_router.calls] == ["postUserLogin", "getStores"]

        async def test_customer_gets_a_fresh_router(carecloud_customer, carecloud_router):
            assert carecloud_router.calls == []
            data = await carecloud_customer.call(get_stores)
            assert data.total_items == 1
            assert carecloud_router.calls_to("postToken")
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_the_plugin_is_inert_when_no_fixture_is_used(pytester: pytest.Pytester) -> None:
    """Registered through the pytest11 entry point, it loads neither the client nor the spec."""
    pytester.makeini(INI)
    pytester.makepyfile(
        """
        import sys

        def test_nothing_heavy_was_imported(pytestconfig):
            assert pytestconfig.pluginmanager.has_plugin("carecloud_async")
            loaded = [name for name in sys.modules if name.startswith("carecloud")]
            assert "carecloud_async.testing.pytest_plugin" in loaded
            assert "carecloud_async._client" not in loaded
            assert "carecloud_async.testing._router" not in loaded
            assert "carecloud_openapi" not in loaded
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1)


def test_the_prism_fixture_skips_with_the_install_command(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without Prism anywhere, tests that need it are skipped and say how to install it."""
    monkeypatch.delenv("CARECLOUD_PRISM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(_prism, "_REPO_ROOT", tmp_path)
    pytester.makeini(INI)
    pytester.makepyfile(
        """
        def test_needs_prism(carecloud_mock_server):
            raise AssertionError("should have been skipped")
        """
    )
    result = pytester.runpytest("-rs", "-p", "no:randomly")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [f"*Prism not found*npm install -g @stoplight/prism-cli@{PRISM_VERSION}*"]
    )


def test_the_sample_fastapi_project_passes_with_the_fixtures(pytester: pytest.Pytester) -> None:
    """examples/web_service: a user's FastAPI service tested through the plugin's fixtures."""
    for source in SAMPLE_PROJECT.iterdir():
        if source.suffix in (".py", ".ini"):
            shutil.copy(source, pytester.path / source.name)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    outcomes = result.parseoutcomes()
    assert result.ret == 0, result.stdout.str()[-2000:]
    assert outcomes["passed"] >= 10
