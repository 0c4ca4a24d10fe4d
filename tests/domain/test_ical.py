"""iCalendar mapping: fields, zones, precision; what skips an event and what refuses a file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.ical import CalendarError, Problem, parse_calendar
from domain.vocabulary import Kind, Precision, Status

# Only recurring events depend on the time of the import (tests/domain/test_ical_recurrence.py).
NOW = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\nDTSTAMP:20240301T000000Z\n{e.strip()}\nEND:VEVENT\n" for e in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n".encode()


def one(event: str, fallback_tz: str = "UTC"):
    (draft,) = parse_calendar(calendar(event), fallback_tz, now=NOW).drafts
    return draft


def test_tzid_is_the_venue_zone():
    draft = one(
        "UID:a\nSUMMARY:Meeting\nDTSTART;TZID=Europe/Paris:20240402T100000\nDTEND;TZID=Europe/Paris:20240402T110000"
    )
    assert draft.tz == "Europe/Paris"
    assert draft.starts_at == datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
    assert draft.ends_at == datetime(2024, 4, 2, 9, 0, tzinfo=UTC)
    assert draft.precision is Precision.EXACT


def test_windows_zone_names_are_mapped():
    assert one("UID:a\nSUMMARY:M\nDTSTART;TZID=Romance Standard Time:20240402T100000").tz == "Europe/Paris"


def test_utc_time_takes_the_zone_of_the_city():
    draft = one(
        "UID:a\nSUMMARY:Summit\nDTSTART:20240709T140000Z\nLOCATION:Convention Center, Washington, United States"
    )
    assert draft.tz == "America/New_York"
    assert draft.starts_at == datetime(2024, 7, 9, 14, 0, tzinfo=UTC)


def test_floating_time_is_read_in_the_city_zone_else_the_newsroom_zone():
    assert one("UID:a\nSUMMARY:M\nDTSTART:20240402T100000\nLOCATION:Paris").starts_at == datetime(
        2024, 4, 2, 8, 0, tzinfo=UTC
    )
    draft = one("UID:a\nSUMMARY:M\nDTSTART:20240402T100000", fallback_tz="America/New_York")
    assert (draft.tz, draft.starts_at) == ("America/New_York", datetime(2024, 4, 2, 14, 0, tzinfo=UTC))


def test_all_day_dates_are_day_precision_at_the_venue():
    draft = one(
        "UID:a\nSUMMARY:NATO\nDTSTART;VALUE=DATE:20240403\nDTEND;VALUE=DATE:20240405\n"
        "LOCATION:NATO headquarters, Brussels, Belgium"
    )
    assert draft.precision is Precision.DAY
    assert draft.tz == "Europe/Brussels"
    assert draft.starts_at == datetime(2024, 4, 2, 22, 0, tzinfo=UTC)
    assert draft.ends_at == datetime(2024, 4, 4, 22, 0, tzinfo=UTC)
    single = one("UID:b\nSUMMARY:Day\nDTSTART;VALUE=DATE:20240405\nDTEND;VALUE=DATE:20240406\nLOCATION:Brussels")
    assert single.ends_at is None


def test_month_precision_for_in_july():
    draft = one(
        "UID:a\nSUMMARY:NATO summit\nDTSTART;VALUE=DATE:20240715\nX-TRIPDESK-PRECISION:MONTH\nLOCATION:Washington, USA"
    )
    assert draft.precision is Precision.MONTH
    assert draft.starts_at == datetime(2024, 7, 1, 4, 0, tzinfo=UTC)
    assert draft.finishes_at == datetime(2024, 8, 1, 4, 0, tzinfo=UTC)


def test_fields():
    draft = one(
        """UID:a
