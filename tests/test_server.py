from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from storage.db import make_engine
from tests.support.bot_server import BotServer
from tests.support.raw_http import chunked, send_and_read_status
from tests.support.slack_requests import sign
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


def waiting_for_search_lock(engine) -> bool:
    """Whether some session is queued for a lock on the search's table (PostgreSQL)."""
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'event_terms'::regclass")
            ).scalar()
        )


def test_a_blocked_query_does_not_hold_up_other_requests(bot, engine):
    """Bolt is synchronous; each request must run on its own thread, not on the event loop."""
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a lock that blocks readers, which SQLite in WAL mode does not take")
    results = []
    with engine.connect() as locker:
        # A search reads the terms first (and events only for the page it shows).
        locker.execute(text("LOCK TABLE event_terms IN ACCESS EXCLUSIVE MODE"))
        stuck = threading.Thread(target=lambda: results.append(bot.command("blinken").status_code))
        stuck.start()
        wait_until(lambda: waiting_for_search_lock(engine), timeout=10)
        assert stuck.is_alive(), "the command should be waiting for the lock"
        started = time.monotonic()
        assert bot.http.get("/healthz").status_code == 200
        assert bot.command("help").status_code == 200
        assert time.monotonic() - started < 2
        locker.rollback()
    stuck.join(timeout=10)
    assert results == [200]


FORM = "application/x-www-form-urlencoded"
# The documented limit on a request's body.
MAX_BODY_BYTES = 1024 * 1024
NESTED = [
    ("payload=" + "[" * 100_000, FORM),
    ("[" * 100_000, "application/json"),
    ('{"a":' * 50_000, "application/json"),
]


def test_a_body_declared_too_large_is_refused_before_it_is_sent(bot):
    """8 MB announced and never sent: the refusal comes at once, not after waiting for the body."""
    status, seconds = send_and_read_status(
        bot.port, headers={"Content-Type": FORM, "Content-Length": str(8 * 1024 * 1024), **sign("x")}, timeout=3
    )
    assert status == 413 and seconds < 1


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(bot):
    """No length declared, and no end: counting while it arrives is what stops it."""
    parts = chunked(b"text=" + b"x" * MAX_BODY_BYTES)
    status, seconds = send_and_read_status(
        bot.port, headers={"Content-Type": FORM, "Transfer-Encoding": "chunked", **sign("x")}, parts=parts, timeout=3
    )
    assert status == 413 and seconds < 2


def test_a_body_at_the_limit_is_still_read(bot):
    body = "text=" + "x" * (MAX_BODY_BYTES - 5)
    assert bot.post_signed(body, FORM).status_code == 404  # read, verified and dispatched: no listener for it


@pytest.mark.parametrize(("body", "content_type"), NESTED, ids=["form payload", "json array", "json object"])
def test_deeply_nested_bodies_are_refused_without_a_500(bot, fake_slack, body, content_type):
    unsigned = bot.http.post("/slack/events", content=body, headers={"Content-Type": content_type, **sign("other")})
    assert unsigned.status_code == 401
    # Signed, so from Slack in name: still not a crash.
    assert bot.post_signed(body, content_type).status_code == 400
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


@pytest.mark.parametrize("timestamp", ["\xb2", "1" * 5000, "-1", ""])
def test_timestamps_that_are_not_numbers_get_401(bot, timestamp):
    body = "command=%2Ftrip&text=help"
    headers = {"Content-Type": FORM, **sign(body), "X-Slack-Request-Timestamp": timestamp}
    response = bot.http.post(
        "/slack/events", content=body, headers={k: v.encode("latin-1") for k, v in headers.items()}
    )
    assert response.status_code == 401
