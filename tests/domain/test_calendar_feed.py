"""The live feed as calendar clients read it: parsed back field by field with the iCalendar
library, and by a strict RFC 5545 parser (`ical`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import icalendar
import pytest
from hypothesis import given
from ical.calendar_stream import IcsCalendarStream

from domain.calendar_feed import FeedTitle, feed_path, fold, render_feed
from domain.ical import parse_calendar
from domain.timetext import venue_time_text
from domain.vocabulary import Kind, Precision, Status
from domain.zones import add_days, start_of_day, zone
from tests.domain.test_daylight_saving import EXAMPLES, durations, instants


@dataclass(frozen=True)
class Person:
    name: str


@dataclass(frozen=True)
class Trip:
    principal: str
    name: str
    id: int | None = 1


@dataclass(frozen=True)
class Event:
    uid: str = "blinken-sejourne-2024-04-02@state.example"
    title: str = "Blinken and Séjourné: talks at the Quai d'Orsay"
    kind: Kind = Kind.BILATERAL
    status: Status = Status.CONFIRMED
    precision: Precision = Precision.EXACT
    starts_at: datetime = datetime(2024, 4, 2, 10, 0, tzinfo=UTC)
    ends_at: datetime | None = datetime(2024, 4, 2, 11, 0, tzinfo=UTC)
    tz: str = "Europe/Paris"
    venue: str = "Ministry for Europe and Foreign Affairs"
    city: str = "Paris"
    country: str = "France"
    trip: Trip | None = Trip("Antony Blinken", "Paris and Brussels, April 2024")
    participants: tuple[Person, ...] = field(default=(Person("Antony Blinken"), Person("Stéphane Séjourné")))
    source_url: str | None = "https://www.diplomatie.gouv.fr/"
    version: int = 1
    created_at: datetime = datetime(2024, 3, 20, 9, 0, tzinfo=UTC)
    updated_at: datetime = datetime(2024, 3, 28, 17, 30, tzinfo=UTC)
    deleted_at: datetime | None = None


TITLE = FeedTitle("newsroom")


def parsed(*events: Event, title: FeedTitle = TITLE) -> tuple[icalendar.Calendar, list[icalendar.Event]]:
    data = render_feed(events, title)
    calendar = icalendar.Calendar.from_ical(data)
    return calendar, list(calendar.walk("VEVENT"))


def strict(*events: Event):
    """The feed through `ical`, which refuses what RFC 5545 does not allow."""
    return IcsCalendarStream.calendar_from_ics(render_feed(events, TITLE).decode("utf-8"))


def test_the_calendar_says_what_it_is_for_every_client():
    calendar, _ = parsed(Event())
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] == "-//TripDesk//Live schedule//EN"
    assert calendar["X-WR-CALNAME"] == "newsroom — TripDesk"
    query, _ = parsed(Event(), title=FeedTitle("newsroom", "séjourné"))
    assert query["X-WR-CALNAME"] == "newsroom — TripDesk: séjourné"


def test_a_timed_event_parses_back_field_by_field():
    _, [event] = parsed(Event(version=4))
    assert event["UID"] == "blinken-sejourne-2024-04-02@state.example"
    assert event["SUMMARY"] == "Blinken and Séjourné: talks at the Quai d'Orsay"
    assert event.decoded("DTSTART") == datetime(2024, 4, 2, 10, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2024, 4, 2, 11, 0, tzinfo=UTC)
    assert event["SEQUENCE"] == 3
    assert event.decoded("DTSTAMP") == datetime(2024, 3, 28, 17, 30, tzinfo=UTC)
    assert event.decoded("LAST-MODIFIED") == datetime(2024, 3, 28, 17, 30, tzinfo=UTC)
    assert event.decoded("CREATED") == datetime(2024, 3, 20, 9, 0, tzinfo=UTC)
    assert event["STATUS"] == "CONFIRMED"
    assert "TRANSP" not in event
    assert event["LOCATION"] == "Ministry for Europe and Foreign Affairs, Paris, France"
    assert event["URL"] == "https://www.diplomatie.gouv.fr/"
    assert [str(c) for c in event.categories] == ["Bilateral meeting"]
    assert event["DESCRIPTION"].splitlines() == [
        "Venue time: Tue 2 Apr 2024, 12:00–13:00 CEST (Europe/Paris)",
        "Who: Antony Blinken meets Stéphane Séjourné",
        "Status: Confirmed",
        "Trip: Antony Blinken, Paris and Brussels, April 2024",
        "Source: https://www.diplomatie.gouv.fr/",
    ]
    assert event["X-TRIPDESK-TZ"] == "Europe/Paris"
    assert event["X-TRIPDESK-PRECISION"] == "EXACT"
    assert event["X-TRIPDESK-STATUS"] == "CONFIRMED"
    assert event["X-TRIPDESK-PRINCIPAL"] == "Antony Blinken"
    assert event["X-TRIPDESK-TRIP"] == "Paris and Brussels, April 2024"
    assert [str(p) for p in event["X-TRIPDESK-PARTICIPANT"]] == ["Antony Blinken", "Stéphane Séjourné"]
    assert "X-TRIPDESK-TITLE" not in event and "X-TRIPDESK-UID" not in event


def test_times_are_utc_without_a_time_zone_definition_to_misread():
    data = render_feed([Event()], TITLE)
    assert b"DTSTART:20240402T100000Z\r\n" in data
    assert b"DTEND:20240402T110000Z\r\n" in data
    assert b"TZID" not in data and b"VTIMEZONE" not in data


def test_the_strict_parser_reads_every_kind_of_event_with_the_same_times():
    events = [
        Event(),
        Event(uid="day@x", precision=Precision.DAY, starts_at=datetime(2024, 8, 13, 22, 0, tzinfo=UTC), ends_at=None),
        Event(uid="month@x", precision=Precision.MONTH, starts_at=datetime(2024, 6, 30, 22, 0, tzinfo=UTC)),
        Event(uid="cancelled@x", status=Status.CANCELLED),
        Event(uid="postponed@x", status=Status.POSTPONED, trip=None, participants=(), source_url=None, venue=""),
    ]
    calendar = strict(*events)
    assert calendar.prodid == "-//TripDesk//Live schedule//EN"
    by_uid = {event.uid: event for event in calendar.events}
    assert by_uid["blinken-sejourne-2024-04-02@state.example"].dtstart == datetime(2024, 4, 2, 10, 0, tzinfo=UTC)
    assert by_uid["blinken-sejourne-2024-04-02@state.example"].summary == events[0].title
    assert by_uid["day@x"].dtstart == date(2024, 8, 14)
    assert by_uid["day@x"].dtend == date(2024, 8, 15)
    assert by_uid["month@x"].dtstart == date(2024, 7, 1)
    assert by_uid["cancelled@x"].status.value == "CANCELLED"
    assert by_uid["postponed@x"].status.value == "TENTATIVE"


def test_the_venue_time_is_right_across_a_daylight_saving_change():
    # New York falls back at 02:00 EDT on 3 November 2024: 00:30 EDT to 01:30 EST is two real hours.
    event = Event(
        starts_at=datetime(2024, 11, 3, 4, 30, tzinfo=UTC),
        ends_at=datetime(2024, 11, 3, 6, 30, tzinfo=UTC),
        tz="America/New_York",
        venue="UN headquarters",
        city="New York",
        country="United States",
    )
    _, [parsed_event] = parsed(event)
    start, end = parsed_event.decoded("DTSTART"), parsed_event.decoded("DTEND")
    assert (start, end) == (event.starts_at, event.ends_at)
    new_york = zone("America/New_York")
    assert (start.astimezone(new_york).hour, start.astimezone(new_york).minute) == (0, 30)
    assert (end.astimezone(new_york).hour, end.astimezone(new_york).minute) == (1, 30)
    assert parsed_event["DESCRIPTION"].splitlines()[0] == (
        "Venue time: Sun 3 Nov 2024, 00:30 EDT – 01:30 EST (America/New_York)"
    )
    [strict_event] = strict(event).events
    assert strict_event.dtstart == event.starts_at and strict_event.dtend == event.ends_at


def test_sequence_follows_the_version():
    sequences = [parsed(Event(version=version))[1][0]["SEQUENCE"] for version in (1, 2, 5)]
    assert sequences == [0, 1, 4]


def test_a_cancelled_event_stays_and_says_so():
    _, [event] = parsed(Event(status=Status.CANCELLED))
    assert event["STATUS"] == "CANCELLED"
    assert event["SUMMARY"] == "Cancelled: Blinken and Séjourné: talks at the Quai d'Orsay"
    assert event["TRANSP"] == "TRANSPARENT"
    assert event["X-TRIPDESK-STATUS"] == "CANCELLED"
    # The title without "Cancelled:", for an import to give back.
    assert event["X-TRIPDESK-TITLE"] == "Blinken and Séjourné: talks at the Quai d'Orsay"


def test_a_postponed_event_is_tentative_and_says_so():
    _, [event] = parsed(Event(status=Status.POSTPONED))
    assert event["STATUS"] == "TENTATIVE"
    assert event["SUMMARY"].startswith("Postponed: ")
    assert event["X-TRIPDESK-STATUS"] == "POSTPONED"
    _, [tentative] = parsed(Event(status=Status.TENTATIVE))
    assert (tentative["STATUS"], tentative["SUMMARY"]) == ("TENTATIVE", Event.title)


def test_day_precision_is_all_day_with_the_exclusive_end():
    # 14–16 August in Paris: stored as the first instant of the 14th to that of the 17th.
    paris = zone("Europe/Paris")
    event = Event(
        precision=Precision.DAY,
        starts_at=datetime(2024, 8, 14, tzinfo=paris).astimezone(UTC),
        ends_at=datetime(2024, 8, 17, tzinfo=paris).astimezone(UTC),
    )
    data = render_feed([event], TITLE)
    assert b"DTSTART;VALUE=DATE:20240814\r\n" in data
    assert b"DTEND;VALUE=DATE:20240817\r\n" in data
    _, [parsed_event] = parsed(event)
    assert parsed_event.decoded("DTSTART") == date(2024, 8, 14)
    assert parsed_event.decoded("DTEND") == date(2024, 8, 17)
    assert parsed_event["X-TRIPDESK-PRECISION"] == "DAY"
    assert "Wed 14 – Fri 16 Aug 2024, time TBC" in parsed_event["DESCRIPTION"]


def test_a_single_day_ends_the_next_day_in_the_venues_calendar():
    # Tokyo is nine hours ahead of UTC: its 5 March starts on 4 March in UTC.
    tokyo = zone("Asia/Tokyo")
    event = Event(precision=Precision.DAY, starts_at=datetime(2025, 3, 5, tzinfo=tokyo).astimezone(UTC), ends_at=None)
    event = replace(event, tz="Asia/Tokyo", city="Tokyo", country="Japan")
    _, [parsed_event] = parsed(event)
    assert (parsed_event.decoded("DTSTART"), parsed_event.decoded("DTEND")) == (date(2025, 3, 5), date(2025, 3, 6))


def test_month_precision_is_a_transparent_marker_on_the_first_flagged_date_tbc():
    paris = zone("Europe/Paris")
    event = Event(
        title="NATO summit",
        kind=Kind.SUMMIT,
        precision=Precision.MONTH,
        starts_at=datetime(2024, 7, 1, tzinfo=paris).astimezone(UTC),
        ends_at=None,
    )
    _, [parsed_event] = parsed(event)
    assert parsed_event.decoded("DTSTART") == date(2024, 7, 1)
    assert parsed_event.decoded("DTEND") == date(2024, 7, 2)
    assert parsed_event["SUMMARY"] == "NATO summit (July 2024, date TBC)"
    assert parsed_event["TRANSP"] == "TRANSPARENT"
    assert parsed_event["X-TRIPDESK-PRECISION"] == "MONTH"


def test_deleted_events_leave_the_feed():
    _, events = parsed(Event(uid="kept@x"), Event(uid="gone@x", deleted_at=datetime(2024, 3, 30, tzinfo=UTC)))
    assert [e["UID"] for e in events] == ["kept@x"]


def test_a_uid_that_is_not_an_address_is_made_globally_unique_and_kept_for_import():
    _, [event] = parsed(Event(uid="event-17"))
    assert event["UID"] == "event-17@tripdesk"
    assert event["X-TRIPDESK-UID"] == "event-17"
    _, [own] = parsed(Event(uid="0b9e…@tripdesk"))
    assert own["UID"] == "0b9e…@tripdesk" and "X-TRIPDESK-UID" not in own


@pytest.mark.parametrize("padding", range(0, 80))
def test_long_lines_fold_without_splitting_a_character_or_an_escape(padding):
    title = "x" * padding + "Séjourné, Lecornu; Blinken\\Macron — " * 6
    data = render_feed([Event(title=title)], TITLE)
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character split across lines
        body = line[1:] if line.startswith(b" ") else line
        trailing = len(body) - len(body.rstrip(b"\\"))
        assert trailing % 2 == 0, f"an escape split at the fold: {line!r}"
    _, [event] = parsed(Event(title=title))
    assert event["SUMMARY"] == title
    assert strict(Event(title=title)).events[0].summary == title


def test_fold_leaves_short_lines_alone():
    assert fold(b"SUMMARY:short") == b"SUMMARY:short"


def test_the_feed_imports_back_with_tripdesks_own_importer():
    paris = zone("Europe/Paris")
    events = [
        Event(),
        Event(uid="day@x", precision=Precision.DAY, starts_at=datetime(2024, 8, 14, tzinfo=paris).astimezone(UTC)),
        Event(uid="month@x", precision=Precision.MONTH, starts_at=datetime(2024, 7, 1, tzinfo=paris).astimezone(UTC)),
        Event(uid="postponed@x", status=Status.POSTPONED),
    ]
    events[1] = replace(events[1], ends_at=datetime(2024, 8, 17, tzinfo=paris).astimezone(UTC))
    events[2] = replace(events[2], ends_at=None)
    events.append(Event(uid="no-address", title="Cancelled talks", status=Status.CANCELLED))
    now = datetime(2024, 4, 1, tzinfo=UTC)
    drafts = {draft.uid: draft for draft in parse_calendar(render_feed(events, TITLE), "UTC", now=now).drafts}
    for event in events:
        draft = drafts[event.uid]
        assert (draft.title, draft.tz, draft.notes) == (event.title, event.tz, "")
        assert list(draft.participants) == [p.name for p in event.participants]
        assert (draft.kind, draft.precision) == (event.kind, event.precision)
        assert draft.starts_at == event.starts_at
        assert (draft.venue, draft.city, draft.country) == (event.venue, event.city, event.country)
        assert draft.source_url == event.source_url
        assert draft.trip is not None and draft.trip.name == "Paris and Brussels, April 2024"
    assert drafts["blinken-sejourne-2024-04-02@state.example"].ends_at == events[0].ends_at
    assert drafts["day@x"].ends_at == events[1].ends_at
    assert drafts["postponed@x"].status is Status.POSTPONED
    assert drafts["no-address"].status is Status.CANCELLED
    assert drafts["day@x"].title == events[1].title
    assert drafts["blinken-sejourne-2024-04-02@state.example"].status is Status.CONFIRMED


def test_a_querys_address_carries_it_encoded():
    assert feed_path("abc") == "/calendar/abc.ics"
    assert feed_path("abc", " Séjourné & co ") == "/calendar/abc.ics?q=S%C3%A9journ%C3%A9%20%26%20co"


@EXAMPLES
@given(instants(), durations)
def test_times_survive_the_feed_around_every_offset_change(where, duration):
    """Over the daylight-saving matrix: the instants parse back exactly, the description gives
    the venue's wall time with each end's own offset, and a day-precision event falls on the
    venue's date."""
    name, start = where
    end = start + duration
    event = Event(starts_at=start, ends_at=end, tz=name)
    _, [timed] = parsed(event)
    assert (timed.decoded("DTSTART"), timed.decoded("DTEND")) == (start, end)
    venue = venue_time_text(starts_at=start, ends_at=end, precision=Precision.EXACT, tz=name)
    assert timed["DESCRIPTION"].splitlines()[0] == f"Venue time: {venue} ({name})"
    assert timed["X-TRIPDESK-TZ"] == name

    local_day = start.astimezone(zone(name)).date()
    day_event = Event(precision=Precision.DAY, starts_at=start_of_day(local_day, name), ends_at=None, tz=name)
    _, [all_day] = parsed(day_event)
    assert all_day.decoded("DTSTART") == local_day
    assert all_day.decoded("DTEND") == add_days(local_day, 1)
