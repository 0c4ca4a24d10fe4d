"""Clashes kept in the database, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import event as sqlalchemy_event
from sqlmodel import select

from domain.drafts import EventDraft, TripRef
from domain.travel import ClashKind
from domain.vocabulary import Status
from storage.clashes import claim_notice, find_clashes, mark_told, refresh_clashes, unclaim_notice, untold
from storage.db import session
from storage.editing import get_event
from storage.events import upsert_drafts
from storage.models import Event, EventClash

NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
TEAM = "T0NEWSROOM"
LEASED = datetime(2024, 4, 1, 8, 5, tzinfo=UTC)


def draft(uid: str, **fields) -> EventDraft:
    base = EventDraft(
        uid=uid,
        title="Blinken meets Macron",
        starts_at=datetime(2024, 4, 2, 8, 0, tzinfo=UTC),
        ends_at=datetime(2024, 4, 2, 9, 0, tzinfo=UTC),
        tz="Europe/Paris",
        city="Paris",
        country="France",
        participants=("Emmanuel Macron",),
        trip=TripRef("Antony Blinken", "Europe, April 2024"),
    )
    return replace(base, **fields)


BRUSSELS = {
    "title": "Blinken meets De Croo",
    "starts_at": datetime(2024, 4, 2, 9, 0, tzinfo=UTC),  # 11:00 in Brussels
    "ends_at": None,
    "tz": "Europe/Brussels",
    "city": "Brussels",
    "country": "Belgium",
    "participants": ("Alexander De Croo",),
}


def ids(engine, drafts) -> dict[str, int]:
    with session(engine) as db, db.begin():
        upsert_drafts(db, team_id=TEAM, drafts=drafts, actor="import", now=NOW)
    with session(engine) as db:
        return {e.uid: e.id for e in db.exec(select(Event)).unique()}  # type: ignore[misc]


def refresh(engine, event_ids, **kw):
    with session(engine) as db, db.begin():
        return refresh_clashes(db, team_id=TEAM, event_ids=event_ids, **kw)


def test_a_clash_of_the_principal_is_kept_both_ways_and_read_for_cards(engine):
    found = ids(engine, [draft("paris"), draft("brussels", **BRUSSELS)])
    (new,) = refresh(engine, [found["brussels"]])
    assert new.clash.kind is ClashKind.TRAVEL and new.people == ("Antony Blinken",)
    with session(engine) as db:
        (paris_line,) = get_event(db, team_id=TEAM, event_id=found["paris"]).clashes  # type: ignore[union-attr]
        (brussels_line,) = get_event(db, team_id=TEAM, event_id=found["brussels"]).clashes  # type: ignore[union-attr]
    assert paris_line.other_title == "Blinken meets De Croo" and brussels_line.other_title == "Blinken meets Macron"
    assert paris_line.detail == "impossible travel to Brussels, 264 km"
    assert brussels_line.detail == "impossible travel from Paris, 264 km"
    # Saving either again finds the pair, but it is no longer new.
    assert refresh(engine, [found["paris"]]) == []
    with session(engine) as db:
        assert len(db.exec(select(EventClash)).all()) == 2


def test_a_shared_participant_counts_with_accents_and_case_folded(engine):
    paris = draft("paris", trip=None, participants=("Stéphane Séjourné",))
    brussels = draft("brussels", **{**BRUSSELS, "trip": None, "participants": ("STEPHANE SEJOURNE",)})
    found = ids(engine, [paris, brussels])
    (new,) = refresh(engine, [found["paris"], found["brussels"]])
    assert new.people == ("Stéphane Séjourné",)


def test_other_people_cancelled_and_far_away_events_do_not_clash(engine):
    stranger = draft("stranger", **{**BRUSSELS, "trip": None})
    cancelled = draft("cancelled", **{**BRUSSELS, "status": Status.CANCELLED})
    later = draft("later", **{**BRUSSELS, "starts_at": datetime(2024, 4, 9, 9, 0, tzinfo=UTC)})
    found = ids(engine, [draft("paris"), stranger, cancelled, later])
    assert refresh(engine, list(found.values())) == []


def test_a_clash_that_is_resolved_goes_and_notices_are_claimed_once(engine):
    found = ids(engine, [draft("paris"), draft("brussels", **BRUSSELS)])
    (new,) = refresh(engine, [found["brussels"]])
    with session(engine) as db, db.begin():
        assert claim_notice(db, pair=new.pair, now=NOW, lease_until=LEASED, replica="a")
    with session(engine) as db, db.begin():
        assert not claim_notice(db, pair=new.pair, now=NOW, lease_until=LEASED, replica="a")
    # Moved later in the day: reachable, so the clash goes.
    moved = {**BRUSSELS, "starts_at": datetime(2024, 4, 2, 15, 0, tzinfo=UTC)}
    with session(engine) as db, db.begin():
        upsert_drafts(db, team_id=TEAM, drafts=[draft("brussels", **moved)], actor="import", now=NOW)
    assert refresh(engine, [found["brussels"]]) == []
    with session(engine) as db:
        assert db.exec(select(EventClash)).all() == []


def test_a_clash_told_already_is_not_told_again_after_a_change_that_keeps_it(engine):
    found = ids(engine, [draft("paris"), draft("brussels", **BRUSSELS)])
    (new,) = refresh(engine, [found["brussels"]], noticed_at=NOW)
    with session(engine) as db, db.begin():
        assert not claim_notice(db, pair=new.pair, now=NOW, lease_until=LEASED, replica="a")
    refresh(engine, [found["paris"]])
    with session(engine) as db, db.begin():
        assert not claim_notice(db, pair=new.pair, now=NOW, lease_until=LEASED, replica="a")


def test_a_claim_lapses_with_its_lease_and_a_post_is_told_once_marked(engine):
    found = ids(engine, [draft("paris"), draft("brussels", **BRUSSELS)])
    (new,) = refresh(engine, [found["brussels"]])
    with session(engine) as db, db.begin():
        assert claim_notice(db, pair=new.pair, now=NOW, lease_until=LEASED, replica="a")
    # A save of either event while "a" holds it keeps the claim (and a's right to mark it).
    refresh(engine, [found["paris"]])
    with session(engine) as db, db.begin():
        assert untold(db, now=NOW, max_attempts=3, limit=10) == []
        assert not claim_notice(db, pair=new.pair, now=NOW, lease_until=LEASED, replica="b")
    # "a" died: past its lease, "b" takes it; "a" can no longer mark it.
    with session(engine) as db, db.begin():
        assert claim_notice(db, pair=new.pair, now=LEASED, lease_until=datetime(2024, 4, 1, 9, tzinfo=UTC), replica="b")
        mark_told(db, pairs=[new.pair], now=LEASED, replica="a")
        (row,) = untold(db, now=datetime(2024, 4, 1, 9, tzinfo=UTC), max_attempts=3, limit=10)
        assert row.claimed_by == "b"
        mark_told(db, pairs=[new.pair], now=LEASED, replica="b")
    with session(engine) as db, db.begin():
        assert untold(db, now=datetime(2024, 4, 2, tzinfo=UTC), max_attempts=3, limit=10) == []


def test_a_failed_post_waits_and_counts_and_is_given_up_after_the_last_attempt(engine):
    found = ids(engine, [draft("paris"), draft("brussels", **BRUSSELS)])
    (new,) = refresh(engine, [found["brussels"]])
    retry = LEASED
    for attempt in (1, 2):
        with session(engine) as db, db.begin():
            assert claim_notice(db, pair=new.pair, now=retry, lease_until=retry, replica="a")
            unclaim_notice(
                db, pairs=[new.pair], replica="a", retry_at=datetime(2024, 4, 1, 10, tzinfo=UTC), failed=True
            )
        with session(engine) as db, db.begin():
            assert untold(db, now=NOW, max_attempts=3, limit=10) == []  # waiting
            (row,) = untold(db, now=datetime(2024, 4, 1, 10, tzinfo=UTC), max_attempts=3, limit=10)
            assert row.attempts == attempt
        retry = datetime(2024, 4, 1, 10, tzinfo=UTC)
    with session(engine) as db, db.begin():
        assert untold(db, now=datetime(2024, 4, 1, 10, tzinfo=UTC), max_attempts=2, limit=10) == []


def test_a_long_event_elsewhere_is_found_and_events_at_one_place_are_not_compared(engine):
    # Ten days in Brussels from 28 March: Paris on 2 April falls inside it.
    summit = {
        **BRUSSELS,
        "starts_at": datetime(2024, 3, 28, 8, 0, tzinfo=UTC),
        "ends_at": datetime(2024, 4, 7, 8, 0, tzinfo=UTC),
    }
    near = {"starts_at": datetime(2024, 4, 2, 8, 30, tzinfo=UTC), "city": "near Paris", "country": "FR"}
    found = ids(engine, [draft("paris"), draft("summit", **summit), draft("near", **near)])
    new = refresh(engine, list(found.values()))
    assert sorted(one.pair for one in new) == sorted(
        tuple(sorted((found[a], found["summit"]))) for a in ("paris", "near")
    )
    assert {one.clash.kind for one in new} == {ClashKind.OVERLAP}


def test_the_candidates_are_a_range_of_the_terms_key_not_the_persons_whole_past(engine):
    found = ids(engine, [draft("paris"), draft("brussels", **BRUSSELS)])
    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "event_terms" in statement:
            statements.append((statement, parameters))

    sqlalchemy_event.listen(engine, "before_cursor_execute", keep)
    try:
        with session(engine) as db:
            assert len(find_clashes(db, team_id=TEAM, event_ids=[found["brussels"]])) == 1
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", keep)
    ((statement, parameters),) = statements
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            plan = " ".join(
                str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "SEARCH event_terms USING PRIMARY KEY (team_id=? AND term=? AND starts_at>? AND starts_at<?)" in plan
        else:
            # Few rows here: keep the planner off a scan it would only choose for a tiny table.
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            assert "Index" in plan and "event_terms" in plan
            assert "starts_at <" in plan and "starts_at >" in plan


def test_a_large_batch_judged_a_group_at_a_time_finds_the_same_clashes_once(engine):
    washington = {
        "title": "Blinken at the State Department",
        "starts_at": datetime(2024, 4, 2, 14, 0, tzinfo=UTC),  # 10:00 in Washington
        "tz": "America/New_York",
        "city": "Washington",
        "country": "United States",
        "participants": (),
    }
    made = ids(engine, [draft("paris"), draft("brussels", **BRUSSELS), draft("washington", **washington)])
    batch = sorted(made.values())
    with session(engine) as db:
        whole = find_clashes(db, team_id=TEAM, event_ids=batch)
        grouped = find_clashes(db, team_id=TEAM, event_ids=batch, group=1)
    pairs = sorted(one.pair for one in whole)
    # Paris → Brussels in an hour, and either of them → Washington by 10:00 there.
    assert len(pairs) == 3
    assert sorted(one.pair for one in grouped) == pairs
