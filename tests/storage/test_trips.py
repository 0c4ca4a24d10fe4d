"""Trips are found or created by name; two editors naming a new trip at the same moment share it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlmodel import select

from domain.drafts import TripRef
from storage.db import session
from storage.events import trip_id_for
from storage.models import Trip

NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
TEAM = "T0NEWSROOM"


def create_at_once(engine, ref: TripRef) -> tuple[list[int], list[Exception]]:
    """Two editors saving a stop of trip `ref` at the same moment, each in its own transaction."""
    start = threading.Barrier(2, timeout=10)
    ids: list[int] = []
    errors: list[Exception] = []

    def create() -> None:
        try:
            with session(engine) as db, db.begin():
                start.wait()
                ids.append(trip_id_for(db, team_id=TEAM, ref=ref, now=NOW, cache={}))
                # Hold the transaction open, as the rest of a form's save does: the other
                # editor's creation meets this one uncommitted.
                time.sleep(0.3)
        except Exception as error:
            errors.append(error)

    editors = [threading.Thread(target=create) for _ in range(2)]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join(timeout=30)
    return ids, errors


def test_two_editors_creating_the_same_trip_at_once_get_the_one_trip(engine):
    for attempt in range(5):
        ref = TripRef("Antony Blinken", f"Europe, attempt {attempt}")
        ids, errors = create_at_once(engine, ref)
        assert errors == [], errors
        assert len(ids) == 2 and ids[0] == ids[1]
        with session(engine) as db:
            assert len(db.exec(select(Trip).where(Trip.name == ref.name)).all()) == 1


def test_an_existing_trip_is_found_in_a_later_transaction(engine):
    ref = TripRef("Antony Blinken", "Europe, April 2024")
    with session(engine) as db, db.begin():
        first = trip_id_for(db, team_id=TEAM, ref=ref, now=NOW, cache={})
    with session(engine) as db, db.begin():
        assert trip_id_for(db, team_id=TEAM, ref=ref, now=NOW, cache={}) == first
        assert trip_id_for(db, team_id="T0OTHER", ref=ref, now=NOW, cache={}) != first
