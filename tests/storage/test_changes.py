"""Reading a workspace's changes in a span of its history, and the per-user marker."""

from __future__ import annotations

from datetime import timedelta

from domain.vocabulary import Status
from services.editing import set_status
from storage.changes import (
    Marker,
    Span,
    changed_events,
    changes_of,
    mark_seen,
    one_snapshot,
    seen_marker,
    watermark,
)
from storage.db import session
from tests.support.schedule import TEAM, add_event


def test_a_watermark_divides_the_changes_written_before_it_from_those_after(engine, clock):
    add_event(engine, clock, title="First", start=clock() + timedelta(days=1), actor="U0EDITOR")
    with session(engine) as db:
        one_snapshot(db)
        before = watermark(db, team_id=TEAM)
    # Another save at the same instant, committed after the watermark was read.
    second = add_event(engine, clock, title="Second", start=clock() + timedelta(days=2), actor="U0EDITOR")
    with session(engine) as db:
        one_snapshot(db)
        now = watermark(db, team_id=TEAM)
        after = changed_events(
            db,
            team_id=TEAM,
            user_id="U0ALICE",
            span=Span(from_mark=before.mark, below=now.below, seen=before.seen),
            now=clock(),
            limit=10,
        )
    with session(engine) as db:
        one_snapshot(db)
        later = watermark(db, team_id=TEAM)
        again = changed_events(
            db,
            team_id=TEAM,
            user_id="U0ALICE",
            span=Span(from_mark=now.mark, below=later.below, seen=now.seen),
            now=clock(),
            limit=10,
        )
    assert after.event_ids == [second.id] and after.total == 1
    assert again.event_ids == [] and again.total == 0


def test_own_changes_are_counted_apart_and_rows_come_oldest_first(engine, clock):
    event = add_event(engine, clock, title="Mine", start=clock() + timedelta(days=1), actor="U0ALICE")
    only_mine = add_event(engine, clock, title="Only mine", start=clock() + timedelta(days=2), actor="U0ALICE")
    clock.advance(timedelta(minutes=1))
    assert event.id is not None and only_mine.id is not None
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.TENTATIVE,
        now=clock(),
        default_channel=None,
    )
    span = Span(after=clock() - timedelta(hours=1), until=clock())
    with session(engine) as db:
        found = changed_events(db, team_id=TEAM, user_id="U0ALICE", span=span, now=clock(), limit=10)
        read = changes_of(db, team_id=TEAM, user_id="U0ALICE", event_ids=found.event_ids, span=span, steps=5)
        other_team = changed_events(db, team_id="T0OTHER", user_id="U0ALICE", span=span, now=clock(), limit=10)
    assert found.event_ids == [event.id] and found.total == 1 and found.own == 2
    assert [(r.actor, r.action) for r in read.rows] == [("U0EDITOR", "tentative")] and read.steps == {event.id: 1}
    assert other_team.event_ids == [] and other_team.total == 0 and other_team.own == 0


def test_each_event_gives_its_latest_changes_and_how_many_it_has(engine, clock):
    busy = add_event(engine, clock, title="Busy", start=clock() + timedelta(days=1), actor="U0BOB")
    quiet = add_event(engine, clock, title="Quiet", start=clock() + timedelta(days=2), actor="U0BOB")
    assert busy.id is not None and quiet.id is not None
    version = busy.version
    for status in [Status.TENTATIVE, Status.CONFIRMED] * 4:
        clock.advance(timedelta(minutes=1))
        set_status(
            engine,
            team_id=TEAM,
            actor="U0BOB",
            event_id=busy.id,
            version=version,
            status=status,
            now=clock(),
            default_channel=None,
        )
        version += 1
    span = Span(after=clock() - timedelta(hours=1), until=clock())
    with session(engine) as db:
        read = changes_of(db, team_id=TEAM, user_id="U0ALICE", event_ids=[busy.id, quiet.id], span=span, steps=3)
    assert read.steps == {busy.id: 9, quiet.id: 1}
    assert [r.action for r in read.rows if r.event_id == busy.id] == ["confirmed", "tentative", "confirmed"]
    assert [r.action for r in read.rows if r.event_id == quiet.id] == ["created"]
    # The kinds come from every change, the first one (created) too.
    assert ("created", None, None) in read.kinds[busy.id]


def test_a_marker_never_moves_back(engine, clock):
    later, earlier = Marker(clock(), 7), Marker(clock() + timedelta(hours=1), 3)
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", marker=later)
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", marker=earlier)
    with session(engine) as db:
        assert seen_marker(db, team_id=TEAM, user_id="U0ALICE") == later
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", marker=Marker(clock(), 8))
    with session(engine) as db:
        assert seen_marker(db, team_id=TEAM, user_id="U0ALICE") == Marker(clock(), 8)
        assert seen_marker(db, team_id=TEAM, user_id="U0BOB") is None


def test_of_two_reads_with_the_same_mark_the_one_that_saw_more_wins(engine, clock):
    # The list of transactions seen is kept as it was given, however far from the mark.
    further = Marker(clock(), 100, (100, 103, 5_000_000_007))
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", marker=further)
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", marker=Marker(clock() + timedelta(seconds=1), 100, (103,)))
    with session(engine) as db:
        assert seen_marker(db, team_id=TEAM, user_id="U0ALICE") == further
