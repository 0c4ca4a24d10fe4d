"""Events an import creates are written in bulk statements (storage/events.py `_insert_new`,
storage/bulk.py): what they write is what the ORM path that every other change takes would
write — the same terms, participants, reminders and notices — on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import col, select

from domain.follows import MAX_NOTICES_PER_CHANGE
from services.follows import follow
from services.importing import import_calendar
from storage.db import session
from storage.events import term_rows
from storage.models import Event, EventChange, FollowNotice, Reminder
from storage.reminders import sync_many
from tests.support.schedule import TEAM

NOW = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


def daybook(count: int, *, moved: int | None = None) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for n in range(count):
        hour = 9 if n == moved else 10
        lines += [
            "BEGIN:VEVENT",
            f"UID:day-{n}@test",
            f"SUMMARY:{'Summit' if n % 3 == 0 else 'Talks'} {n} on Ukraine",
            f"DTSTART;TZID=Europe/Paris:2030{1 + n % 12:02d}{1 + n % 28:02d}T{hour:02d}0000",
            "DURATION:PT1H",
            f"LOCATION:Ministry\\, {'Paris' if n % 2 else 'Brussels'}\\, {'France' if n % 2 else 'Belgium'}",
            f"CATEGORIES:{'Summit' if n % 3 == 0 else 'Bilateral meeting'}",
            "STATUS:CONFIRMED" if n % 4 else "STATUS:TENTATIVE",
            "ATTENDEE;CN=Antony Blinken:mailto:a@example.org",
            f"ATTENDEE;CN=Minister {n}:mailto:m@example.org",
            *(["X-TRIPDESK-PRINCIPAL:Antony Blinken", "X-TRIPDESK-TRIP:Europe 2030"] if n % 5 == 0 else []),
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def load(engine, data: bytes):
    return import_calendar(
        engine,
        team_id=TEAM,
        data=data,
        fallback_tz="Europe/Paris",
        actor="import",
        now=NOW,
        default_channel="C0FOREIGN",
        source="daybook.ics",
    )


def reminders(engine) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(
            connection.execute(
                text(
                    "SELECT event_id, lead_minutes, channel_id, due_at, status, attempts, last_error,"
                    " may_have_posted, late FROM reminders"
                )
            )
        )


def test_the_rows_of_created_events_are_those_the_orm_path_writes(engine):
    follow(
        engine,
        team_id=TEAM,
        user_id="U0ANNA",
        query="blinken",
        lead_minutes=30,
        tz="Europe/Paris",
        fallback_tz="Europe/Paris",
        now=NOW,
        default_channel="C0FOREIGN",
    )
    report = load(engine, daybook(60))
    assert (report.created, report.updated, report.unchanged) == (60, 0, 0)

    with session(engine) as db:
        events = list(db.exec(select(Event).order_by(Event.id)).unique())
        assert [event.uid for event in events] == [f"day-{n}@test" for n in range(60)]
        for n, event in enumerate(events):
            assert [p.name for p in event.participants] == ["Antony Blinken", f"Minister {n}"]
            assert (event.version, event.created_by, event.channel_id, event.deleted_at) == (1, "import", None, None)
            stored = db.exec(
                text("SELECT term FROM event_terms WHERE event_id = :id ORDER BY term"), params={"id": event.id}
            )
            principal = event.trip.principal if event.trip else None
            assert [row[0] for row in stored] == [row["term"] for row in term_rows(event, principal=principal)]
        history = list(db.exec(select(EventChange)))
        assert sorted(change.event_id for change in history) == [event.id for event in events]
        assert {(c.action, c.actor, c.imported_from) for c in history} == {("created", "import", "daybook.ics")}
        notices = list(db.exec(select(FollowNotice)))
        assert len(notices) == MAX_NOTICES_PER_CHANGE  # the soonest one by one, the rest as "and N more"
        assert {notice.user_id for notice in notices} == {"U0ANNA"}

    written = reminders(engine)
    assert {row[2] for row in written} == {"C0FOREIGN", "U0ANNA"}
    # Planning the same events again the ORM way finds nothing to add or change.
    with session(engine) as db, db.begin():
        events = list(db.exec(select(Event)).unique())
        sync_many(db, events=events, now=NOW, default_channel="C0FOREIGN")
    assert reminders(engine) == written


def test_new_and_known_events_in_one_import(engine):
    load(engine, daybook(30))
    report = load(engine, daybook(45, moved=7))
    assert (report.created, report.updated, report.unchanged) == (15, 1, 29)
    with session(engine) as db:
        assert len(list(db.exec(select(Event)).unique())) == 45
        actions = [change.action for change in db.exec(select(EventChange).order_by(EventChange.id))]
        assert actions.count("created") == 45
        assert actions.count("changed") == 1
        rows = db.exec(select(Reminder)).all()
        assert len({row.event_id for row in rows}) == 45
    again = load(engine, daybook(45, moved=7))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 45)


def test_instants_written_in_bulk_compare_as_the_orm_path_writes_them(engine):
    """On SQLite instants are text: one written as "10:00:00" sorts before the "10:00:00.000000"
    SQLAlchemy writes, so an event starting exactly at a window's end was listed in it."""
    load(engine, daybook(3))
    with session(engine) as db:
        events = list(db.exec(select(Event).order_by(col(Event.id))))
        for event in events:
            at_start = db.exec(
                select(Event.id).where(col(Event.id) == event.id, col(Event.starts_at) < event.starts_at)
            ).all()
            assert at_start == [], f"{event.title} starts before its own start"
    with engine.connect() as connection:
        stored = {str(value) for (value,) in connection.execute(text("SELECT starts_at FROM events"))}
    if engine.dialect.name == "sqlite":
        assert all(value.endswith(".000000") for value in stored), stored
