"""The ``carecloud`` command line, run through typer's runner or as a subprocess."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

typer_testing = pytest.importorskip("typer.testing")

from carecloud_async import (  # noqa: E402
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
)
from carecloud_async.cli._app import EXIT_CODES, app, exit_code_for  # noqa: E402
from carecloud_async.cli._export import csv_columns, flatten  # noqa: E402
from tests._fake_collection import TOKEN, FakeCollection, store  # noqa: E402

runner = typer_testing.CliRunner()
ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("isolated_cli_config")


@pytest.fixture
def fake() -> Iterator[FakeCollection]:
    with FakeCollection(25_000) as server:
        yield server


def _connect(fake: FakeCollection) -> list[str]:
    return ["--base-url", fake.base_url]


def _env() -> dict[str, str]:
    return {"CARECLOUD_BEARER_TOKEN": TOKEN}


def _export(fake: FakeCollection, out: Path, *extra: str) -> typer_testing.Result:
    args = ["export", "getStores", "-o", str(out), *_connect(fake), "--page-size", "1000"]
    return runner.invoke(app, [*args, *extra], env=_env())


def test_import_carecloud_async_pulls_in_neither_typer_nor_rich() -> None:
    # httpx imports its own command line (click, rich, pygments) when all three are
    # installed, as they are beside dlt: block it, so only the SDK's imports count.
    code = (
        "import sys\n"
        "sys.modules['httpx._main'] = None\n"
        "import carecloud_async\n"
        "from carecloud_async import EnterpriseClient, CustomerClient\n"
        "import carecloud_async.testing\n"
        "loaded = sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_ops_lists_every_operation_of_the_pinned_spec() -> None:
    from carecloud_openapi._operations import OPERATIONS

    result = runner.invoke(app, ["ops"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == len(OPERATIONS) == 322
    assert {row[0] for row in rows} == {value[0] for value in OPERATIONS.values()}
    stores = next(row for row in rows if row[0] == "getStores")
    assert stores == [
        "getStores",
        "GET",
        "/stores",
        "enterprise,customer",
        "stores",
        "client.stores.get_stores",
    ]


def test_ops_filters_by_text_and_api() -> None:
    result = runner.invoke(app, ["ops", "--api", "enterprise", "purchase"])
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert "getPurchases" in ids
    assert "postPurchaseSend" in ids
    assert all("purchase" in line.lower() for line in result.stdout.splitlines())
    customer_only = runner.invoke(app, ["ops", "--api", "customer"]).stdout.splitlines()
    assert all("customer" in line.split("\t")[3] for line in customer_only)
    assert len(customer_only) < 322


def test_ops_show_prints_parameters_body_fields_and_date_filters() -> None:
    result = runner.invoke(app, ["ops", "show", "GET /purchases"])
    assert result.exit_code == 0, result.output
    assert "getPurchases: GET /purchases" in result.stdout
    assert "date filters (--since/--until): payment_time_from/payment_time_to" in result.stdout
    assert "  sort_direction (query, string (ASC | DESC), optional)" in result.stdout
    body = runner.invoke(app, ["ops", "show", "postStore"]).stdout
    assert "  store (object, required)" in body
    assert "  store.name (string, required)" in body


def test_ops_show_lists_read_only_body_fields_as_optional() -> None:
    """The server assigns store_id: a new store's body does not need it, and ops show says so."""
    body = runner.invoke(app, ["ops", "show", "postStore"]).stdout
    assert "  store.store_id (string, optional)" in body
    assert "  store.system_id (string, required)" in body


def test_ops_show_unknown_operation_suggests_close_names() -> None:
    result = runner.invoke(app, ["ops", "show", "getStorez"])
    assert result.exit_code == 2
    assert "unknown operation 'getStorez'; did you mean " in result.stderr
    assert "getStores" in result.stderr


