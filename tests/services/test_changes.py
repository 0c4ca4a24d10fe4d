"""The unseen changes of `/trip changes` while other saves are still open: every change is shown
once, whenever it commits, whatever instant it is dated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from services.changes import changes_since_last_look, mark_read
from storage.models import EventChange
from tests.support.databases import scratch_database
from tests.support.schedule import TEAM, add_event

ALICE = "U0ALICE"


def read(engine, clock) -> list[str]:
    """Alice asks `/trip changes`, and is shown the reply."""
    unseen = changes_since_last_look(engine, team_id=TEAM, user_id=ALICE, now=clock(), editor=False)
    mark_read(engine, team_id=TEAM, user_id=ALICE, marker=unseen.marker)
    return [
        f"{entry.event.title}: {step.first.new or step.action}"
        for entry in unseen.digest.events
        for step in entry.steps
    ]


def test_a_save_that_commits_after_a_read_is_shown_by_the_next(engine, clock):
    bobs = add_event(engine, clock, title="Bob's event", start=clock() + timedelta(days=3), actor="U0BOB")
    clock.advance(timedelta(minutes=5))
    assert read(engine, clock) == ["Bob's event: created"]
    clock.advance(timedelta(minutes=1))
    # Bob's save starts: its rows are dated now, and on PostgreSQL they are written, in a
    # transaction still open on a connection of its own.
    postgres = engine.dialect.name == "postgresql"
    bob = Session(engine)
    row = EventChange(
        team_id=TEAM, event_id=bobs.id, actor="U0BOB", at=clock(), action="changed", field="title", new="moved"
    )
    if postgres:
        bob.add(row)
        bob.flush()
    clock.advance(timedelta(seconds=2))
    add_event(engine, clock, title="Carol's event", start=clock() + timedelta(days=2), actor="U0CAROL")
    clock.advance(timedelta(seconds=1))
    first = read(engine, clock)
    if not postgres:
        # SQLite writes one transaction at a time: Bob's save writes after Carol's has committed.
        bob.add(row)
    bob.commit()
    bob.close()
    clock.advance(timedelta(minutes=1))
    second = read(engine, clock)
    third = read(engine, clock)
    shown = first + second + third
    assert sorted(shown) == ["Bob's event: moved", "Carol's event: created"]
    assert third == []
    # Carol's, committed while Bob's save was open, is shown at once and not again.
    assert first == ["Carol's event: created"] and second == ["Bob's event: moved"]


def test_a_long_import_is_shown_once_it_commits(engine, clock):
    quiet = add_event(engine, clock, title="Quiet", start=clock() + timedelta(days=1), actor="U0BOB")
    clock.advance(timedelta(minutes=1))
    read(engine, clock)
    importing = Session(engine)
    row = EventChange(
        team_id=TEAM,
        event_id=quiet.id,
        actor="import",
        at=clock(),
        action="changed",
        field="title",
        new="Renamed",
        imported_from="https://example.org/a.ics",
    )
    if engine.dialect.name == "postgresql":
        # Written two hours before it commits; SQLite would make Alice wait for it instead.
        importing.add(row)
        importing.flush()
    clock.advance(timedelta(hours=2))
    during = read(engine, clock)
    importing.add(row)
    importing.commit()
    importing.close()
    clock.advance(timedelta(minutes=1))
    assert during == [] and read(engine, clock) == ["Quiet: Renamed"]


@pytest.fixture
def open_elsewhere(engine):
    """On PostgreSQL, a write transaction left open in another database of the same server (a
    client gone mid-transaction, an idle session): the oldest transaction running, everywhere."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with scratch_database("tripdesk_elsewhere") as url:
        elsewhere = create_engine(url)
        connection = elsewhere.connect()
        try:
            connection.execute(text("SELECT pg_current_xact_id()"))  # began, and holds an xid
            yield
        finally:
            connection.rollback()
            connection.close()
            elsewhere.dispose()


def test_a_transaction_left_open_elsewhere_holds_nothing_back(engine, clock, open_elsewhere):
    add_event(engine, clock, title="Before", start=clock() + timedelta(days=1), actor="U0BOB")
    clock.advance(timedelta(minutes=1))
    assert read(engine, clock) == ["Before: created"]
    clock.advance(timedelta(minutes=1))
    add_event(engine, clock, title="Carol's event", start=clock() + timedelta(days=2), actor="U0CAROL")
    clock.advance(timedelta(minutes=1))
    assert read(engine, clock) == ["Carol's event: created"]
    assert read(engine, clock) == []
    add_event(engine, clock, title="Bob's event", start=clock() + timedelta(days=3), actor="U0BOB")
    clock.advance(timedelta(minutes=1))
    assert read(engine, clock) == ["Bob's event: created"]
    assert read(engine, clock) == []
