"""The database failing under the bot: PostgreSQL restarted or unreachable, SQLite locked by
another writer, the disk full during an import. Users are told the schedule is unavailable,
nothing is half-written, and the bot carries on by itself once the database is back."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import select

from handlers.replies import UNAVAILABLE
from services.importing import import_calendar
from storage.db import make_engine, session
from storage.models import Event, EventTerm, Reminder, Trip
from tests.support.bot_server import BotServer
from tests.support.clock import at
from tests.support.forms import VALID, open_form
from tests.support.samples import load_ics
from tests.support.schedule import START, TEAM, add_event
from tests.support.tcp_proxy import TcpProxy
from tests.support.views import submission
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app

ACK_LIMIT = 3.0


def postgres_only(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL restarts and outages; SQLite, a file, has none (its faults are tested below)")


def sqlite_only(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file lock and page limit; PostgreSQL's faults are tested above")


def count(engine, model) -> int:
    with session(engine) as db:
        return len(db.exec(select(model)).all())


def generated_ics(events: int) -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:fault-{n}@test\r\nDTSTAMP:20240301T000000Z\r\nSUMMARY:Meeting {n} on Ukraine\r\n"
        f"DTSTART;TZID=Europe/Paris:2027{1 + n % 12:02d}{1 + n % 28:02d}T100000\r\n"
        f"LOCATION:Foreign ministry\\, Paris\\, France\r\n"
        f"ATTENDEE;CN=Antony Blinken:mailto:a@example.org\r\n"
        f"DESCRIPTION:{'Talks on security guarantees. ' * 20}\r\nEND:VEVENT\r\n"
        for n in range(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()


# -- PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.usefixtures("sample")
def test_a_restarted_postgresql_is_reconnected_to_without_an_error(bot, engine):
    postgres_only(engine)
    assert "Paris" in json.loads(bot.command("blinken").text)["text"]  # the pool now holds connections
    admin = create_engine(engine.url, poolclass=NullPool)
    with admin.connect() as connection:
        # What a restart does to every connection the bot holds.
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    admin.dispose()
    assert killed >= 1
    # The first use of a pooled connection after the restart: without pre-ping it would be a dead one.
    assert bot.http.get("/healthz").status_code == 200
    assert "Paris" in json.loads(bot.command("blinken").text)["text"]


@pytest.fixture
def behind_proxy(engine, ctx):
    """A second bot whose database connections go through a relay the test can cut."""
    postgres_only(engine)
    url = make_url(ctx.settings.database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    cut_engine = make_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    cut_ctx = replace(ctx, engine=cut_engine)
    server = BotServer(asgi_app(engine=cut_engine, bolt=create_app(cut_ctx))).start()
    yield proxy, server, cut_ctx
    server.stop()
    proxy.down()
    cut_engine.dispose()


@pytest.mark.usefixtures("sample")
def test_while_postgresql_is_down_users_are_told_and_nothing_is_half_written(behind_proxy, fake_slack, engine):
    proxy, bot, _ = behind_proxy
    view = open_form(bot, fake_slack)["view"]
    assert "Paris" in json.loads(bot.command("blinken").text)["text"]
    events_before = count(engine, Event)
    proxy.down()

    started = time.monotonic()
    reply = json.loads(bot.command("blinken").text)
    assert time.monotonic() - started < ACK_LIMIT and reply["text"] == UNAVAILABLE

    started = time.monotonic()
    answer = json.loads(bot.submit(submission(view, VALID)).text)
    assert time.monotonic() - started < ACK_LIMIT
    assert answer == {"response_action": "errors", "errors": {"title": UNAVAILABLE}}
    assert json.loads(bot.command("history blinken").text)["text"] == UNAVAILABLE
    assert bot.http.get("/healthz").status_code == 503
    assert count(engine, Event) == events_before

    proxy.up()
    assert "Paris" in json.loads(bot.command("blinken").text)["text"]
    assert json.loads(bot.submit(submission(view, VALID)).text)["response_action"] == "update"
    assert count(engine, Event) == events_before + 1
    assert bot.http.get("/healthz").status_code == 200


def test_reminders_due_while_postgresql_is_down_go_out_when_it_is_back(
    behind_proxy, engine, clock, fake_slack, make_deliverer
):
    proxy, _, cut_ctx = behind_proxy
    add_event(engine, clock, start=START)
    deliverer = make_deliverer(engine_=cut_ctx.engine)
    proxy.down()
    at(clock, START - timedelta(hours=1))
    assert deliverer.run_once() is None  # nothing delivered, nothing raised
    proxy.up()
    at(clock, clock() + timedelta(minutes=2))
    deliverer.run_once()
    with session(engine) as db:
        assert db.exec(select(Reminder.status)).one() == "sent"
    assert len(fake_slack.posts()) == 1


def test_an_import_cut_off_midway_leaves_nothing(behind_proxy, engine):
    proxy, _, cut_ctx = behind_proxy
    data = generated_ics(3000)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            import_calendar(
                cut_ctx.engine,
                team_id=TEAM,
                data=data,
                fallback_tz="Europe/Paris",
                actor="import",
                now=datetime.now(UTC),
            )
        except BaseException as error:  # noqa: BLE001 (the test inspects it)
            failure.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.5)  # parsing is done in well under this; the rows are being written
    proxy.down()
    worker.join(timeout=30)
    assert failure, "the import finished before the cut; make it bigger"
    assert (count(engine, Event), count(engine, Trip), count(engine, EventTerm)) == (0, 0, 0)


# -- SQLite ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("sample")
def test_sqlite_locked_by_another_writer(bot, fake_slack, engine, ctx):
    sqlite_only(engine)
    view = open_form(bot, fake_slack)["view"]
    before = count(engine, Event)
    other = sqlite3.connect(make_url(ctx.settings.database_url).database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing, holding the write lock
    try:
        started = time.monotonic()
        answer = json.loads(bot.submit(submission(view, VALID)).text)
        assert time.monotonic() - started < ACK_LIMIT
        assert answer == {"response_action": "errors", "errors": {"title": UNAVAILABLE}}
        assert "Paris" in json.loads(bot.command("blinken").text)["text"]  # readers are not blocked
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert count(engine, Event) == before
    assert json.loads(bot.submit(submission(view, VALID)).text)["response_action"] == "update"


def test_the_disk_filling_up_during_an_import_leaves_nothing(engine, ctx):
    sqlite_only(engine)
    path = make_url(ctx.settings.database_url).database
    full = make_engine(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    raw.execute("VACUUM")  # no free pages left over from earlier tests: the file must grow
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.close()

    @sa_event.listens_for(full, "connect")
    def small_disk(dbapi_connection, _record):
        # The file may grow by 40 pages (160 KB) and no more: SQLite then fails as on a full disk.
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 40}")

    with pytest.raises(OperationalError, match="database or disk is full"):
        import_calendar(
            full,
            team_id=TEAM,
            data=generated_ics(400),
            fallback_tz="Europe/Paris",
            actor="import",
            now=datetime.now(UTC),
        )
    full.dispose()
    assert (count(engine, Event), count(engine, Trip), count(engine, EventTerm)) == (0, 0, 0)
    report = load_ics(engine, generated_ics(400))
    assert count(engine, Event) == 400, report
