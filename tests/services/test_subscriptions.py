"""Syncing subscribed calendar feeds from a publisher on 127.0.0.1: conditional fetches, the
import rule, events gone from a feed, and every way a feed can fail to be read."""

from __future__ import annotations

import gzip
import logging
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from domain.feed import feed_differences
from domain.ical import Problem
from domain.vocabulary import Status
from domain.zones import zone
from services.editing import set_status
from services.importing import REMOVED, ImportReport
from services.subscriptions import (
    UNCHANGED,
    FeedRefused,
    SyncOptions,
    add_feed,
    feed_report,
    list_feeds,
    remove_feed,
    sync_now,
)
from storage.db import session
from storage.models import Event, EventChange, FeedSubscription, Reminder
from storage.subscriptions import claim
from tests.support.calendars import Stop, calendar
from tests.support.clock import at
from tests.support.feed_server import FeedServer
from tests.support.schedule import TEAM, add_event

PAST = Stop("past@feed.test", "Past briefing", "20240329T100000", "20240329T110000")
MACRON = Stop("macron@feed.test", "Blinken meets Macron", "20240402T100000", "20240402T110000")
NATO = Stop("nato@feed.test", "NATO foreign ministers", "20240404T090000", "20240404T120000")
ARMENIA = Stop("armenia@feed.test", "US-EU-Armenia meeting", "20240405T100000", "20240405T120000")
SUMMIT = Stop("summit@feed.test", "NATO summit", "20240709T100000", "20240709T180000")
OPTIONS = SyncOptions(
    fallback_tz="Europe/Paris",
    default_channel="C0FOREIGN",
    every=timedelta(minutes=15),
    deadline=2.0,
    max_bytes=256 * 1024,
    private=True,  # the publisher is on 127.0.0.1
)


@pytest.fixture
def publisher():
    server = FeedServer().start()
    server.etag = None  # each body its own ETag, as publishers do
    yield server
    server.stop()


@pytest.fixture
def woken():
    return []


def subscribe(engine, clock, url: str, name: str = "Ministry feed") -> int:
    return add_feed(engine, team_id=TEAM, address=url, name=name, added_by="U0EDITOR", now=clock()).id


def sync(engine, clock, feed_id: int, woken=None):
    result = sync_now(
        engine,
        subscription_id=feed_id,
        replica="replica-a",
        clock=clock,
        options=OPTIONS,
        on_change=(lambda: woken.append(clock())) if woken is not None else lambda: None,
    )
    assert result is not None
    return result


def events(engine) -> dict[str, Event]:
    with session(engine) as db:
        return {e.uid: e for e in db.exec(select(Event)).unique()}


def subscription(engine, feed_id: int) -> FeedSubscription:
    with session(engine) as db:
        row = db.get(FeedSubscription, feed_id)
        assert row is not None
        return row


def history(engine, uid: str) -> list[EventChange]:
    with session(engine) as db:
        event = db.exec(select(Event).where(Event.uid == uid)).unique().one()
        return list(db.exec(select(EventChange).where(EventChange.event_id == event.id).order_by(EventChange.id)))


def pending_reminders(engine, uid: str) -> list[Reminder]:
    with session(engine) as db:
        event = db.exec(select(Event).where(Event.uid == uid)).unique().one()
        rows = db.exec(select(Reminder).where(Reminder.event_id == event.id, Reminder.status == "pending"))
        return list(rows)


def test_a_first_sync_brings_the_feeds_events_as_its_own(engine, clock, publisher, woken):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")

    result = sync(engine, clock, feed, woken)

    assert result.ok and result.changed
    assert result.line == "2 events: 2 new, 0 updated, 0 unchanged"
    found = events(engine)
    assert {uid: e.feed_id for uid, e in found.items()} == {MACRON.uid: feed, NATO.uid: feed}
    assert found[MACRON.uid].starts_at == datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
    assert [(c.action, c.imported_from) for c in history(engine, MACRON.uid)] == [("created", "Ministry feed")]
    assert pending_reminders(engine, MACRON.uid)
    row = subscription(engine, feed)
    assert row.last_success_at == clock() and row.last_report == result.line and row.last_error is None
    assert row.next_sync_at == clock() + timedelta(minutes=15)
    assert row.claimed_by is None and row.etag
    assert woken == [clock()]


