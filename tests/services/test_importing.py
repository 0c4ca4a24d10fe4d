"""Importing again: events imported before feeds were kept, and an import's report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import event, text
from sqlmodel import select

from domain.event_form import EventInput
from domain.feed import draft_values, event_values, loads, values_draft
from domain.ical import parse_calendar
from domain.vocabulary import Status
from services.editing import save_event, set_status
from storage.db import session
from storage.models import Event
from tests.conftest import SAMPLE, TEAM, load_ics

MACRON = "blinken-macron-2024-04-02@samples.tripdesk"
AT_NINE = (
    SAMPLE.read_bytes().replace(b"20240402T100000", b"20240402T090000").replace(b"20240402T110000", b"20240402T100000")
)


def events(engine) -> dict[str, Event]:
    with session(engine) as db:
        return {e.uid: e for e in db.exec(select(Event)).unique()}


def test_events_imported_before_feeds_were_kept_take_the_feed_as_it_is_now(engine):
    load_ics(engine, SAMPLE.read_bytes())
    with engine.begin() as connection:  # as revision 0006 leaves them
        connection.execute(text("UPDATE events SET feed_values = NULL"))
    before = events(engine)

    report = load_ics(engine, AT_NINE)

    assert (report.updated, report.unchanged) == (1, 7)
    after = events(engine)
    assert after[MACRON].starts_at == datetime(2024, 4, 2, 7, 0, tzinfo=UTC)
    assert after[MACRON].version == before[MACRON].version + 1
    feed = {d.uid: draft_values(d) for d in parse_calendar(AT_NINE, "Europe/Paris").drafts}
    assert {uid: loads(e.feed_values) for uid, e in after.items()} == feed
    assert all(after[uid].version == before[uid].version for uid in after if uid != MACRON)


def test_an_editors_save_during_the_import_is_not_overwritten(engine):
    load_ics(engine, SAMPLE.read_bytes())
    macron = events(engine)[MACRON]
    at_three = values_draft(MACRON, event_values(macron))
    at_three = replace(at_three, starts_at=datetime(2024, 4, 2, 13, 0, tzinfo=UTC), ends_at=None)
    saved: list = []
    started: list = []

    def editor_saves_first(_connection, _cursor, statement, *_args):
        # The import has read the event and is about to write: the editor's save lands between.
        if statement.startswith("UPDATE events") and not started:
            started.append(True)
            saved.append(
                save_event(
                    engine,
                    team_id=TEAM,
                    actor="U0EDITOR",
                    form=EventInput(
                        at_three, trip_id=macron.trip_id, channel_id=None, lead_times=None, past_record=False
                    ),
                    now=datetime.now(UTC),
                    default_channel=None,
                    event_id=macron.id,
                    version=macron.version,
                ).event
            )

    event.listen(engine, "before_cursor_execute", editor_saves_first)
    try:
        report = load_ics(engine, AT_NINE.replace(b"STATUS:CONFIRMED", b"STATUS:TENTATIVE", 1))
    finally:
        event.remove(engine, "before_cursor_execute", editor_saves_first)

    after = events(engine)[MACRON]
    assert saved and after.starts_at == datetime(2024, 4, 2, 13, 0, tzinfo=UTC)  # the editor's time
    assert after.status is Status.TENTATIVE  # the feed's status
    assert after.version == saved[0].version + 1
    assert report.kept == 1


def test_the_report_counts_events_whose_editors_changes_stayed(engine):
    load_ics(engine, SAMPLE.read_bytes())
    macron = events(engine)[MACRON]
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=macron.id,
        version=macron.version,
        status=Status.CANCELLED,
        now=datetime.now(UTC),
        default_channel=None,
    )

    report = load_ics(engine, SAMPLE.read_bytes().replace(b"STATUS:CONFIRMED", b"STATUS:TENTATIVE"))

    assert (report.updated, report.unchanged, report.kept) == (6, 2, 1)
    assert events(engine)[MACRON].status is Status.CANCELLED
    assert report.summary("feed.ics").endswith(
        "0 new, 6 updated, 2 unchanged; kept editors' changes in 1 event the feed also changed"
    )
