"""`make bump` the way a maintainer runs it: a clone, `make pin`, a commit, one `make bump`.

Both journeys start from a `git clone` of this repository's HEAD (commit before running
them) with ``../shared`` beside it. They reuse the virtualenv running the tests
(``VENV=``, ``-o install``) and its ``node_modules``, and put the clone first on
``PYTHONPATH``, so the clone's own ``carecloud_async/`` and ``generated/`` are what gets
imported and checked, not this checkout's (which the editable install points at).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts._spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OLD = (
    "carecloud-openapi-2026-03-21.yaml",
    "fbd908f4afb92635458106af52eda14342660380",
    "2026-03-21",
)
NEW = (
    "carecloud-openapi-2026-08-19.yaml",
    "ea7923aa768167c39acbb066fb9cc0f9dcb660c1",
    "2026-08-19",
)
SEND_PURCHASE = "/purchases/actions/send-purchase"
CHECKOUT = "carecloud_async/helpers/checkout.py"


@dataclass(frozen=True)
class Step:
    """One command of a journey: what ran, how it ended, what it printed, how long it took."""

    command: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def explain(self) -> str:
        return (
            f"`{self.command}` exited {self.returncode}\n{self.stdout[-3000:]}{self.stderr[-3000:]}"
        )


class Clone:
    """A fresh clone of HEAD with ``../shared`` beside it, driven through make and git."""

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True)
        (home / "shared").symlink_to(SHARED)
        self.root = home / "repo"
        self.steps: list[Step] = []
        self.run("git", "clone", "--quiet", str(ROOT), str(self.root), cwd=home)
        (self.root / "node_modules").symlink_to(ROOT / "node_modules")
        with (self.root / ".git" / "info" / "exclude").open("a") as exclude:
            exclude.write("/node_modules\n")  # .gitignore's node_modules/ misses a symlink

    def run(self, *command: str, cwd: Path | None = None) -> Step:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(self.root), str(self.root / "generated")]),
            "GIT_AUTHOR_NAME": "Maintainer",
            "GIT_AUTHOR_EMAIL": "maintainer@example.com",
            "GIT_COMMITTER_NAME": "Maintainer",
            "GIT_COMMITTER_EMAIL": "maintainer@example.com",
        }
        started = time.monotonic()
        done = subprocess.run(
            command, cwd=cwd or self.root, env=env, capture_output=True, text=True, check=False
        )
        step = Step(
            " ".join(command),
            done.returncode,
            done.stdout,
            done.stderr,
            time.monotonic() - started,
        )
        self.steps.append(step)
        return step

    def make(self, target: str, **variables: str) -> Step:
        """``make <target> VAR=value ...`` with the test run's virtualenv, not installing."""
        assigned = [f"{name}={value}" for name, value in variables.items()]
        return self.run("make", "-s", "-o", "install", f"VENV={sys.prefix}", target, *assigned)

    def commit(self, message: str) -> None:
        for step in (self.run("git", "add", "-A"), self.run("git", "commit", "-qm", message)):
            assert step.returncode == 0, step.explain()

    def status(self) -> str:
        return self.run("git", "status", "--porcelain").stdout

    def hashes(self) -> dict[str, str]:
        """Every file but git's own and the scratch folder ``build/``."""
        return {
            str(path.relative_to(self.root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.root.rglob("*"))
            if path.is_file()
            and not {".git", "build", "node_modules"} & set(path.relative_to(self.root).parts)
        }


def _document(name: str, commit: str, date: str) -> dict[str, str]:
    return {"SPEC": f"../shared/upstream/{name}", "COMMIT": commit, "DATE": date}


@dataclass(frozen=True)
class Upgrade:
    bump: Step
    repeat: Step
    check: Step
    changelog: str
    status_after_repeat: str
    hashes_after_bump: dict[str, str]
    hashes_after_repeat: dict[str, str]


def upgrade_journey(home: Path) -> Upgrade:
    """Pin 2026-03-21 as the project once stood, commit, bump to 2026-08-19, repeat, check."""
    clone = Clone(home)
    for step in (
        clone.make("pin", **_document(*OLD), FORCE="1"),
        clone.make("generate"),
    ):
        assert step.returncode == 0, step.explain()
    clone.commit("Pin the 2026-03-21 document")
    bump = clone.make("bump", **_document(*NEW))
    changelog = (clone.root / "CHANGELOG.md").read_text(encoding="utf-8")
    clone.commit("Bump to the 2026-08-19 document")
    after_bump = clone.hashes()
    repeat = clone.make("bump", **_document(*NEW))
    return Upgrade(
        bump=bump,
        repeat=repeat,
        check=clone.make("check"),
        changelog=changelog,
        status_after_repeat=clone.status(),
        hashes_after_bump=after_bump,
        hashes_after_repeat=clone.hashes(),
    )


@dataclass(frozen=True)
class Refusal:
    bump: Step
    hashes_before: dict[str, str]
    hashes_after: dict[str, str]
    status_after: str
    root: Path


def refusal_journey(home: Path) -> Refusal:
    """From the current pin, bump to a document without the operation `Checkout` sends with."""
    clone = Clone(home)
    spec = load_spec(clone.root / "openapi" / "carecloud-openapi.yaml")
    del spec["paths"][SEND_PURCHASE]
    incoming = home / "incoming" / "openapi.json"
    incoming.parent.mkdir()
    incoming.write_text(json.dumps(spec), encoding="utf-8")
    before = clone.hashes()
    bump = clone.make("bump", SPEC=str(incoming), COMMIT="e" * 40, DATE="2026-09-30")
    return Refusal(bump, before, clone.hashes(), clone.status(), clone.root)


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory: pytest.TempPathFactory) -> Upgrade:
    return upgrade_journey(tmp_path_factory.mktemp("journey") / "upgrade")


