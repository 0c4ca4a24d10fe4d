"""The schedule's revision, kept by triggers: it changes with whatever writes the schedule (an
editor, an import, a script, another replica) and with nothing else, and a long transaction
does not make others wait for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update

from domain.vocabulary import Status
from services.editing import set_status
from storage.calendar_feeds import schedule_stamp
from storage.db import make_engine, session
from storage.models import Event, table_of
from tests.support.schedule import START, TEAM, add_event


def stamp(engine):
    with session(engine) as db:
        return schedule_stamp(db, team_id=TEAM)


def test_every_change_to_the_schedule_changes_the_stamp_and_the_rest_does_not(engine, clock):
    empty = stamp(engine)
    assert (empty.revision, empty.latest) == (0, None)

    event = add_event(engine, clock, start=START)
    added = stamp(engine)
    assert added.key != empty.key and added.latest == clock()

    # The clock stands still: the version alone says the event changed.
    changed = set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.TENTATIVE,
        now=clock(),
        default_channel=None,
    ).event
    assert stamp(engine).key != added.key and changed.version == event.version + 1

    # What the feed does not show (the reminder's thread) leaves every subscriber's ETag alone.
    before = stamp(engine)
    events = table_of(Event)
    with engine.begin() as connection:
        connection.execute(update(events).where(events.c.id == event.id).values(thread_ts="1712.0001"))
    assert stamp(engine) == before

    # A script's change, with a time in the past, is seen too.
    with engine.begin() as connection:
        connection.execute(
            update(events)
            .where(events.c.id == event.id)
            .values(version=events.c.version + 1, updated_at=clock() - timedelta(days=3))
        )
    assert stamp(engine).key != before.key

    before = stamp(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM events WHERE id = :id"), {"id": event.id})
    assert stamp(engine).key != before.key


def test_a_trip_added_changes_the_stamp(engine, clock):
    before = stamp(engine)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO trips (team_id, principal, name, created_at) VALUES (:team, 'A', 'B', :now)"),
            {"team": TEAM, "now": clock().replace(tzinfo=None) if engine.dialect.name == "sqlite" else clock()},
        )
    assert stamp(engine).key != before.key


def test_another_workspaces_changes_leave_the_stamp_alone(engine, clock):
    add_event(engine, clock, start=START)
    before = stamp(engine)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO trips (team_id, principal, name, created_at) VALUES ('T0OTHER', 'A', 'B', :now)"),
            {"now": clock().replace(tzinfo=None) if engine.dialect.name == "sqlite" else clock()},
        )
    assert stamp(engine) == before


def test_a_change_through_another_replica_is_seen(engine, database_url, clock):
    event = add_event(engine, clock, start=START)
    before = stamp(engine)
    other = make_engine(database_url)
    try:
        set_status(
            other,
            team_id=TEAM,
            actor="U0EDITOR",
            event_id=event.id,
            version=event.version,
            status=Status.CANCELLED,
            now=clock(),
            default_channel=None,
        )
    finally:
        other.dispose()
    assert stamp(engine).key != before.key


def test_postgresql_bumps_once_per_transaction_and_an_edit_does_not_wait_for_an_import(engine, database_url, clock):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    first = add_event(engine, clock, start=START)
    second = add_event(engine, clock, start=START + timedelta(hours=2))
    third = add_event(engine, clock, start=START + timedelta(hours=4))
    before = stamp(engine).revision
    events = table_of(Event)
    importing = engine.connect()
    try:
        # An import's long transaction has changed two events and not committed yet...
        transaction = importing.begin()
        for event in (first, second):
            importing.execute(update(events).where(events.c.id == event.id).values(version=events.c.version + 1))
        # ...and an editor changes a third meanwhile, without waiting for it.
        with engine.begin() as editing:
            editing.execute(text("SET LOCAL lock_timeout = '2s'"))
            editing.execute(update(events).where(events.c.id == third.id).values(version=events.c.version + 1))
        assert stamp(engine).revision == before + 1
        transaction.commit()
    finally:
        importing.close()
    assert stamp(engine).revision == before + 2
