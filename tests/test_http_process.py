"""The bot as it runs in production: `python bot.py` in HTTP mode on uvicorn, pointed at the
fake Slack, answering signed requests; then stopped with SIGTERM."""

from __future__ import annotations

import json
import signal
import statistics
import subprocess
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import select

from services.calendar_feed import feed_token
from storage.db import session
from storage.models import Event, Reminder
from tests.support.bot_process import bot_env, free_port, import_file, start_bot, stop_bots
from tests.support.raw_http import send_and_read_status
from tests.support.samples import ROOT, SAMPLE
from tests.support.schedule import TEAM, add_event, bring_forward
from tests.support.slack_requests import SIGNING_SECRET, command_body, sign
from tests.support.waiting import wait_until


def wall_clock() -> datetime:
    return datetime.now(UTC)


def reminder_statuses(engine) -> dict[str, str]:
    """Event title → status of its one-hour reminder."""
    with session(engine) as db:
        rows = db.exec(select(Event.title, Reminder.status).join(Event).where(Reminder.lead_minutes == 60))
        return dict(rows.all())


def title(post) -> str:
    """The event's title in a reminder's text: "In 1 hour: <title> — ..."."""
    return post.payload["text"].split(": ", 1)[1].split(" —")[0]


def wait_for_a_later_pass(engine, fake_slack, timeout: float = 30) -> None:
    """Schedule a reminder due in a second, in a channel of its own, and wait until it is posted:
    the delivery pass that posts it began after everything already marked sent had been posted,
    and would have posted anything it could still claim again."""
    start = wall_clock() + timedelta(hours=1, seconds=1)
    add_event(engine, wall_clock, title="Marker", start=start, channel="C0MARKER")
    wait_until(lambda: fake_slack.posts("C0MARKER"), timeout=timeout)


@pytest.fixture
def process(tmp_path, database_url, engine, fake_slack):
    env = bot_env(tmp_path, database_url, fake_slack)
    import_file(SAMPLE, env, tmp_path)
    bot, base = start_bot(env, tmp_path)
    yield bot, base
    if bot.poll() is None:
        bot.kill()
    bot.wait(timeout=10)


def test_signed_trip_blinken_over_http(process):
    _bot, base = process
    body = command_body("blinken")
    started = time.monotonic()
    response = httpx.post(
        f"{base}/slack/events",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **sign(body)},
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < 3
    message = json.loads(response.text)
    text = json.dumps(message, ensure_ascii=False)
    # Real time is past April 2024: the most recent past events are shown, the whole trip among them.
    for expected in ("Paris", "Brussels", "Washington", "Macron", "Séjourné", "Lecornu", "Azoulay", "Pashinyan"):
        assert expected in text


def test_forged_requests_get_401(process):
    _bot, base = process
    body = command_body("blinken")
    response = httpx.post(
        f"{base}/slack/events",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret="forged")},
    )
    assert response.status_code == 401


def test_logs_are_json_lines_with_request_ids_and_no_secret(tmp_path, database_url, engine, fake_slack):
    token = "xoxb-2222222222-3333333333-SeCrEtToKeNvAlUe0123456789"
    env = {**bot_env(tmp_path, database_url, fake_slack), "SLACK_BOT_TOKEN": token}
    bot, base = start_bot(env, tmp_path)
    try:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        body = command_body("blinken")
        assert httpx.post(f"{base}/slack/events", content=body, headers={**form, **sign(body)}).status_code == 200
        forged = command_body("blinken")
        assert (
            httpx.post(
                f"{base}/slack/events", content=forged, headers={**form, **sign(forged, secret="forged")}
            ).status_code
            == 401
        )
        fake_slack.fail("views.open", "invalid_auth")  # an error Slack answers with, logged with its context
        add = command_body("add")
        reply = httpx.post(f"{base}/slack/events", content=add, headers={**form, **sign(add)})
        assert "Slack could not open the form (invalid_auth)" in reply.text
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=15)
    log = open(bot.log_path).read()
    assert token not in log and SIGNING_SECRET not in log
    # Nor anything from the forged request's body: its response URL, its token field.
    assert "hooks.slack.com/commands" not in log and "gIkuvaNzQIHg97ATvDxqgjtO" not in log
    entries = [json.loads(line) for line in log.splitlines() if line.strip()]  # every line is one JSON object
    requests = [e for e in entries if e["msg"].startswith("slack request")]
    assert len(requests) == 3 and all(e["request"].startswith("r-") for e in requests)
    (failure,) = [e for e in entries if e["msg"].startswith("views.open failed")]
    assert failure["level"] == "error" and "error=invalid_auth" in failure["msg"]
    assert failure["request"] == next(
        e["request"] for e in requests if "name=/trip" in e["msg"] and "status=200" in e["msg"] and e is not requests[0]
    )