@pytest.fixture(scope="module")
def refusal(tmp_path_factory: pytest.TempPathFactory) -> Refusal:
    return refusal_journey(tmp_path_factory.mktemp("journey") / "refusal")


def test_the_upgrade_is_one_command_without_force(upgrade: Upgrade) -> None:
    """From the 2026-03-21 pin, `make bump` to 2026-08-19 exits 0 and reports success."""
    bump = upgrade.bump
    assert bump.returncode == 0, bump.explain()
    assert "bump: pinned, regenerated, CHANGELOG.md updated" in bump.stdout
    assert "FORCED" not in bump.stdout


def test_the_upgrade_changelog_names_the_known_changes(upgrade: Upgrade) -> None:
    """The API changes between the two documents land under Unreleased in CHANGELOG.md."""
    changelog = upgrade.changelog
    entry = changelog.split("## [Unreleased]", 1)[1]
    assert entry.lstrip().startswith("### API changes: 2026-08-19 (ea7923a)")
    for line in (
        "- **breaking** operation removed: `GET /target-groups`",
        "- compatible operation added: `GET /audiences`",
        "- **breaking** (request) maxItems added: `GET /customers query customer_ids` "
        "(None -> 1000)",
        "- compatible (request) deprecated: `GET /customer-source-records query external_id`",
        "- compatible (request) parameter added: `GET /vouchers query include_service_vouchers`",
        "- compatible (request) enum value added: "
        "`POST /customers/actions/validate-customer-data request.type` ('referral_code')",
    ):
        assert line in entry.splitlines()
    email = "- **breaking** (both) pattern changed: `PersonalInformation.email` ("
    assert any(line.startswith(email) for line in entry.splitlines())


def test_the_upgrade_reports_the_fixes_new_matches(upgrade: Upgrade) -> None:
    """The fixes' new and lost places are in the summary and in the changelog, by name."""
    bump = upgrade.bump
    expected = [
        "- `add-missing-array-items` is no longer needed: the new document has nothing it changes",
        "- `declare-documented-array-filters` now matches 8 place(s), was 7; review:",
        "  - now also: `parameters/external_application_text_id (query text_id): "
        "string -> array of strings`",
        "- `name-described-enum-values` now matches 82 place(s), was 81; review:",
        "  - now also: `Audience.state: 0=DELETED, 1=ACTIVE`",
    ]
    section = upgrade.changelog.split("#### Normalization fixes (review)", 1)[1]
    for line in expected:
        assert line in bump.stdout.splitlines()
        assert line in section.splitlines()


def test_repeating_the_bump_has_nothing_to_do(upgrade: Upgrade) -> None:
    """The same `make bump` again exits 0, says so, and leaves the committed tree as it was."""
    assert upgrade.repeat.returncode == 0, upgrade.repeat.explain()
    assert "bump: nothing to do" in upgrade.repeat.stdout
    assert upgrade.status_after_repeat == ""
    assert upgrade.hashes_after_repeat == upgrade.hashes_after_bump


def test_make_check_passes_after_the_upgrade(upgrade: Upgrade) -> None:
    """The pinned file, the lock and generated/ agree after the bump."""
    check = upgrade.check
    assert check.returncode == 0, check.explain()


_BREAK = re.compile(r"^- (?P<check>mypy|tests|CHECK): `(?P<where>[^`]+)`", re.M)


def test_a_bump_removing_what_checkout_sends_with_is_refused(
    refusal: Refusal,
) -> None:
    """Refused (exit 3) naming the helper; every other break is a test using it."""
    assert refusal.bump.returncode != 0
    assert "bump: REFUSED, nothing changed" in refusal.bump.stderr, refusal.bump.explain()
    assert "bump] Error 3" in refusal.bump.stderr
    breaks = [(m["check"], m["where"].split(":")[0]) for m in _BREAK.finditer(refusal.bump.stderr)]
    assert ("mypy", CHECKOUT) in breaks
    assert any(check == "tests" for check, _ in breaks)
    assert "README" not in refusal.bump.stderr
    for check, where in breaks:
        if check == "mypy":
            assert where == CHECKOUT
            continue
        text = (refusal.root / where).read_text(encoding="utf-8")
        assert "Checkout" in text or "send_purchase" in text, f"{where} is not about Checkout"


def test_a_refused_bump_leaves_every_file_as_it_was(refusal: Refusal) -> None:
    """Pinned document, lock, generated/, CHANGELOG.md and everything else are untouched."""
    assert refusal.hashes_after == refusal.hashes_before
    assert refusal.status_after == ""