def test_an_unchanged_feed_costs_a_304_and_rewrites_nothing(engine, clock, publisher, woken):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed, woken)
    before = events(engine)
    etag = subscription(engine, feed).etag

    clock.advance(timedelta(minutes=15))
    result = sync(engine, clock, feed, woken)

    assert result.ok and not result.changed and result.line == UNCHANGED
    asked = publisher.asked("/ministry.ics")
    assert "If-None-Match" not in asked[0] and asked[1]["If-None-Match"] == etag
    after = events(engine)
    assert {uid: (e.version, e.updated_at) for uid, e in after.items()} == {
        uid: (e.version, e.updated_at) for uid, e in before.items()
    }
    assert len(history(engine, MACRON.uid)) == 1
    row = subscription(engine, feed)
    assert row.last_success_at == clock() and row.last_report == UNCHANGED
    assert len(woken) == 1  # only the first sync changed the schedule


def test_last_modified_is_sent_back_when_there_is_no_etag(engine, clock, publisher):
    publisher.etag = ""
    publisher.files["/ministry.ics"] = calendar(MACRON)
    publisher.last_modified["/ministry.ics"] = "Mon, 01 Apr 2024 07:00:00 GMT"
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)

    assert sync(engine, clock, feed).line == UNCHANGED
    assert publisher.asked("/ministry.ics")[1]["If-Modified-Since"] == "Mon, 01 Apr 2024 07:00:00 GMT"


def test_a_changed_event_takes_the_feeds_change_with_history_version_and_reminders(engine, clock, publisher, woken):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)
    before = events(engine)[MACRON.uid]
    moved = Stop(MACRON.uid, MACRON.title, "20240402T090000", "20240402T100000")
    publisher.files["/ministry.ics"] = calendar(moved, NATO)

    clock.advance(timedelta(minutes=15))
    result = sync(engine, clock, feed, woken)

    assert result.line == "2 events: 0 new, 1 updated, 1 unchanged"
    after = events(engine)[MACRON.uid]
    assert after.starts_at == datetime(2024, 4, 2, 7, 0, tzinfo=UTC)
    assert after.version == before.version + 1
    changed = history(engine, MACRON.uid)[-1]
    assert (changed.action, changed.field, changed.imported_from) == ("changed", "when", "Ministry feed")
    assert {r.due_at for r in pending_reminders(engine, MACRON.uid)} == {datetime(2024, 4, 2, 6, 0, tzinfo=UTC)}
    assert woken == [clock()]


def test_an_event_gone_from_the_feed_is_cancelled_with_history_never_deleted(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO, ARMENIA)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)
    version = events(engine)[NATO.uid].version
    publisher.files["/ministry.ics"] = calendar(MACRON, ARMENIA)

    clock.advance(timedelta(minutes=15))
    result = sync(engine, clock, feed)

    assert result.line == "2 events: 0 new, 0 updated, 2 unchanged; 1 cancelled (no longer in the feed)"
    nato = events(engine)[NATO.uid]
    assert nato.status is Status.CANCELLED and nato.deleted_at is None
    assert nato.version == version + 1
    removed = history(engine, NATO.uid)[-1]
    assert (removed.action, removed.field, removed.old, removed.new, removed.imported_from) == (
        REMOVED,
        "status",
        "Confirmed",
        "Cancelled",
        "Ministry feed",
    )
    assert pending_reminders(engine, NATO.uid) == []
    assert feed_differences(nato) == []  # the feed no longer says otherwise
    # The next sync finds it still gone: nothing more happens to it.
    clock.advance(timedelta(minutes=15))
    publisher.files["/ministry.ics"] = calendar(MACRON, ARMENIA, Stop("new@feed.test", "New", "20240403T100000"))
    sync(engine, clock, feed)
    assert len(history(engine, NATO.uid)) == 2


