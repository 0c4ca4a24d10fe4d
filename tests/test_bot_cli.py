"""`python bot.py` as a newcomer or an operator runs it: real processes, exit codes, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import create_engine, text

from tests.support.samples import ROOT, SAMPLE

BOT = str(ROOT / "bot.py")


def run(*args, cwd, env=None, stdin=None, timeout=60):
    environment = {"PATH": os.environ["PATH"], "HOME": str(cwd), **(env or {})}
    return subprocess.run(
        [sys.executable, BOT, *args],
        cwd=cwd,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_refusal(result, *fragments):
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"TRIPDESK_TZ": "Europe/Pariss"}, "TRIPDESK_TZ"),
        ({"PORT": "eighty"}, "PORT"),
        ({"DATABASE_URL": "oracle://x"}, "DATABASE_URL"),
        ({"SLACK_BOT_TOKEN": "not-a-token"}, "SLACK_BOT_TOKEN"),
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
    ],
)
def test_bad_configuration_is_one_line_and_status_2(tmp_path, env, fragment):
    assert_one_line_refusal(run(cwd=tmp_path, env=env), fragment)


def test_unknown_command_is_one_line_and_status_2(tmp_path):
    assert_one_line_refusal(run("launch", cwd=tmp_path), "invalid choice")


def test_unreachable_database_is_one_line(tmp_path):
    result = run("migrate", cwd=tmp_path, env={"DATABASE_URL": f"sqlite:///{tmp_path}/missing-dir/x.db"})
    assert_one_line_refusal(result, "cannot open the database")


def test_import_twice_changes_nothing_the_second_time(tmp_path):
    first = run("import", str(SAMPLE), "--team", "T0NEWSROOM", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "8 new, 0 updated, 0 unchanged" in first.stdout
    second = run("import", str(SAMPLE), "--team", "T0NEWSROOM", cwd=tmp_path)
    assert "0 new, 0 updated, 8 unchanged" in second.stdout


def count_events(tmp_path) -> int:
    engine = create_engine(f"sqlite:///{tmp_path}/tripdesk.db")
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM events")).scalar()


def test_a_broken_event_is_skipped_and_listed_and_the_rest_imported(tmp_path):
    good = SAMPLE.read_text(encoding="utf-8")
    broken = good.replace("DTSTART;VALUE=DATE:20240405", "DTSTART;VALUE=DATE:2024-04-05")
    broken = broken.replace("UID:blinken-azoulay-unesco-2024-04-02@samples.tripdesk\n", "")
    (tmp_path / "broken.ics").write_text(broken, encoding="utf-8")
    result = run("import", "broken.ics", "--team", "T0NEWSROOM", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary, skipped, note = result.stdout.strip().splitlines()
    assert summary == (
        "Imported 7 events from broken.ics: 7 new, 0 updated, 0 unchanged; "
        "skipped 1 that could not be imported; 1 note on what was imported"
    )
    assert skipped.startswith("skipped event 'us-eu-armenia-2024-04-05@samples.tripdesk': ")
    assert note == (
        "note: event 'Blinken at UNESCO headquarters, meets Audrey Azoulay': "
        "it has no UID; it was given one made from its start, title and place"
    )
    assert count_events(tmp_path) == 7


def test_a_file_that_is_not_icalendar_imports_nothing(tmp_path):
    (tmp_path / "notes.ics").write_text("BEGIN:VCALENDAR\nthis is not iCalendar\n", encoding="utf-8")
    result = run("import", "notes.ics", "--team", "T0NEWSROOM", cwd=tmp_path)
    assert_one_line_refusal(result, "nothing was changed", "not an iCalendar file")
    run("migrate", cwd=tmp_path)
    assert count_events(tmp_path) == 0


def test_an_import_the_database_refuses_says_so_in_one_line(tmp_path):
    """Another process holds SQLite's write lock for longer than an import waits."""
    import sqlite3

    assert run("migrate", cwd=tmp_path).returncode == 0
    other = sqlite3.connect(tmp_path / "tripdesk.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = run("import", str(SAMPLE), "--team", "T0NEWSROOM", cwd=tmp_path)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.returncode == 1, result
    assert result.stderr.strip().splitlines() == [
        "bot.py: import failed, nothing was changed: the database refused it (database is locked)"
    ]
    assert count_events(tmp_path) == 0


def test_import_refusals(tmp_path):
    assert_one_line_refusal(run("import", "nowhere.ics", "--team", "T1", cwd=tmp_path), "no such file: nowhere.ics")
    (tmp_path / "notes.txt").write_text("hello")
    assert_one_line_refusal(run("import", "notes.txt", "--team", "T1", cwd=tmp_path), "not an iCalendar file")
    assert_one_line_refusal(run("import", str(SAMPLE), cwd=tmp_path), "--team")


@pytest.fixture
def web(tmp_path):
    (tmp_path / "feed.ics").write_bytes(SAMPLE.read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_import_from_a_url(tmp_path, web):
    ok = run("import", f"{web}/feed.ics", "--team", "T1", cwd=tmp_path)
    assert ok.returncode == 0 and "8 new" in ok.stdout
    assert_one_line_refusal(run("import", f"{web}/gone.ics", "--team", "T1", cwd=tmp_path), "HTTP 404")
    assert_one_line_refusal(
        run("import", "http://127.0.0.1:9/feed.ics", "--team", "T1", cwd=tmp_path), "could not fetch"
    )


def test_credentials_in_an_import_url_are_never_printed(tmp_path, web):
    secrets = ("pa55word", "t0ken-value")
    port = web.rsplit(":", 1)[1]
    url = f"http://desk:pa55word@127.0.0.1:{port}/feed.ics?token=t0ken-value&lang=en"
    ok = run("import", url, "--team", "T1", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert f"from http://[redacted]@127.0.0.1:{port}/feed.ics?token=[redacted]&lang=[redacted]: 8 new" in ok.stdout
    gone = run("import", url.replace("feed.ics", "gone.ics"), "--team", "T1", cwd=tmp_path)
    assert_one_line_refusal(gone, "HTTP 404", "/gone.ics")
    mistyped = run(url, cwd=tmp_path)  # the command forgotten: argparse quotes what was typed
    assert_one_line_refusal(mistyped, "invalid choice")
    for result in (ok, gone, mistyped):
        assert not any(secret in result.stdout + result.stderr for secret in secrets), result


def test_import_looks_up_the_workspace_with_the_bot_token(tmp_path, fake_slack):
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake_slack.base_url}
    result = run("import", str(SAMPLE), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert [c.method for c in fake_slack.calls] == ["auth.test"]


def test_console_reads_commands_from_standard_input(tmp_path):
    result = run("console", "--sample", cwd=tmp_path, stdin="/trip blinken\n/trip blinkin\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in (
        "blinken: 8 upcoming events",
        "Élysée Palace, Paris",
        "NATO headquarters, Brussels",
        "Washington",
        "Séjourné",
        "Lecornu",
        "Azoulay",
        "Pashinyan",
    ):
        assert expected in out
    assert "Did you mean Blinken?" in out
    assert "Traceback" not in result.stderr


def test_the_console_waits_for_what_a_command_reports_after_its_answer(tmp_path, web):
    """`/trip feeds add` answers at once and reports the first sync afterwards: the console
    must not stop its local Slack while that report is on its way."""
    result = run(
        "console",
        cwd=tmp_path,
        env={"TRIPDESK_FEEDS_PRIVATE": "true"},
        stdin=f"/trip feeds add {web}/feed.ics Ministry\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Added feed 1" in result.stdout
    assert "8 events: 8 new" in result.stdout
    assert "not delivered" not in result.stderr and "Traceback" not in result.stderr


def slack_env(fake_slack, **extra):
    return {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": fake_slack.base_url,
        **extra,
    }


def test_a_refused_bot_token_stops_the_bot_with_one_line(tmp_path, fake_slack):
    fake_slack.fail("auth.test", "invalid_auth")
    assert_one_line_refusal(
        run(cwd=tmp_path, env=slack_env(fake_slack)), "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"
    )


def test_a_refused_app_token_stops_socket_mode_with_one_line(tmp_path, fake_slack):
    fake_slack.fail("apps.connections.open", "invalid_auth")
    result = run(cwd=tmp_path, env=slack_env(fake_slack, SLACK_APP_TOKEN="xapp-test"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    # The Socket Mode client logs its own error first; ours is the last line.
    assert (
        result.stderr.strip().splitlines()[-1].startswith("bot.py: SLACK_APP_TOKEN was refused by Slack (invalid_auth)")
    )
    # The token is checked (bot.py, then Bolt once at construction), then the socket refused.
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == ["apps.connections.open"]


def test_the_history_names_the_feed_without_its_key(tmp_path, web):
    assert run("import", f"{web}/feed.ics?key=s3cret-feed-key", "--team", "T1", cwd=tmp_path).returncode == 0
    engine = create_engine(f"sqlite:///{tmp_path}/tripdesk.db")
    with engine.connect() as connection:
        sources = connection.execute(text("SELECT DISTINCT imported_from FROM event_changes")).scalars().all()
    assert sources == [f"{web}/feed.ics?key=[redacted]"]
