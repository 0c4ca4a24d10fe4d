"""Search terms carry their event's start, finish and deletion, whichever path changes them;
a search answered from the terms finds what it found from the events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from domain.drafts import finishes_at
from domain.vocabulary import Precision
from services.editing import delete_event
from storage.db import session
from storage.editing import update_event
from storage.models import Event, EventTerm
from tests.storage.test_events import NOW, TEAM, draft, search, upsert

START = datetime(2024, 4, 2, 10, 0, tzinfo=UTC)


def terms_times(engine, uid: str = "a") -> set[tuple]:
    """The distinct (start, finish, deletion) of the event's terms: one, when they follow it."""
    with session(engine) as db:
        event = db.exec(select(Event).where(Event.uid == uid)).unique().one()
        rows = db.exec(
            select(EventTerm.starts_at, EventTerm.finishes_at, EventTerm.deleted_at).where(
                EventTerm.event_id == event.id
            )
        )
        return set(rows.all())


def event_times(engine, uid: str = "a") -> tuple:
    with session(engine) as db:
        event = db.exec(select(Event).where(Event.uid == uid)).unique().one()
        return event.starts_at, event.finishes_at, event.deleted_at


def test_terms_of_an_imported_event_carry_its_times(engine):
    upsert(engine, [draft()])
    assert terms_times(engine) == {(START, START + timedelta(hours=1), None)} == {event_times(engine)}


def test_terms_follow_an_import_that_moves_the_event(engine):
    upsert(engine, [draft()])
    moved = START + timedelta(days=3)
    counts = upsert(engine, [draft(starts_at=moved)], now=NOW + timedelta(hours=1))
    assert counts.updated == 1
    assert terms_times(engine) == {(moved, moved + timedelta(hours=1), None)}
    assert search(engine, "blinken", not_over_at=START + timedelta(days=1)).total == 1
    assert search(engine, "blinken", over_by=START + timedelta(days=1)).total == 0


def test_terms_follow_an_edit_that_moves_the_event(engine):
    upsert(engine, [draft()])
    moved = START - timedelta(days=1)
    with session(engine) as db, db.begin():
        event = db.exec(select(Event).where(Event.uid == "a")).unique().one()
        update_event(
            db,
            event=event,
            draft=draft(starts_at=moved, precision=Precision.DAY),
            trip_id=None,
            actor="U1",
            now=NOW,
            channel_id=None,
            lead_times=None,
            past_record=False,
        )
    finish = finishes_at(moved, None, Precision.DAY, "Europe/Paris")
    assert terms_times(engine) == {(moved, finish, None)} == {event_times(engine)}
    assert search(engine, "blinken", not_over_at=finish).total == 0
    assert search(engine, "blinken", over_by=finish).total == 1


def test_terms_follow_any_change_of_the_row_even_outside_tripdesk(engine):
    """A statement that moves events without the ORM (a script, a bulk fix): the trigger keeps
    the terms in step all the same."""
    upsert(engine, [draft(), draft("b", title="Lavrov in Paris", participants=())])
    moved = START + timedelta(days=30)
    with session(engine) as db, db.begin():
        db.exec(
            update(Event).where(col(Event.uid) == "a").values(starts_at=moved, finishes_at=moved + timedelta(hours=2))
        )
    assert terms_times(engine) == {(moved, moved + timedelta(hours=2), None)} == {event_times(engine)}
    # The other event's terms are left as they were.
    assert terms_times(engine, "b") == {(START, START + timedelta(hours=1), None)}


def test_a_deleted_event_leaves_searches_and_its_terms_say_so(engine):
    upsert(engine, [draft(), draft("b")])
    with session(engine) as db:
        event = db.exec(select(Event).where(Event.uid == "a")).unique().one()
    deleted_at = NOW + timedelta(minutes=5)
    delete_event(
        engine,
        team_id=TEAM,
        actor="U1",
        event_id=event.id,
        version=event.version,
        now=deleted_at,
        default_channel=None,
    )
    assert terms_times(engine) == {(START, START + timedelta(hours=1), deleted_at)}
    found = search(engine, "blinken", not_over_at=NOW)
    assert found.total == 1 and [e.uid for e in found.events] == ["b"]
    assert search(engine, "blinken sejourne", not_over_at=NOW).total == 1
    assert search(engine, "blinken", include_deleted=True).total == 2


def test_a_word_starting_several_terms_of_one_event_finds_it_once(engine):
    # "par": "paris" and "parliament" in the same event, "parade" in another.
    upsert(
        engine,
        [
            draft("a", venue="Parliament"),
            draft("b", title="Parade", city="Rome", country="Italy", starts_at=START + timedelta(hours=1)),
            draft("c", title="Lavrov in Moscow", city="Moscow", country="Russia", participants=(), trip=None),
        ],
    )
    found = search(engine, "par", not_over_at=NOW)
    assert found.total == 2 and [e.uid for e in found.events] == ["a", "b"]
    assert [e.uid for e in search(engine, "par", not_over_at=NOW, limit=1, offset=1).events] == ["b"]
    past = search(engine, "par", over_by=START + timedelta(days=1), newest_first=True)
    assert [e.uid for e in past.events] == ["b", "a"]
    assert search(engine, "par blinken", not_over_at=NOW).total == 2
    assert search(engine, "par lavrov", not_over_at=NOW).total == 0


def test_a_page_of_one_term_comes_in_start_order_across_pages(engine):
    starts = [START + timedelta(hours=h) for h in (5, 1, 3, 2, 4)]
    upsert(engine, [draft(f"e{n}", starts_at=start) for n, start in enumerate(starts)])
    seen = [
        e.starts_at
        for offset in (0, 2, 4)
        for e in search(engine, "blinken", not_over_at=NOW, limit=2, offset=offset).events
    ]
    assert seen == sorted(starts)
    newest = search(engine, "blinken", over_by=START + timedelta(days=1), newest_first=True, limit=3).events
    assert [e.starts_at for e in newest] == sorted(starts, reverse=True)[:3]