SUMMARY:Blinken meets Séjourné
DTSTART;TZID=Europe/Paris:20240402T120000
DURATION:PT90M
LOCATION:Quai d'Orsay\\, Paris\\, France
DESCRIPTION:Talks on Ukraine\\, Sudan
URL:https://www.diplomatie.gouv.fr/
STATUS:CONFIRMED
CATEGORIES:Press conference,Europe
ATTENDEE;CN=Antony Blinken:mailto:a@example.com
ATTENDEE;CN="Stéphane Séjourné":invalid:nomail
ATTENDEE:mailto:no-name@example.com
X-TRIPDESK-PRINCIPAL:Antony Blinken
X-TRIPDESK-TRIP:Europe, April 2024"""
    )
    assert draft.title == "Blinken meets Séjourné"
    assert (draft.venue, draft.city, draft.country) == ("Quai d'Orsay", "Paris", "France")
    assert draft.notes == "Talks on Ukraine, Sudan"
    assert draft.source_url == "https://www.diplomatie.gouv.fr/"
    assert draft.status is Status.CONFIRMED
    assert draft.kind is Kind.PRESS_CONFERENCE
    assert draft.participants == ("Antony Blinken", "Stéphane Séjourné")
    assert draft.trip.principal == "Antony Blinken" and draft.trip.name == "Europe, April 2024"
    assert draft.ends_at == datetime(2024, 4, 2, 11, 30, tzinfo=UTC)


def test_defaults_and_status_variants():
    draft = one("UID:a\nSUMMARY:M\nDTSTART:20240402T100000Z\nURL:javascript:alert(1)")
    assert draft.status is Status.TENTATIVE and draft.kind is Kind.OTHER and draft.source_url is None
    assert one("UID:a\nSUMMARY:M\nDTSTART:20240402T100000Z\nSTATUS:CANCELLED").status is Status.CANCELLED
    assert one("UID:a\nSUMMARY:M\nDTSTART:20240402T100000Z\nX-TRIPDESK-STATUS:POSTPONED").status is Status.POSTPONED


def test_overlong_feed_text_is_clipped_not_refused():
    draft = one(f"UID:a\nSUMMARY:{'x' * 500}\nDTSTART:20240402T100000Z")
    assert len(draft.title) == 300 and draft.title.endswith("…")


def test_x_tripdesk_tz_names_the_venue_of_a_utc_time_as_tripdesk_s_own_feed_writes_it():
    draft = one("UID:a\nSUMMARY:M\nDTSTART:20240402T080000Z\nX-TRIPDESK-TZ:Europe/Paris\nLOCATION:Washington")
    assert (draft.tz, draft.starts_at) == ("Europe/Paris", datetime(2024, 4, 2, 8, 0, tzinfo=UTC))
    # An all-day event's day is the venue's day.
    day = one("UID:b\nSUMMARY:D\nDTSTART;VALUE=DATE:20240402\nX-TRIPDESK-TZ:Asia/Tokyo")
    assert (day.tz, day.starts_at) == ("Asia/Tokyo", datetime(2024, 4, 1, 15, 0, tzinfo=UTC))


def test_an_unknown_x_tripdesk_tz_is_ignored_and_flagged():
    parsed = parse_calendar(
        calendar("UID:a\nSUMMARY:M\nDTSTART:20240402T080000Z\nX-TRIPDESK-TZ:Mars/Olympus\nLOCATION:Paris"),
        "UTC",
        now=NOW,
    )
    assert parsed.drafts[0].tz == "Europe/Paris"
    assert parsed.flagged == [Problem("event 'a'", "X-TRIPDESK-TZ 'Mars/Olympus' is not a time zone; it was ignored")]


def test_a_uid_longer_than_the_store_takes_becomes_its_hash_not_a_cut():
    long_a, long_b = "a" * 300 + "-1", "a" * 300 + "-2"
    parsed = parse_calendar(
        calendar(
            f"UID:{long_a}\nSUMMARY:M\nDTSTART:20240402T100000Z",
            f"UID:{long_b}\nSUMMARY:N\nDTSTART:20240402T100000Z",
        ),
        "UTC",
        now=NOW,
    )
    first, second = (draft.uid for draft in parsed.drafts)
    assert first != second and len(first) <= 255 and len(second) <= 255
    again = parse_calendar(calendar(f"UID:{long_a}\nSUMMARY:M\nDTSTART:20240402T100000Z"), "UTC", now=NOW)
    assert again.drafts[0].uid == first


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a calendar", "not an iCalendar file"),
        (b"", "not an iCalendar file"),
        (b"BEGIN:VEVENT\nUID:a\n", "not an iCalendar file"),
    ],
)
def test_only_a_file_that_is_not_icalendar_is_refused_in_one_line(data, message):
    with pytest.raises(CalendarError) as raised:
        parse_calendar(data, "UTC", now=NOW)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ("UID:a\nSUMMARY:M", "it has no DTSTART"),
        ("UID:a\nSUMMARY:M\nDTSTART:2024-13-45", "2024-13-45"),
        ("UID:a\nSUMMARY:M\nDTSTART:20240230T100000Z", "20240230T100000Z"),
        ("UID:a\nSUMMARY:M\nDTSTART:20240402T100000Z\nDTEND:20240401T100000Z", "it ends before it starts"),
        ("UID:a\nSUMMARY:M\nDTSTART:20240402T100000Z\nDTEND:20240802T100000Z", "it lasts more than 62 days"),
    ],
)
def test_an_event_that_cannot_be_placed_in_time_is_skipped_with_its_reason_and_the_rest_imported(event, reason):
    parsed = parse_calendar(calendar(event, "UID:b\nSUMMARY:N\nDTSTART:20240402T100000Z"), "UTC", now=NOW)
    assert [d.uid for d in parsed.drafts] == ["b"]
    (skipped,) = parsed.skipped
    assert skipped.event == "event 'a'" and reason in skipped.reason
    assert "\n" not in str(skipped)
    assert parsed.flagged == []


def test_an_unknown_precision_is_ignored_and_flagged():
    parsed = parse_calendar(
        calendar("UID:a\nSUMMARY:M\nDTSTART;VALUE=DATE:20240701\nX-TRIPDESK-PRECISION:WEEK"), "UTC", now=NOW
    )
    assert parsed.drafts[0].precision is Precision.DAY
    assert parsed.flagged == [
        Problem("event 'a'", "X-TRIPDESK-PRECISION 'WEEK' is not EXACT, DAY or MONTH; it was ignored")
    ]