def test_call_round_trips_parameters_and_prints_data(fake: FakeCollection) -> None:
    result = runner.invoke(
        app, ["call", "getStore", "store_id=s000042", *_connect(fake)], env=_env()
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == store(42)
    assert fake.requests[-1][:2] == ("GET", "/stores/s000042")


def test_call_sends_typed_query_parameters_and_a_body(fake: FakeCollection, tmp_path: Path) -> None:
    listed = runner.invoke(
        app,
        ["call", "GET /stores", "count=2", "offset=10", "sort_direction=asc", *_connect(fake)],
        env=_env(),
    )
    assert listed.exit_code == 0, listed.output
    assert [s["store_id"] for s in json.loads(listed.stdout)["stores"]] == ["s000010", "s000011"]
    assert fake.requests[-1][2]["sort_direction"] == ["ASC"]

    body = {
        "store": {
            "store_id": "",
            "name": "New",
            "store_code": "N1",
            "partner_id": "p1",
            "system_id": "9",
        }
    }
    (tmp_path / "body.json").write_text(json.dumps(body))
    created = runner.invoke(
        app,
        ["call", "postStore", "--body", str(tmp_path / "body.json"), *_connect(fake)],
        env=_env(),
    )
    assert created.exit_code == 0, created.output
    assert json.loads(created.stdout) == {"store_id": "s999999"}
    assert fake.requests[-1][3]["store"]["name"] == "New"
    piped = runner.invoke(
        app,
        ["call", "postStore", "--body", "-", *_connect(fake)],
        env=_env(),
        input=json.dumps(body),
    )
    assert piped.exit_code == 0, piped.output


def test_call_errors_are_one_line_with_distinct_exit_codes(fake: FakeCollection) -> None:
    missing = runner.invoke(
        app, ["call", "getStore", "store_id=s999998", *_connect(fake)], env=_env()
    )
    assert missing.exit_code == 5
    assert missing.stdout == ""
    assert len(missing.stderr.strip().splitlines()) == 1
    assert missing.stderr.startswith("carecloud: NotFoundError: ")

    refused = runner.invoke(
        app,
        ["call", "getStore", "store_id=s1", *_connect(fake)],
        env={"CARECLOUD_BEARER_TOKEN": "wrong"},
    )
    assert refused.exit_code == 3
    assert "wrong" not in refused.stderr

    unknown = runner.invoke(app, ["call", "getStore", "colour=red", *_connect(fake)], env=_env())
    assert unknown.exit_code == 2
    assert "getStore has no parameter 'colour'" in unknown.stderr


def test_exit_codes_are_distinct_per_kind_of_failure() -> None:
    errors = {
        ConfigurationError("x"): 2,
        AuthenticationError(method="GET", path="/x", status=401, body=None): 3,
        BadRequestError(method="GET", path="/x", status=400, body=None): 4,
        NotFoundError(method="GET", path="/x", status=404, body=None): 5,
        RateLimitError(method="GET", path="/x", status=429, body=None): 6,
        ServerError(method="GET", path="/x", status=500, body=None): 7,
        APIConnectionError("GET", "/x", "refused"): 8,
        OutcomeUnknownError("POST", "/x", "lost"): 9,
        KeyboardInterrupt(): 130,
    }
    assert {error: exit_code_for(error) for error in errors} == errors
    documented = [code for code, _ in EXIT_CODES]
    assert len(set(documented)) == len(documented)
    assert set(errors.values()) <= set(documented)


def test_password_is_never_a_command_line_option(fake: FakeCollection) -> None:
    result = runner.invoke(app, ["call", "getStores", "--password", "hunter2", *_connect(fake)])
    assert result.exit_code == 2
    assert "No such option: --password" in result.output


def test_profile_from_config_file_with_password_file(
    fake: FakeCollection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.local]\nbase_url = "{fake.base_url}"\nbearer_token = "{TOKEN}"\n'
        '[profiles.broken]\npassword = "in-the-file"\n'
    )
    monkeypatch.setenv("CARECLOUD_CONFIG", str(config))
    result = runner.invoke(app, ["call", "getStore", "store_id=s000001", "--profile", "local"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["store_id"] == "s000001"

    broken = runner.invoke(app, ["call", "getStore", "store_id=s1", "--profile", "broken"])
    assert broken.exit_code == 2
    assert "holds a password; use password_file" in broken.stderr
    assert "in-the-file" not in broken.stderr
    absent = runner.invoke(app, ["call", "getStore", "store_id=s1", "--profile", "nope"])
    assert absent.exit_code == 2
    assert "profiles: broken, local" in absent.stderr


def test_mock_answers_from_the_embedded_mock() -> None:
    result = runner.invoke(app, ["call", "getStores", "--mock"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stores"][0]["store_id"]


def test_export_of_25000_items_writes_exactly_25000_unique_lines(
    fake: FakeCollection, tmp_path: Path
) -> None:
    out = tmp_path / "stores.jsonl"
    result = _export(fake, out, "--concurrency", "4")
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    assert len(lines) == 25_000
    assert len({json.loads(line)["store_id"] for line in lines}) == 25_000
    assert json.loads(lines[7]) == store(7)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stores.jsonl"]
    assert "exported 25000 items" in result.stderr


@pytest.mark.parametrize(
    ("policy", "expected_lines", "summary"),
    [("keep", 25_000, "kept as read"), ("skip", 24_997, "skipped")],
)
def test_items_that_do_not_match_the_schema_follow_the_policy_and_are_counted(
    fake: FakeCollection, tmp_path: Path, policy: str, expected_lines: int, summary: str
) -> None:
    fake.invalid = {5, 1_500, 24_999}
    out = tmp_path / "stores.jsonl"
    result = _export(fake, out, "--concurrency", "3", "--on-invalid-item", policy)
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["store_id"] for line in out.read_bytes().splitlines()]
    assert len(ids) == len(set(ids)) == expected_lines
    if policy == "skip":
        assert {"s000005", "s001500", "s024999"}.isdisjoint(ids)
        assert "s000006" in ids  # the walk does not shift past a skipped record
    assert f"exported {expected_lines} items" in result.stderr
    assert f"3 did not match the schema ({summary})" in result.stderr


def test_without_a_policy_jsonl_holds_every_item_exactly_as_the_server_sent_it(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """No --on-invalid-item: items are not checked, so a store with a number for its name
    is written as it came (not as read through the model) and no count is claimed."""
    fake.invalid = {5, 1_500, 24_999}
    out = tmp_path / "stores.jsonl"
    result = _export(fake, out, "--concurrency", "3")
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    assert len(lines) == 25_000
    sent = json.loads(lines[5])
    assert sent["store_id"] == "s000005"
    assert sent["name"] == 404  # the fake's deviation, unchanged
    assert [key for key in json.loads(lines[7])] == list(store(7))  # the server's key order
    assert "did not match the schema" not in result.stderr


def test_jsonl_lines_are_each_items_text_byte_for_byte_as_the_server_sent_it(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """Not decoded and encoded again: the server's spacing, a price with its trailing zero,
    an integer past 64 bits, an escape and raw UTF-8 reach the file as they came."""
    texts = [
        b'{"store_id": "s1", "price": 12.50}',
        b'{"store_id":"s2","points":1180591620717411303424,"name":"Caf\\u00e9 \xc5\xa0"}',
    ]
    page = b'{"data": {"stores": [' + b" ,  ".join(texts) + b'], "total_items": 2}}'
    fake.routes[("GET", "/stores")] = lambda query, body: (200, page)
    out = tmp_path / "stores.jsonl"
    result = _export(fake, out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"\n".join(texts) + b"\n"


def test_an_item_the_server_spreads_over_lines_is_written_on_one(
    fake: FakeCollection, tmp_path: Path
) -> None:
    fake.indent = 2
    fake.size = 40
    out = tmp_path / "stores.jsonl"
    result = _export(fake, out, "--page-size", "15")
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    assert [json.loads(line) for line in lines] == [store(i) for i in range(40)]


def test_without_msgspec_jsonl_holds_the_same_items_encoded_compactly(
    fake: FakeCollection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """msgspec comes with the cli extra; an install without it still exports, decoding
    each page and writing the same values."""
    fake.size = 30
    monkeypatch.setitem(sys.modules, "msgspec", None)
    out = tmp_path / "stores.jsonl"
    result = _export(fake, out, "--page-size", "7")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"".join(
        json.dumps(store(i), separators=(",", ":")).encode() + b"\n" for i in range(30)
    )


def test_csv_without_a_policy_still_reads_items_into_the_models(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """CSV lays its columns out from the models, so it reads (and counts) as ``keep``."""
    fake.invalid = {5}
    fake.size = 50
    out = tmp_path / "stores.csv"
    result = _export(fake, out)
    assert result.exit_code == 0, result.output
    assert "1 did not match the schema (kept as read)" in result.stderr


def test_skipped_items_keep_a_resumed_export_aligned(fake: FakeCollection, tmp_path: Path) -> None:
    fake.invalid = {10, 11_999, 12_500}
    out = tmp_path / "stores.jsonl"
    fake.fail_from = 12_000
    assert _export(fake, out, "--on-invalid-item", "skip").exit_code == 4
    fake.fail_from = None
    resumed = _export(fake, out, "--on-invalid-item", "skip", "--resume")
    assert resumed.exit_code == 0, resumed.output
    ids = [json.loads(line)["store_id"] for line in out.read_bytes().splitlines()]
    assert len(ids) == len(set(ids)) == 24_997
    assert "exported 24997 items" in resumed.stderr
    assert "3 did not match the schema (skipped)" in resumed.stderr


def test_an_unknown_invalid_item_policy_is_named() -> None:
    result = runner.invoke(
        app, ["export", "getStores", "-o", "x.jsonl", "--on-invalid-item", "drop"]
    )
    assert result.exit_code == 2
    assert "--on-invalid-item must be one of keep, skip, raw, raise, got 'drop'" in result.stderr


def test_resume_after_a_crash_mid_way_matches_an_uninterrupted_run(
    fake: FakeCollection, tmp_path: Path
) -> None:
    reference = tmp_path / "reference.jsonl"
    assert _export(fake, reference).exit_code == 0

    out = tmp_path / "stores.jsonl"
    fake.fail_from = 12_000
    crashed = _export(fake, out, "--concurrency", "3")
    assert crashed.exit_code == 4
    assert not out.exists()
    state = json.loads((tmp_path / "stores.jsonl.checkpoint.json").read_text())
    assert state["items"] == 12_000
    # A run killed between writing a page and its checkpoint leaves extra bytes: they go.
    with (tmp_path / "stores.jsonl.part").open("ab") as part:
        part.write(b'{"store_id":"s012000","half written')

    refused = _export(fake, out)
    assert refused.exit_code == 2
    assert "pass --resume to continue it or --restart" in refused.stderr

    fake.fail_from = None
    resumed = _export(fake, out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "resumed at item 12000" in resumed.stderr
    assert out.read_bytes() == reference.read_bytes()
    offsets = [int(q["offset"][0]) for m, p, q, _ in fake.requests if p == "/stores"]
    assert sorted(offsets[-13:]) == list(range(12_000, 25_000, 1000))


def test_resume_refuses_a_checkpoint_of_another_export(
    fake: FakeCollection, tmp_path: Path
) -> None:
    out = tmp_path / "stores.jsonl"
    fake.fail_from = 3000
    assert _export(fake, out).exit_code == 4
    other = _export(fake, out, "--resume", "system_id=2")
    assert other.exit_code == 2
    assert "belongs to another export" in other.stderr


def test_resume_refuses_to_mix_items_as_sent_with_items_read_as_models(
    fake: FakeCollection, tmp_path: Path
) -> None:
    """A run started with --on-invalid-item skip is not continued without it: the part file
    would hold checked items first and unchecked ones after."""
    out = tmp_path / "stores.jsonl"
    fake.fail_from = 3000
    assert _export(fake, out, "--on-invalid-item", "skip").exit_code == 4
    unchecked = _export(fake, out, "--resume")
    assert unchecked.exit_code == 2
    assert "items read as models, --on-invalid-item skip" in unchecked.stderr
    fake.fail_from = None
    same = _export(fake, out, "--resume", "--on-invalid-item", "skip")
    assert same.exit_code == 0, same.output
    assert len(out.read_bytes().splitlines()) == 25_000


def test_ctrl_c_leaves_resumable_state_and_no_output_file(
    fake: FakeCollection, tmp_path: Path
) -> None:
    reference = tmp_path / "reference.jsonl"
    assert _export(fake, reference).exit_code == 0

    out = tmp_path / "stores.jsonl"
    fake.gate_at = 5000
    command = [sys.executable, "-m", "carecloud_async.cli", "export", "getStores", "-o", str(out)]
    command += [*_connect(fake), "--page-size", "1000", "--concurrency", "2"]
    env = {**os.environ, **_env()}
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert fake.gate_reached.wait(30), "the export never reached the gate"
        proc.send_signal(signal.SIGINT)
        _, errors = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    fake.release()
    assert proc.returncode == 130, errors
    assert "interrupted" in errors
    assert "--resume" in errors
    assert not out.exists()
    state = json.loads((tmp_path / "stores.jsonl.checkpoint.json").read_text())
    assert 0 < state["items"] <= 5000
    assert (tmp_path / "stores.jsonl.part").stat().st_size >= state["bytes"]

    fake.gate_at = None
    resumed = _export(fake, out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert out.read_bytes() == reference.read_bytes()


def test_export_to_csv_flattens_with_dotted_columns_in_stable_order(
    fake: FakeCollection, tmp_path: Path
) -> None:
    fake.size = 10
    out = tmp_path / "stores.csv"
    result = _export(fake, out, "--page-size", "4")
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    with out.open(encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
    assert header[:5] == ["store_id", "store_code", "name", "partner_id", "system_id"]
    address = [c for c in header if c.startswith("store_address.")]
    assert address == ["store_address.address1", "store_address.zip", "store_address.city"]
    # The optional e-mail first appears on item 0 here; its column keeps the schema's place.
    assert header.index("contact_email") > header.index("store_address.city")
    assert rows[1]["contact_email"] == ""
    assert rows[3]["contact_email"] == "store3@example.com"
    assert rows[2]["store_address.city"] == "Prague"


def test_csv_columns_merge_late_optional_fields_in_place() -> None:
    records = [{"a": 1, "c": {"x": 1}}, {"a": 2, "b": [1, 2], "c": {"x": 2, "y": None}}]
    assert csv_columns(records) == ["a", "b", "c.x", "c.y"]
    assert flatten(records[1]) == {"a": "2", "b": "[1,2]", "c.x": "2", "c.y": ""}


def test_since_and_until_set_the_operations_date_filter(
    fake: FakeCollection, tmp_path: Path
) -> None:
    fake.routes[("GET", "/purchases")] = lambda q, b: (
        200,
        {"data": {"purchases": [], "total_items": 0}},
    )
    result = runner.invoke(
        app,
        [
            "export", "getPurchases", "-o", str(tmp_path / "p.jsonl"), *_connect(fake),
            "--since", "2026-01-01 00:00:00", "--until", "2026-01-31T12:00:00+00:00",
            "--project-timezone", "Europe/Prague",
        ],
        env=_env(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    query = fake.requests[-1][2]
    assert query["payment_time_from"] == ["2026-01-01 00:00:00"]
    assert query["payment_time_to"] == ["2026-01-31 13:00:00"]
    assert (tmp_path / "p.jsonl").read_bytes() == b""

    several = runner.invoke(
        app, ["export", "getStores", "-o", str(tmp_path / "s.jsonl"), "--since", "2026-01-01"]
    )
    assert several.exit_code == 2
    assert "getStores has no date filters" in several.stderr


def test_every_command_has_complete_help() -> None:
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    for command in ("ops", "call", "export"):
        assert command in top.stdout
        text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).stdout
        assert "Usage: carecloud " + command in " ".join(text.split())
    export_help = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200"}).stdout
    for option in ("--resume", "--since", "--until", "--page-size", "--concurrency", "--rate"):
        assert option in export_help


def test_progress_without_a_terminal_is_a_log_line_per_interval(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from carecloud_async.cli._app import _LogReporter

    now = [0.0]
    reporter = _LogReporter(interval=10.0, clock=lambda: now[0])
    reporter.advance(0, None)
    for done, at in ((1000, 1.0), (2000, 5.0), (3000, 11.5), (4000, 12.0), (5000, 22.0)):
        now[0] = at
        reporter.advance(done, 25_000)
    assert capsys.readouterr().err.splitlines() == [
        "carecloud: exported 1000/25000 items (4%)",
        "carecloud: exported 3000/25000 items (12%)",
        "carecloud: exported 5000/25000 items (20%)",
    ]


def test_progress_bar_takes_its_total_from_total_items() -> None:
    from carecloud_async.cli._app import _BarReporter

    reporter = _BarReporter("getStores")
    try:
        reporter.advance(0, None)
        reporter.advance(500, 25_000)
        task = reporter._progress.tasks[0]
        assert (task.completed, task.total) == (500, 25_000)
    finally:
        reporter.close()


def test_ops_on_a_terminal_prints_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    import carecloud_async.cli._app as cli_app

    monkeypatch.setattr(cli_app, "_stdout_is_terminal", lambda: True)
    result = runner.invoke(app, ["ops", "getStores"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Python name" in result.stdout
    assert "client.stores.get_stores" in result.stdout


def test_without_the_cli_extra_the_command_says_how_to_install_it() -> None:
    code = (
        "import sys\n"
        "sys.modules['typer'] = None\n"  # what a missing package looks like to import
        "from carecloud_async.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert "pip install 'carecloud-async[cli]'" in done.stderr


def test_module_entry_point_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "carecloud_async.cli", "ops", "show", "getStores"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("getStores: GET /stores")


def test_settings_precedence_and_where_the_password_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carecloud_async.cli._config import load_settings

    secret = tmp_path / "prod.password"
    secret.write_text("from-the-file\n")
    config = tmp_path / "config.toml"
    config.write_text(
        '[profiles.default]\nproject_url = "default.example.com"\nlogin = "etl"\n'
        'project_timezone = "UTC"\n'
        f'[profiles.prod]\nproject_url = "prod.example.com"\npassword_file = "{secret}"\n'
    )
    monkeypatch.setenv("CARECLOUD_CONFIG", str(config))
    monkeypatch.setenv("CARECLOUD_PROJECT_URL", "env.example.com")
    monkeypatch.setenv("CARECLOUD_PROJECT_TIMEZONE", "Europe/Prague")
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return "typed"

    plain = load_settings(profile=None, overrides={}, prompt=prompt)
    assert plain.values["project_url"] == "env.example.com"
    assert plain.values["project_timezone"] == "Europe/Prague"
    assert plain.password == "typed"
    assert asked == ["Password for etl"]
    assert "typed" not in repr(plain)

    prod = load_settings(profile="prod", overrides={"login": "ops"}, prompt=prompt)
    assert prod.values["project_url"] == "prod.example.com"
    assert prod.values["login"] == "ops"
    assert prod.password == "from-the-file"

    monkeypatch.setenv("CARECLOUD_PASSWORD", "from-env")
    assert load_settings(profile="prod", overrides={}, prompt=None).password == "from-env"


def test_since_that_is_not_a_date_time_names_the_parameter(
    fake: FakeCollection, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "export",
            "getPurchases",
            "-o",
            str(tmp_path / "p.jsonl"),
            *_connect(fake),
            "--since",
            "yesterday",
        ],
        env=_env(),
    )
    assert result.exit_code == 2
    assert "payment_time_from" in result.stderr
    assert list(tmp_path.iterdir()) == [], "a run that got nothing leaves nothing to resume"


def test_json_lines_keep_non_ascii_and_turn_dates_enums_and_models_into_json() -> None:
    """One line per item, compact, UTF-8 as is; values ``to_dict`` leaves alone are converted."""
    from datetime import date, datetime
    from enum import Enum

    from carecloud_openapi.models import Store

    from carecloud_async.cli._export import encode_lines

    class Colour(Enum):
        BLUE = "blue"

    model = Store.from_dict({**store(1), "name": "Plzeň sklad č. 2"})
    raw = {"when": datetime(2024, 3, 1, 8, 30), "day": date(2024, 3, 1), "colour": Colour.BLUE}
    lines = encode_lines([model, raw, {"nested": model}]).decode("utf-8").splitlines()
    assert len(lines) == 3
    assert '"name":"Plzeň sklad č. 2"' in lines[0]
    assert ", " not in lines[0]  # compact separators
    assert '": ' not in lines[0]
    assert json.loads(lines[0]) == model.to_dict()
    assert json.loads(lines[1]) == {
        "when": "2024-03-01T08:30:00",
        "day": "2024-03-01",
        "colour": "blue",
    }
    assert json.loads(lines[2]) == {"nested": model.to_dict()}


@pytest.mark.parametrize(("every", "writes"), [(3600.0, 2), (0.0, 27)])
def test_checkpoints_are_written_at_most_every_so_often_and_when_the_run_stops(
    fake: FakeCollection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    every: float,
    writes: int,
) -> None:
    """A checkpoint per page costs a file write and a rename: they are spaced out in time,
    and the state at the end is always saved: the start, the pages due, the last one."""
    from carecloud_async.cli import _export as export_module

    written: list[int] = []
    original = export_module._write_checkpoint

    def counting(job: Any, done: Any) -> None:
        written.append(done.items)
        original(job, done)

    monkeypatch.setattr(export_module, "CHECKPOINT_EVERY", every)
    monkeypatch.setattr(export_module, "_write_checkpoint", counting)
    out = tmp_path / "stores.jsonl"
    assert _export(fake, out).exit_code == 0
    assert len(written) == writes
    assert written[0] == 0
    assert written[-1] == 25_000
    assert len(out.read_bytes().splitlines()) == 25_000


def test_an_error_mid_run_saves_the_last_page_written_even_between_checkpoints(
    fake: FakeCollection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carecloud_async.cli import _export as export_module

    monkeypatch.setattr(export_module, "CHECKPOINT_EVERY", 3600.0)
    out = tmp_path / "stores.jsonl"
    fake.fail_from = 7_000
    assert _export(fake, out).exit_code == 4
    state = json.loads((tmp_path / "stores.jsonl.checkpoint.json").read_text())
    assert state["items"] == 7_000
    assert state["bytes"] == (tmp_path / "stores.jsonl.part").stat().st_size


def test_the_pure_python_line_encoder_writes_the_same_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Interpreters without json's C encoder get the same compact, UTF-8 lines."""
    import json.encoder
    from datetime import date

    from carecloud_async.cli import _export as export_module

    value = {"name": "Plzeň", "day": date(2024, 3, 1), "list": [1, 2.5, None, True]}
    with_c = export_module._line_encoder()(value)
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    assert export_module._line_encoder()(value) == with_c
    assert with_c == '{"name":"Plzeň","day":"2024-03-01","list":[1,2.5,null,true]}'


def test_orjson_and_the_standard_library_write_the_same_bytes() -> None:
    """The export encodes with orjson when installed; a line never depends on which one
    wrote it, down to integers past 64 bits (orjson refuses them: that page falls back)."""
    from datetime import UTC, date, datetime
    from enum import StrEnum

    from carecloud_openapi.models import PropertyRecord, Store

    from carecloud_async.cli import _export as export_module

    pytest.importorskip("orjson")

    class Colour(StrEnum):
        BLUE = "blue"

    record = PropertyRecord.from_dict({"property_id": "x", "property_value": [1, "č"], "new": 1})
    items: list[Any] = [
        {"name": "Plzeň\u2028", "list": [1, 2.5, None, True], "empty": {}},
        {"when": datetime(2024, 3, 1, 8, 30, 0, 5, tzinfo=UTC), "day": date(2024, 3, 1)},
        {"colour": Colour.BLUE, 7: "key that is not a string", "record": record},
        Store.from_dict(store(3)),
        {"big": 2**70},
    ]
    assert export_module.encode_lines is not export_module._stdlib_lines
    for item in items:
        assert export_module.encode_lines([item]) == export_module._stdlib_lines([item]), item
    assert export_module.encode_lines(items) == export_module._stdlib_lines(items)