def test_env_files_stay_out_of_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0


def test_sigterm_stops_the_bot_quickly(process):
    bot, _base = process
    started = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    # uvicorn shuts down cleanly, then re-raises the signal so that supervisors see why it stopped.
    assert bot.wait(timeout=10) == -signal.SIGTERM
    assert time.monotonic() - started < 10
    assert "Finished server process" in open(bot.log_path).read()


def test_killed_before_a_reminder_is_due_it_is_sent_once_after_restart(tmp_path, database_url, engine, fake_slack):
    env = {**bot_env(tmp_path, database_url, fake_slack), "TRIPDESK_SWEEP_SECONDS": "1"}
    start = datetime.now(UTC) + timedelta(days=1)  # moved due once the bot is dead: setup takes what it takes
    stamp = f"{start:%Y%m%dT%H%M%SZ}"
    events = "".join(
        f"BEGIN:VEVENT\nUID:{uid}@test\nDTSTAMP:20240101T000000Z\nSUMMARY:{title}\nDTSTART:{stamp}\n"
        f"LOCATION:Élysée Palace, Paris, France\nSTATUS:{status}\nCATEGORIES:Press conference\nEND:VEVENT\n"
        for uid, title, status in (
            ("live", "Joint press conference", "CONFIRMED"),
            ("off", "Cancelled briefing", "CANCELLED"),
        )
    )
    (tmp_path / "soon.ics").write_text(
        f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n{events}END:VCALENDAR\n", encoding="utf-8"
    )
    bot, _base = start_bot(env, tmp_path)
    import_file(tmp_path / "soon.ics", env, tmp_path)
    bot.send_signal(signal.SIGKILL)
    bot.wait(timeout=10)
    due = datetime.now(UTC) + timedelta(seconds=1)
    bring_forward(engine, titled="Joint press conference", first_due=due)
    while datetime.now(UTC) < due + timedelta(seconds=2):
        time.sleep(0.2)
    assert fake_slack.posts() == []  # nobody was running at the due time
    bot, _base = start_bot(env, tmp_path)
    try:
        wait_until(lambda: reminder_statuses(engine).get("Joint press conference") == "sent", timeout=15)
        wait_for_a_later_pass(engine, fake_slack)
    finally:
        stop_bots(bot)
    posts = fake_slack.posts()
    assert [p.payload["channel"] for p in posts] == ["C0FOREIGN", "C0MARKER"]
    assert posts[0].payload["text"].startswith("In 1 hour: Joint press conference")
    assert reminder_statuses(engine) == {"Joint press conference": "sent", "Marker": "sent"}


def test_two_bot_processes_deliver_500_reminders_exactly_once(tmp_path, database_url, engine, fake_slack):
    if engine.dialect.name != "postgresql":
        pytest.skip("replicas share PostgreSQL in production; SQLite is for a single bot")

    fake_slack.post_interval = 1.0  # Slack's one message a second per channel, with 429 beyond it
    env = {**bot_env(tmp_path, database_url, fake_slack), "TRIPDESK_SWEEP_SECONDS": "1"}
    bots = [start_bot({**env, "PORT": str(free_port())}, tmp_path) for _ in range(2)]
    try:
        start = datetime.now(UTC) + timedelta(days=1)
        channels = [f"C0DESK{n:02d}" for n in range(20)]
        for n in range(500):
            add_event(engine, wall_clock, title=f"Meeting {n:03d}", start=start, channel=channels[n % 20])
        bring_forward(engine, titled="Meeting", first_due=datetime.now(UTC) + timedelta(seconds=2))
        deadline = time.monotonic() + 150
        while set(reminder_statuses(engine).values()) != {"sent"} and time.monotonic() < deadline:
            time.sleep(0.5)
        wait_for_a_later_pass(engine, fake_slack)
        assert all(bot.poll() is None for bot, _ in bots)
    finally:
        stop_bots(*(bot for bot, _ in bots))
    titles = [title(post) for post in fake_slack.posts() if post.payload["channel"] != "C0MARKER"]
    assert len(set(titles)) == 500, f"lost {500 - len(set(titles))}"
    assert len(titles) == 500, f"{len(titles) - len(set(titles))} duplicates"


