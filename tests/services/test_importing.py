"""Importing again: events imported before feeds were kept, and an import's report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

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
    feed = {d.uid: draft_values(d) for d in parse_calendar(AT_NINE, "Europe/Paris", now=datetime.now(UTC)).drafts}
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


def calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".replace("\n", "\r\n")
        .replace("\r\r\n", "\r\n")
        .encode()
    )


NOW = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


def test_an_event_that_cannot_be_placed_is_skipped_and_reported_and_the_rest_imported(engine):
    data = calendar(
        "UID:ok\nSUMMARY:Talks\nDTSTART:20261102T100000Z",
        "UID:bad\nSUMMARY:Broken\nDTSTART:20261345T100000Z",
        "SUMMARY:No identity\nDTSTART:20261103T100000Z",
    )
    report = load_ics(engine, data, now=NOW)

    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert set(events(engine)) >= {"ok"} and "bad" not in events(engine)
    assert report.summary("feed.ics") == (
        "Imported 2 events from feed.ics: 2 new, 0 updated, 0 unchanged; "
        "skipped 1 that could not be imported; 1 note on what was imported"
    )
    (skipped,) = report.details()[:1]
    assert skipped.startswith("skipped event 'bad': ")
    assert report.details()[1:] == [
        "note: event 'No identity': it has no UID; it was given one made from its start, title and place"
    ]


def test_an_event_without_uid_is_updated_by_the_next_import_not_duplicated(engine):
    data = calendar("SUMMARY:No identity\nDTSTART:20261103T100000Z\nSTATUS:TENTATIVE")
    load_ics(engine, data, now=NOW)
    again = load_ics(engine, data.replace(b"TENTATIVE", b"CONFIRMED"), now=NOW)

    assert (again.created, again.updated) == (0, 1)
    (event,) = events(engine).values()
    assert event.status is Status.CONFIRMED


def test_a_recurring_series_is_imported_as_occurrences_and_a_second_import_changes_nothing(engine):
    data = calendar(
        "UID:briefing\nSUMMARY:Briefing\nDTSTART;TZID=America/New_York:20261022T120000\nDURATION:PT1H\n"
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "UID:briefing\nRECURRENCE-ID;TZID=America/New_York:20261029T120000\nSUMMARY:Briefing (moved)\n"
        "DTSTART;TZID=America/New_York:20261029T150000\nDURATION:PT1H",
    )
    first = load_ics(engine, data, now=NOW)
    second = load_ics(engine, data, now=NOW)

    assert (first.created, second.created, second.unchanged) == (4, 0, 4)
    stored = events(engine)
    assert sorted(stored) == [
        "briefing/20261022T160000Z",
        "briefing/20261029T160000Z",
        "briefing/20261105T170000Z",
        "briefing/20261112T170000Z",
    ]
    assert stored["briefing/20261029T160000Z"].title == "Briefing (moved)"
    assert {e.starts_at.astimezone(ZoneInfo("America/New_York")).hour for e in stored.values()} == {12, 15}


def test_the_details_list_the_first_twenty_then_count_the_rest(engine):
    data = calendar(*(f"UID:e{n}\nSUMMARY:No start" for n in range(25)), "UID:ok\nSUMMARY:T\nDTSTART:20261102T100000Z")
    report = load_ics(engine, data, now=NOW)

    assert report.created == 1 and len(report.skipped) == 25
    lines = report.details()
    assert lines[0] == "skipped event 'e0': it has no DTSTART"
    assert len(lines) == 21 and lines[-1] == "and 5 more"