def test_absence_cancels_only_upcoming_events_within_the_dates_the_feed_covers(engine, clock, publisher):
    clock.moment = datetime(2024, 3, 25, 8, 0, tzinfo=UTC)
    publisher.files["/ministry.ics"] = calendar(PAST, MACRON, NATO, ARMENIA, SUMMIT)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)
    # A week later the publisher keeps only what is around the Paris stop.
    clock.moment = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
    later_stop = Stop("later@feed.test", "Later talks", "20240406T100000", "20240406T110000")
    publisher.files["/ministry.ics"] = calendar(MACRON, later_stop)

    sync(engine, clock, feed)

    status = {uid: e.status for uid, e in events(engine).items()}
    assert status[PAST.uid] is Status.CONFIRMED  # past: never cancelled by absence
    assert status[NATO.uid] is Status.CANCELLED  # 4 April, within 2–6 April
    assert status[ARMENIA.uid] is Status.CANCELLED
    assert status[SUMMIT.uid] is Status.CONFIRMED  # July: beyond what the feed now covers


def test_an_emptied_feed_cancels_nothing(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)
    publisher.files["/ministry.ics"] = calendar()

    assert sync(engine, clock, feed).line == "0 events: 0 new, 0 updated, 0 unchanged"
    assert {e.status for e in events(engine).values()} == {Status.CONFIRMED}


def test_an_editors_status_survives_the_event_leaving_the_feed(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO, ARMENIA)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)
    nato = events(engine)[NATO.uid]
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=nato.id,
        version=nato.version,
        status=Status.POSTPONED,
        now=clock(),
        default_channel=None,
    )
    publisher.files["/ministry.ics"] = calendar(MACRON, ARMENIA)

    result = sync(engine, clock, feed)

    assert "editors' changes kept in 1" in result.line
    kept = events(engine)[NATO.uid]
    assert kept.status is Status.POSTPONED
    assert [(d.field, d.new) for d in feed_differences(kept)] == [("status", "Cancelled")]


def test_an_editors_cancellation_and_edit_survive_a_sync_that_moves_the_event(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)
    macron = events(engine)[MACRON.uid]
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=macron.id,
        version=macron.version,
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    )
    moved = Stop(MACRON.uid, MACRON.title, "20240402T150000", "20240402T160000")
    publisher.files["/ministry.ics"] = calendar(moved, NATO)

    sync(engine, clock, feed)

    after = events(engine)[MACRON.uid]
    assert after.status is Status.CANCELLED  # the editor's
    assert after.starts_at == datetime(2024, 4, 2, 13, 0, tzinfo=UTC)  # the feed's
    assert [d.field for d in feed_differences(after)] == ["status"]


def test_an_event_back_in_the_feed_is_live_again(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO, ARMENIA)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)
    publisher.files["/ministry.ics"] = calendar(MACRON, ARMENIA)
    sync(engine, clock, feed)
    assert events(engine)[NATO.uid].status is Status.CANCELLED

    publisher.files["/ministry.ics"] = calendar(MACRON, NATO, ARMENIA)
    result = sync(engine, clock, feed)

    assert result.line == "3 events: 0 new, 1 updated, 2 unchanged"
    assert events(engine)[NATO.uid].status is Status.CONFIRMED


def test_an_event_the_feed_still_has_but_that_cannot_be_read_is_skipped_not_cancelled(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)
    broken = calendar(MACRON, NATO).replace(b"DTSTART;TZID=Europe/Paris:20240402T100000\r\n", b"")
    assert broken != calendar(MACRON, NATO)
    publisher.files["/ministry.ics"] = broken

    result = sync(engine, clock, feed)

    assert result.ok and "1 skipped" in result.line and "no DTSTART" in result.line
    # Still in the feed, only unreadable this time: not "removed from" it.
    assert events(engine)[MACRON.uid].status is not Status.CANCELLED
    assert events(engine)[NATO.uid].status is not Status.CANCELLED


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


