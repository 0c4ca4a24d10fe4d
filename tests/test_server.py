from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from storage.db import make_engine
from tests.support.bot_server import BotServer
from tests.support.waiting import wait_until
from tripdesk.server import asgi_app


def test_healthz_answers_when_the_database_does(bot):
    response = bot.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/no-such-dir/x.db")
    server = BotServer(asgi_app(engine=engine, bolt=None)).start()
    try:
        response = server.http.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"database": "unavailable"}
        # Without Bolt (Socket Mode) nothing else is served.
        assert server.http.post("/slack/events", content="x").status_code == 404
    finally:
        server.stop()


def waiting_for_events_lock(engine) -> bool:
    """Whether some session is queued for a lock on the events table (PostgreSQL)."""
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'events'::regclass")
            ).scalar()
        )


def test_a_blocked_query_does_not_hold_up_other_requests(bot, engine):
    """Bolt is synchronous; each request must run on its own thread, not on the event loop."""
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a lock that blocks readers, which SQLite in WAL mode does not take")
    results = []
    with engine.connect() as locker:
        locker.execute(text("LOCK TABLE events IN ACCESS EXCLUSIVE MODE"))
        stuck = threading.Thread(target=lambda: results.append(bot.command("blinken").status_code))
        stuck.start()
        wait_until(lambda: waiting_for_events_lock(engine), timeout=10)
        assert stuck.is_alive(), "the command should be waiting for the lock"
        started = time.monotonic()
        assert bot.http.get("/healthz").status_code == 200
        assert bot.command("help").status_code == 200
        assert time.monotonic() - started < 2
        locker.rollback()
    stuck.join(timeout=10)
    assert results == [200]
