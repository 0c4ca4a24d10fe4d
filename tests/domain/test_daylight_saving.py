"""Time truth across daylight-saving changes, as properties over zones with unusual rules.

Instants are drawn around every UTC-offset change of the next three years in zones with half-
and quarter-hour offsets, ±14/−11 hours, southern-hemisphere DST, DST dropped (Tehran, São
Paulo), Morocco's Ramadan change, Lord Howe's 30-minute DST and midnight changes (Santiago,
Havana). Each property compares TripDesk's answer with zoneinfo's, computed in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks.when import reader_time_token
from domain.drafts import finishes_at
from domain.ical import parse_calendar
from domain.reminders import planned
from domain.timetext import venue_time_text
from domain.vocabulary import Kind, Precision, Status
from domain.zones import start_of_day, zone

# Where an import stands: only recurring events depend on it.
NOW = datetime(2026, 1, 1, tzinfo=UTC)

ZONES = [
    "America/New_York",
    "Europe/Paris",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Tehran",
    "Australia/Lord_Howe",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Africa/Casablanca",
    "America/Santiago",
    "America/Havana",
    "Pacific/Chatham",
]
FROM, UNTIL = datetime(2026, 12, 1, tzinfo=UTC), datetime(2029, 12, 1, tzinfo=UTC)
EXAMPLES = settings(max_examples=150, deadline=None)


@cache
def transitions(name: str) -> tuple[datetime, ...]:
    """Every instant in [FROM, UNTIL) at which the zone's UTC offset changes, to the second."""
    tz = zone(name)
    found, step = [], timedelta(hours=6)
    moment, offset = FROM, FROM.astimezone(tz).utcoffset()
    while moment < UNTIL:
        following = moment + step
        if following.astimezone(tz).utcoffset() != offset:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if middle.astimezone(tz).utcoffset() == offset else (low, middle)
            found.append(high.replace(microsecond=0))
            offset = following.astimezone(tz).utcoffset()
        moment = following
    return tuple(found)


def test_the_matrix_has_the_changes_it_is_meant_to_test():
    assert len(transitions("America/New_York")) == 6
    assert transitions("Asia/Tehran") == () and transitions("America/Sao_Paulo") == ()
    assert len(transitions("Africa/Casablanca")) >= 4  # around Ramadan, twice a year
    lord_howe = transitions("Australia/Lord_Howe")[0]
    assert abs(
        lord_howe.astimezone(zone("Australia/Lord_Howe")).utcoffset()
        - (lord_howe - timedelta(seconds=1)).astimezone(zone("Australia/Lord_Howe")).utcoffset()
    ) == timedelta(minutes=30)


@st.composite
def instants(draw):
    """(zone name, instant): near one of the zone's changes when it has any, else anywhere."""
    name = draw(st.sampled_from(ZONES))
    changes = transitions(name)
    if changes:
        around = draw(st.sampled_from(changes))
        moment = around + timedelta(minutes=draw(st.integers(-26 * 60, 26 * 60)))
    else:
        moment = FROM + timedelta(minutes=draw(st.integers(0, 3 * 365 * 24 * 60)))
    return name, moment.replace(second=0)


durations = st.integers(min_value=1, max_value=23 * 60 + 59).map(lambda minutes: timedelta(minutes=minutes))
lead_times = st.sampled_from([15, 60, 75, 1440, 10080])