BROKEN = {
    "HTTP 500": ("500", "HTTP 500"),
    "garbage": ("garbage", "not an iCalendar file"),
    "too large": ("large", "is larger than 262144 bytes"),
    "gzip bomb": ("bomb", "larger than"),
    "timeout": ("hang", "no complete answer within 2 seconds"),
    "unreachable": ("closed", "could not fetch"),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_feed_that_cannot_be_read_changes_nothing_and_says_why(engine, clock, publisher, kind, caplog):
    caplog.set_level(logging.INFO)
    path = "/ministry.ics"
    url = f"{publisher.url}{path}?key=s3cr3t-key"
    publisher.files[path + "?key=s3cr3t-key"] = calendar(MACRON, NATO)
    feed = subscribe(engine, clock, url)
    sync(engine, clock, feed)
    good = subscription(engine, feed)
    before = {uid: (e.version, e.status, e.starts_at) for uid, e in events(engine).items()}
    broken, expected = BROKEN[kind]
    served = path + "?key=s3cr3t-key"
    del publisher.files[served]
    if broken == "500":
        publisher.statuses[served] = 500
    elif broken == "garbage":
        publisher.files[served] = b"<html><body>Maintenance</body></html>"
    elif broken == "large":
        publisher.files[served] = calendar(MACRON) + b"X" * (300 * 1024)
    elif broken == "bomb":
        publisher.gzipped[served] = gzip.compress(bytes(20 * 1024 * 1024))
    elif broken == "hang":
        publisher.hangs.add(served)
    if broken == "closed":
        with session(engine) as db, db.begin():
            row = db.get(FeedSubscription, feed)
            assert row is not None
            row.url = f"http://127.0.0.1:{_closed_port()}{served}"

    clock.advance(timedelta(minutes=15))
    result = sync(engine, clock, feed)

    assert not result.ok and expected in result.line
    assert "s3cr3t-key" not in result.line
    assert {uid: (e.version, e.status, e.starts_at) for uid, e in events(engine).items()} == before
    row = subscription(engine, feed)
    assert row.last_error == result.line and "\n" not in row.last_error
    assert row.failing_since == clock() and row.failure_posted_at is None
    assert (row.last_success_at, row.last_report, row.etag) == (good.last_success_at, good.last_report, good.etag)
    assert row.next_sync_at == clock() + timedelta(minutes=15) and row.claimed_by is None
    listed = list_feeds(engine, team_id=TEAM)[0]
    assert listed.last_error == result.line and "s3cr3t-key" not in listed.url
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("services"))
    assert "feed sync failed feed=1" in ours and "s3cr3t-key" not in ours


