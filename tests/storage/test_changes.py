"""Reading a workspace's changes between two points of its history, and the per-user marker."""

from __future__ import annotations

from datetime import timedelta

from domain.vocabulary import Status
from services.editing import set_status
from storage.changes import Point, changed_events, changes_of, mark_seen, newest_point, seen_point
from storage.db import session
from tests.support.schedule import TEAM, add_event


def test_up_to_a_change_leaves_out_what_came_after_it_at_the_same_instant(engine, clock):
    first = add_event(engine, clock, title="First", start=clock() + timedelta(days=1), actor="U0EDITOR")
    start = Point(clock() - timedelta(minutes=1))
    with session(engine) as db:
        newest = newest_point(db, team_id=TEAM, after=start, until=clock())
    assert newest is not None and newest.at == clock()
    # Another save at the same instant, committed after the newest was read.
    second = add_event(engine, clock, title="Second", start=clock() + timedelta(days=2), actor="U0EDITOR")
    with session(engine) as db:
        upto = changed_events(db, team_id=TEAM, user_id="U0ALICE", after=start, until=newest, now=clock(), limit=10)
        both = changed_events(db, team_id=TEAM, user_id="U0ALICE", after=start, until=clock(), now=clock(), limit=10)
        after = changed_events(db, team_id=TEAM, user_id="U0ALICE", after=newest, until=clock(), now=clock(), limit=10)
    assert upto.event_ids == [first.id]
    assert both.event_ids == [first.id, second.id] and both.total == 2
    assert after.event_ids == [second.id]


def test_own_changes_are_counted_apart_and_rows_come_oldest_first(engine, clock):
    event = add_event(engine, clock, title="Mine", start=clock() + timedelta(days=1), actor="U0ALICE")
    clock.advance(timedelta(minutes=1))
    assert event.id is not None
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
    start = Point(clock() - timedelta(hours=1))
    with session(engine) as db:
        found = changed_events(db, team_id=TEAM, user_id="U0ALICE", after=start, until=clock(), now=clock(), limit=10)
        rows = changes_of(
            db, team_id=TEAM, user_id="U0ALICE", event_ids=found.event_ids, after=start, until=clock(), limit=10
        )
        other_team = changed_events(
            db, team_id="T0OTHER", user_id="U0ALICE", after=start, until=clock(), now=clock(), limit=10
        )
    assert found.event_ids == [event.id] and found.own == 1
    assert [(r.actor, r.action) for r in rows] == [("U0EDITOR", "tentative")]
    assert other_team.event_ids == [] and other_team.total == 0


def test_a_marker_never_moves_back(engine, clock):
    later, earlier = Point(clock(), 7), Point(clock() - timedelta(hours=1), 99)
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", point=later)
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", point=earlier)
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", point=Point(clock(), 3))
    with session(engine) as db:
        assert seen_point(db, team_id=TEAM, user_id="U0ALICE") == later
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=TEAM, user_id="U0ALICE", point=Point(clock(), 8))
    with session(engine) as db:
        assert seen_point(db, team_id=TEAM, user_id="U0ALICE") == Point(clock(), 8)
        assert seen_point(db, team_id=TEAM, user_id="U0BOB") is None