def _ics(name: str, wall: datetime, duration: timedelta) -> bytes:
    hours, minutes = divmod(int(duration.total_seconds()) // 60, 60)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:dst@test\r\n"
        f"DTSTAMP:20260101T000000Z\r\nSUMMARY:Talks\r\nDTSTART;TZID={name}:{wall:%Y%m%dT%H%M%S}\r\n"
        f"DURATION:PT{hours}H{minutes}M\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@EXAMPLES
@given(instants(), durations)
def test_an_imported_duration_is_real_time_from_the_start_rfc_5545_reads(placed, duration):
    name, moment = placed
    wall = moment.astimezone(zone(name)).replace(tzinfo=None)
    # RFC 5545: a wall time that happens twice is the first; one in a gap takes the offset from
    # before the change. zoneinfo's fold=0 reads both that way.
    expected = wall.replace(tzinfo=zone(name), fold=0).astimezone(UTC)
    (draft,) = parse_calendar(_ics(name, wall, duration), fallback_tz="UTC", now=NOW).drafts
    assert draft.tz == name
    assert draft.starts_at == expected
    assert draft.ends_at is not None
    assert draft.ends_at.astimezone(UTC) - draft.starts_at.astimezone(UTC) == duration


@EXAMPLES
@given(instants(), durations, st.sampled_from([*ZONES, "UTC"]))
def test_a_card_shows_each_end_at_the_venue_as_zoneinfo_does(placed, duration, reader):
    name, start = placed
    end = start + duration  # both in UTC: exact
    text = venue_time_text(starts_at=start, ends_at=end, precision=Precision.EXACT, tz=name)
    local_start, local_end = start.astimezone(zone(name)), end.astimezone(zone(name))
    assert f"{local_start:%H:%M}" in text and f"{local_end:%H:%M} {local_end:%Z}" in text
    assert f"{local_start.day} {local_start:%b}" in text
    if local_start.utcoffset() != local_end.utcoffset():
        assert f"{local_start:%H:%M} {local_start:%Z}" in text  # its own label, not the end's
    # The reader's own time: the token carries the exact instant; Slack renders it per reader.
    token = reader_time_token(start.astimezone(zone(reader)))
    assert int(re.match(r"<!date\^(\d+)\^", token).group(1)) == int(start.timestamp())
    assert f"{start:%H:%M} UTC" in token


@EXAMPLES
@given(instants(), st.lists(lead_times, min_size=1, max_size=3, unique=True))
def test_a_reminder_is_due_exactly_its_lead_before_the_start(placed, leads):
    name, moment = placed
    # The start as a venue-local aware datetime, the way Python would tempt wall arithmetic.
    start = moment.astimezone(zone(name))
    event = SimpleNamespace(
        starts_at=start,
        channel_id="C0DESK",
        deleted_at=None,
        status=Status.CONFIRMED,
        past_record=False,
        precision=Precision.EXACT,
        kind=Kind.BILATERAL,
        lead_times=",".join(str(m) for m in leads),
    )
    due = planned(event, default_channel=None)
    assert {lead for lead, _ in due} == set(leads)
    for (lead, _channel), at in due.items():
        assert start.astimezone(UTC) - at.astimezone(UTC) == timedelta(minutes=lead)


@EXAMPLES
@given(instants())
def test_a_local_day_holds_exactly_the_instants_whose_date_it_is(placed):
    name, moment = placed
    tz = zone(name)
    day = moment.astimezone(tz).date()
    first, following = start_of_day(day, name), start_of_day(day + timedelta(days=1), name)
    assert first <= moment < following
    # The bounds themselves are the first instants of their dates (23-, 25-hour and other days).
    assert first.astimezone(tz).date() == day and (first - timedelta(seconds=1)).astimezone(tz).date() < day
    length = following - first
    assert timedelta(hours=22) <= length <= timedelta(hours=26)


@EXAMPLES
@given(instants(), st.sampled_from([Precision.DAY, Precision.MONTH]))
def test_an_event_known_only_to_the_day_or_month_lasts_to_the_next_local_start(placed, precision):
    name, moment = placed
    tz = zone(name)
    day = moment.astimezone(tz).date()
    if precision is Precision.MONTH:
        day = day.replace(day=1)
    start = start_of_day(day, name)
    end = finishes_at(start, None, precision, name)
    following = (
        date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if precision is Precision.MONTH
        else day + timedelta(days=1)
    )
    assert end == start_of_day(following, name)
    assert end.astimezone(tz).date() == following


def test_the_new_york_fall_back_night_from_the_issue():
    data = _ics("America/New_York", datetime(2027, 11, 7, 1, 30), timedelta(hours=1))
    (draft,) = parse_calendar(data, fallback_tz="UTC", now=NOW).drafts
    assert draft.starts_at == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    assert draft.ends_at == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    text = venue_time_text(starts_at=draft.starts_at, ends_at=draft.ends_at, precision=draft.precision, tz=draft.tz)
    assert text == "Sun 7 Nov 2027, 01:30 EDT – 01:30 EST"


def test_a_duration_in_days_keeps_the_venue_s_wall_time():
    # P1D across Paris's spring change: 10:00 to 10:00 the next day, 23 hours of real time.
    data = _ics("Europe/Paris", datetime(2027, 3, 27, 10, 0), timedelta(0)).replace(b"DURATION:PT0H0M", b"DURATION:P1D")
    (draft,) = parse_calendar(data, fallback_tz="UTC", now=NOW).drafts
    assert draft.ends_at.astimezone(zone("Europe/Paris")).replace(tzinfo=None) == datetime(2027, 3, 28, 10, 0)
    assert draft.ends_at - draft.starts_at == timedelta(hours=23)


def test_a_one_day_all_day_event_on_a_25_hour_day_reads_as_that_day():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:d@t\r\nDTSTAMP:20260101T000000Z\r\n"
        b"SUMMARY:Talks\r\nLOCATION:Paris\\, France\r\nDTSTART;VALUE=DATE:20271031\r\nDTEND;VALUE=DATE:20271101\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (draft,) = parse_calendar(data, fallback_tz="UTC", now=NOW).drafts
    assert draft.precision is Precision.DAY and draft.ends_at is None
    assert venue_time_text(starts_at=draft.starts_at, ends_at=None, precision=Precision.DAY, tz=draft.tz) == (
        "Sun 31 Oct 2027, time TBC"
    )