def test_sigterm_mid_burst_leaves_nothing_claimed_and_a_restart_finishes_the_job(
    tmp_path, database_url, engine, fake_slack
):
    fake_slack.post_interval = 1.0
    env = {**bot_env(tmp_path, database_url, fake_slack), "TRIPDESK_SWEEP_SECONDS": "1"}
    bot, _ = start_bot(env, tmp_path)
    start = datetime.now(UTC) + timedelta(days=1)
    for n in range(30):
        add_event(engine, wall_clock, title=f"Meeting {n:02d}", start=start, channel=("C0DESK01", "C0DESK02")[n % 2])
    bring_forward(engine, titled="Meeting", first_due=datetime.now(UTC) + timedelta(seconds=1))
    wait_until(lambda: len(fake_slack.posts()) >= 4, timeout=30)  # two a channel: the burst is under way
    stopping = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    bot.wait(timeout=15)
    assert time.monotonic() - stopping < 10
    with session(engine) as db:
        statuses = [r.status for r in db.exec(select(Reminder))]
    assert "sending" not in statuses and "pending" in statuses
    sent_before = len(fake_slack.posts())
    bot, _ = start_bot(env, tmp_path)
    try:
        wait_until(lambda: set(reminder_statuses(engine).values()) == {"sent"}, timeout=60)
        wait_for_a_later_pass(engine, fake_slack)
    finally:
        stop_bots(bot)
    titles = [title(post) for post in fake_slack.posts()]
    assert sent_before < 30 and sorted(titles) == sorted([f"Meeting {n:02d}" for n in range(30)] + ["Marker"])


def test_unsigned_floods_do_not_hold_up_signed_requests(process):
    """Large and deeply nested unsigned bodies from several clients at once, for a few seconds,
    while Slack's own requests must still be answered well inside its 3 seconds."""
    _bot, base = process
    port = int(base.rsplit(":", 1)[1])
    large = b"a=%5B&" * (8 * 1024 * 1024 // 6)  # a million fields to parse
    nested = ("payload=" + "[" * 200_000).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    stop = threading.Event()
    outcomes: Counter = Counter()

    def flood(body: bytes, kind: str) -> None:
        for _ in range(2000):  # bounded even if the flood never slows down
            if stop.is_set():
                return
            headers = {**form, **sign("forged"), "Content-Length": str(len(body))}
            try:
                status, _seconds = send_and_read_status(port, headers=headers, parts=[body], timeout=10)
            except OSError:
                status = None  # the server gave up on the connection: a refusal too
            outcomes[kind, status] += 1

    flooders = [threading.Thread(target=flood, args=(large, "large")) for _ in range(4)]
    flooders += [threading.Thread(target=flood, args=(nested, "nested")) for _ in range(2)]
    for thread in flooders:
        thread.start()
    trip, healthz = [], []
    try:
        time.sleep(0.5)  # the flood is under way
        until = time.monotonic() + 5
        while time.monotonic() < until:
            body = command_body("blinken")
            started = time.monotonic()
            response = httpx.post(f"{base}/slack/events", content=body, headers={**form, **sign(body)}, timeout=10)
            trip.append(time.monotonic() - started)
            assert response.status_code == 200 and "Paris" in response.text
            started = time.monotonic()
            assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
            healthz.append(time.monotonic() - started)
    finally:
        stop.set()
        for thread in flooders:
            thread.join(timeout=30)
    print(
        f"during the flood: /trip max {max(trip) * 1000:.0f} ms, median {statistics.median(trip) * 1000:.0f} ms; "
        f"/healthz max {max(healthz) * 1000:.0f} ms; refusals {dict(outcomes)}"
    )
    assert max(trip) < 1.5 and max(healthz) < 1.5
    # Nested bodies are refused for their signature, without being parsed; large ones for their size.
    assert {status for (kind, status) in outcomes if kind == "nested"} == {401}
    # None: the server answered 413 and closed the connection while the body was still being sent.
    assert {status for (kind, status) in outcomes if kind == "large"} <= {413, None}


def test_the_calendar_feed_is_rendered_at_start_and_served(tmp_path, database_url, engine, fake_slack):
    env = {**bot_env(tmp_path, database_url, fake_slack), "TRIPDESK_PUBLIC_URL": "https://tripdesk.example.org"}
    import_file(SAMPLE, env, tmp_path)
    token = feed_token(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=wall_clock())
    bot, base = start_bot(env, tmp_path)
    try:
        wait_until(lambda: "calendar feeds rendered at start count=1" in open(bot.log_path).read(), timeout=15)
        response = httpx.get(f"{base}/calendar/{token}.ics")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert response.text.count("BEGIN:VEVENT") == 8
        assert (
            httpx.get(f"{base}/calendar/{token}.ics", headers={"If-None-Match": response.headers["etag"]}).status_code
            == 304
        )
        assert token not in open(bot.log_path).read()
    finally:
        stop_bots(bot)