def test_a_failure_streak_keeps_its_start_and_a_recovery_ends_it(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    publisher.statuses["/ministry.ics"] = 503
    sync(engine, clock, feed)
    started = clock()
    clock.advance(timedelta(minutes=15))
    sync(engine, clock, feed)
    assert subscription(engine, feed).failing_since == started

    del publisher.statuses["/ministry.ics"]
    clock.advance(timedelta(minutes=15))
    assert sync(engine, clock, feed).ok

    row = subscription(engine, feed)
    assert (row.last_error, row.failing_since, row.failure_posted_at) == (None, None, None)
    assert row.last_success_at == clock()


def test_a_redirect_from_https_to_http_is_refused(engine, clock, tls_feeds, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON)
    tls_feeds.redirects["/moved.ics"] = f"{publisher.url}/ministry.ics"
    feed = subscribe(engine, clock, f"{tls_feeds.url}/moved.ics")

    result = sync(engine, clock, feed)

    assert not result.ok and "from https to plain http" in result.line
    assert publisher.requests == [] and events(engine) == {}


def test_redirects_within_https_are_followed(engine, clock, tls_feeds):
    tls_feeds.files["/ministry.ics"] = calendar(MACRON)
    tls_feeds.redirects["/old.ics"] = "/ministry.ics"
    feed = subscribe(engine, clock, f"{tls_feeds.url}/old.ics")

    assert sync(engine, clock, feed).ok
    assert set(events(engine)) == {MACRON.uid}


def test_addresses_are_checked_and_webcal_is_https(engine, clock):
    for bad in ("ftp://example.org/x.ics", "example.org/x.ics", "https://", "javascript:alert(1)"):
        with pytest.raises(FeedRefused):
            add_feed(engine, team_id=TEAM, address=bad, name="", added_by="U0EDITOR", now=clock())
    added = add_feed(
        engine, team_id=TEAM, address="webcal://cal.example.org/a.ics", name="", added_by="U0EDITOR", now=clock()
    )
    assert (added.url, added.name, added.number) == ("https://cal.example.org/a.ics", "cal.example.org", 1)
    with pytest.raises(FeedRefused, match="already feed 1"):
        add_feed(engine, team_id=TEAM, address="https://cal.example.org/a.ics", name="x", added_by="U0", now=clock())


def test_removing_a_feed_keeps_its_events(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON, NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    sync(engine, clock, feed)

    assert remove_feed(engine, team_id=TEAM, number=1) == ("Ministry feed", 2)

    assert {(e.feed_id, e.status, e.deleted_at) for e in events(engine).values()} == {(None, Status.CONFIRMED, None)}
    assert list_feeds(engine, team_id=TEAM) == []
    with pytest.raises(FeedRefused, match="no calendar feeds"):
        remove_feed(engine, team_id=TEAM, number=1)


def test_a_feed_being_synced_is_not_synced_twice(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    with session(engine) as db, db.begin():
        assert claim(db, now=clock(), lease_until=clock() + timedelta(minutes=5), replica="other") == feed

    assert sync_now(engine, subscription_id=feed, replica="replica-a", clock=clock, options=OPTIONS) is None
    assert publisher.requests == []
    # The other replica died: once its lease has run out, the feed can be synced.
    clock.advance(timedelta(minutes=6))
    assert sync(engine, clock, feed).ok


def test_the_report_lists_what_the_parser_skipped_or_flagged():
    report = ImportReport(
        created=2,
        updated=0,
        unchanged=1,
        kept=1,
        cancelled=1,
        skipped=tuple(Problem(f"event 'e{n}'", "it has no DTSTART") for n in range(5)),
        flagged=(Problem("event 'u1'", "no SUMMARY, named Untitled: Brussels"),),
    )

    assert feed_report(report) == (
        "3 events: 2 new, 0 updated, 1 unchanged; 1 cancelled (no longer in the feed); editors' changes kept in 1; "
        "5 skipped (event 'e0': it has no DTSTART · event 'e1': it has no DTSTART · event 'e2': it has no DTSTART"
        " · and 2 more); 1 note (event 'u1': no SUMMARY, named Untitled: Brussels)"
    )


def _google_weekly_briefing(*, exdate: str | None = None) -> bytes:
    """A Google Calendar export: X-WR-TIMEZONE with floating times, a weekly noon briefing
    across the end of US daylight saving time (3 November 2024), one week moved to 14:00."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "X-WR-CALNAME:State Department briefings",
        "X-WR-TIMEZONE:America/New_York",
        "BEGIN:VEVENT",
        "UID:briefing@google.test",
        "SUMMARY:Department press briefing",
        "DTSTART:20241024T120000",
        "DTEND:20241024T130000",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        *([f"EXDATE:{exdate}"] if exdate else []),
        "LOCATION:State Department\\, Washington",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:briefing@google.test",
        "RECURRENCE-ID:20241107T120000",
        "SUMMARY:Department press briefing (moved)",
        "DTSTART:20241107T140000",
        "DTEND:20241107T150000",
        "LOCATION:State Department\\, Washington",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_weekly_briefing_from_google_stays_at_noon_new_york_time_across_the_change(engine, clock, publisher):
    at(clock, datetime(2024, 10, 20, 12, 0, tzinfo=UTC))
    publisher.files["/briefings.ics"] = _google_weekly_briefing()
    feed = subscribe(engine, clock, f"{publisher.url}/briefings.ics")

    first = sync(engine, clock, feed)
    clock.advance(timedelta(minutes=15))
    publisher.files["/briefings.ics"] = _google_weekly_briefing()  # the same feed, served again
    sync(engine, clock, feed)

    new_york = zone("America/New_York")
    synced = sorted(events(engine).values(), key=lambda e: e.starts_at)
    assert first.ok and len(synced) == 4  # one event per occurrence, none duplicated by the second sync
    assert [e.tz for e in synced] == ["America/New_York"] * 4
    assert [e.starts_at.astimezone(new_york).strftime("%d %b %H:%M") for e in synced] == [
        "24 Oct 12:00",
        "31 Oct 12:00",
        "07 Nov 14:00",  # the override, not a fifth event
        "14 Nov 12:00",
    ]
    # The same noon is 16:00 UTC before the change and 17:00 after it.
    assert [e.starts_at.hour for e in synced] == [16, 16, 19, 17]

    # The publisher drops one week: that occurrence is cancelled, the others stay.
    publisher.files["/briefings.ics"] = _google_weekly_briefing(exdate="20241031T120000")
    clock.advance(timedelta(minutes=15))
    sync(engine, clock, feed)
    statuses = {e.starts_at.astimezone(new_york).strftime("%d %b"): e.status for e in events(engine).values()}
    assert statuses["31 Oct"] is Status.CANCELLED
    assert [day for day, status in statuses.items() if status is Status.CANCELLED] == ["31 Oct"]


def test_a_feed_on_a_private_address_is_refused_unless_allowed(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON)
    for host in ("127.0.0.1", "localhost"):
        feed = subscribe(engine, clock, f"{publisher.url.replace('127.0.0.1', host)}/ministry.ics", name=host)
        result = sync_now(
            engine,
            subscription_id=feed,
            replica="replica-a",
            clock=clock,
            options=replace(OPTIONS, private=False),
        )
        assert result is not None and not result.ok
        assert "private or local network address" in result.line
    # Refused before connecting: the publisher was never asked.
    assert publisher.requests == [] and events(engine) == {}


def test_a_feed_cannot_take_over_or_cancel_an_event_it_does_not_own(engine, clock, publisher):
    """UIDs are public (each event's is in the live feed): a feed sending the UID of an event
    made in TripDesk, or of another feed's event, changes nothing, and dropping it cancels nothing."""
    own = add_event(engine, clock, title="Editor's own event", start=datetime(2024, 4, 3, 8, 0, tzinfo=UTC))
    publisher.files["/ministry.ics"] = calendar(NATO)
    ministry = subscribe(engine, clock, f"{publisher.url}/ministry.ics", name="Ministry")
    sync(engine, clock, ministry)
    hijack = [
        Stop(own.uid, "HIJACKED", "20240403T230000", "20240403T235000"),
        Stop(NATO.uid, "HIJACKED NATO", "20240404T230000", "20240404T235000"),
        ARMENIA,
    ]
    publisher.files["/partner.ics"] = calendar(*hijack)
    partner = subscribe(engine, clock, f"{publisher.url}/partner.ics", name="Partner")
    before = {uid: (e.title, e.starts_at, e.feed_id, e.version) for uid, e in events(engine).items()}

    taken = sync(engine, clock, partner)
    publisher.files["/partner.ics"] = calendar(ARMENIA)
    clock.advance(timedelta(minutes=15))
    dropped = sync(engine, clock, partner)

    after = events(engine)
    for uid in (own.uid, NATO.uid):
        assert (after[uid].title, after[uid].starts_at, after[uid].feed_id, after[uid].version) == before[uid]
        assert after[uid].status is Status.CONFIRMED
    assert after[ARMENIA.uid].feed_id == partner
    assert taken.line.startswith("1 event: 1 new") and "2 skipped" in taken.line and "does not own" in taken.line
    assert "cancelled" not in dropped.line


def test_a_feed_larger_than_the_limit_gives_its_soonest_events_and_says_so(engine, clock, publisher):
    publisher.files["/ministry.ics"] = calendar(SUMMIT, MACRON, NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/ministry.ics")
    limited = replace(OPTIONS, max_events=2)

    result = sync_now(engine, subscription_id=feed, replica="replica-a", clock=clock, options=limited)
    assert result is not None and result.ok
    assert set(events(engine)) == {MACRON.uid, NATO.uid}
    assert "it has 3 events; only the 2 soonest were taken" in result.line

    # What was left out is still in the feed: nothing it took is cancelled for it next time.
    publisher.files["/ministry.ics"] = calendar(PAST, SUMMIT, MACRON, NATO)
    clock.advance(timedelta(minutes=15))
    sync_now(engine, subscription_id=feed, replica="replica-a", clock=clock, options=limited)
    assert all(e.status is Status.CONFIRMED for e in events(engine).values())
