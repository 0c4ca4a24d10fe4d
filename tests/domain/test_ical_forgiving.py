"""Reading calendars as forgivingly as calendar clients do, and saying what was done: made-up
UIDs and titles, repeated UIDs, Google's X-WR-TIMEZONE, and hostile files that must never
raise anything but a one-line refusal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from domain.ical import CalendarError, ParsedCalendar, Problem, parse_calendar

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"


def calendar(*events: str, header: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return (HEAD + header + body + "END:VCALENDAR\r\n").replace("\r\n", "\n").replace("\n", "\r\n").encode()


def parse(data: bytes, fallback_tz: str = "Europe/Paris") -> ParsedCalendar:
    return parse_calendar(data, fallback_tz, now=NOW)


NO_UID = "SUMMARY:Blinken meets Séjourné\nDTSTART:20261102T100000Z\nLOCATION:Quai d'Orsay\\, Paris"


def test_an_event_without_uid_gets_one_from_its_content_the_same_at_every_import():
    first = parse(calendar(NO_UID, "UID:b\nSUMMARY:Other\nDTSTART:20261102T100000Z"))
    again = parse(calendar("UID:c\nSUMMARY:New\nDTSTART:20261103T100000Z", NO_UID))
    moved = parse(calendar(NO_UID.replace("T100000Z", "T110000Z")))

    uid = first.drafts[0].uid
    assert uid.startswith("derived-") and len(uid) <= 255
    assert uid == again.drafts[1].uid  # found again, so updated rather than duplicated
    assert uid != moved.drafts[0].uid
    made_up = "it has no UID; it was given one made from its start, title and place"
    assert first.flagged == [Problem("event 'Blinken meets Séjourné'", made_up)]


@pytest.mark.parametrize(
    ("event", "title"),
    [
        ("LOCATION:NATO headquarters\\, Brussels\\, Belgium", "Untitled: Brussels"),
        ("LOCATION:Lancaster House", "Untitled: Lancaster House"),
        (
            "ATTENDEE;CN=Antony Blinken:mailto:a@example.com\nATTENDEE;CN=Stéphane Séjourné:mailto:s@example.com",
            "Untitled: Blinken, Séjourné",
        ),
        ("ATTENDEE;CN=Antony Blinken:mailto:a@example.com\nLOCATION:Brussels", "Untitled: Blinken in Brussels"),
        ("DESCRIPTION:nothing else", "Untitled event"),
    ],
)
def test_an_event_without_summary_is_named_from_its_place_and_participants_and_flagged(event, title):
    parsed = parse(calendar(f"UID:a\nDTSTART:20261102T100000Z\n{event}"))
    (draft,) = parsed.drafts
    assert draft.title == title
    assert parsed.flagged == [Problem("event 'a'", f"it has no SUMMARY; it was named {title!r}")]


def test_the_same_uid_twice_keeps_the_first_and_lists_the_rest():
    parsed = parse(
        calendar(
            "UID:a\nSUMMARY:First\nDTSTART:20261102T100000Z",
            "UID:a\nSUMMARY:Second\nDTSTART:20261103T100000Z",
            "UID:b\nSUMMARY:Other\nDTSTART:20261103T100000Z",
        )
    )
    assert [(d.uid, d.title) for d in parsed.drafts] == [("a", "First"), ("b", "Other")]
    assert parsed.skipped == [Problem("event 'a'", "the same UID as an event before it, which was kept")]


def test_when_the_first_of_two_events_with_one_uid_cannot_be_placed_the_second_is_imported():
    parsed = parse(calendar("UID:a\nSUMMARY:First", "UID:a\nSUMMARY:Second\nDTSTART:20261103T100000Z"))
    assert [d.title for d in parsed.drafts] == ["Second"]
    assert parsed.skipped == [Problem("event 'a'", "it has no DTSTART")]


def test_google_floating_times_are_read_in_the_calendar_s_x_wr_timezone():
    header = "X-WR-CALNAME:Department of State\r\nX-WR-TIMEZONE:America/New_York\r\n"
    parsed = parse(calendar("UID:a\nSUMMARY:Briefing\nDTSTART:20261102T120000\nDTEND:20261102T130000", header=header))
    (draft,) = parsed.drafts
    assert (draft.tz, draft.starts_at) == ("America/New_York", datetime(2026, 11, 2, 17, 0, tzinfo=UTC))
    assert draft.ends_at == datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    # Times with their own zone keep it.
    zoned = parse(calendar("UID:b\nSUMMARY:Talks\nDTSTART;TZID=Europe/Paris:20261102T120000", header=header))
    assert (zoned.drafts[0].tz, zoned.drafts[0].starts_at.hour) == ("Europe/Paris", 11)


def test_a_paris_meeting_in_a_new_york_google_calendar_keeps_its_venue_s_zone():
    header = "X-WR-TIMEZONE:America/New_York\r\n"
    parsed = parse(
        calendar(
            "UID:utc\nSUMMARY:Talks\nDTSTART:20261102T100000Z\nLOCATION:Quai d'Orsay\\, Paris\\, France",
            "UID:floating\nSUMMARY:Call\nDTSTART:20261102T100000\nLOCATION:Paris",
            "UID:day\nSUMMARY:Holiday\nDTSTART;VALUE=DATE:20261102",
            header=header,
        ),
        fallback_tz="Asia/Tokyo",
    )
    got = {d.uid: (d.tz, d.starts_at) for d in parsed.drafts}
    assert got == {
        "utc": ("Europe/Paris", datetime(2026, 11, 2, 10, 0, tzinfo=UTC)),
        # 10:00 on the calendar's New York clock, at a Paris venue.
        "floating": ("Europe/Paris", datetime(2026, 11, 2, 15, 0, tzinfo=UTC)),
        "day": ("America/New_York", datetime(2026, 11, 2, 5, 0, tzinfo=UTC)),
    }


def test_an_unknown_x_wr_timezone_is_ignored_and_flagged():
    parsed = parse(calendar("UID:a\nSUMMARY:M\nDTSTART:20261102T120000", header="X-WR-TIMEZONE:Nowhere/Land\r\n"))
    assert (parsed.drafts[0].tz, parsed.drafts[0].starts_at.hour) == ("Europe/Paris", 11)
    assert parsed.flagged == [Problem("the calendar", "X-WR-TIMEZONE 'Nowhere/Land' was ignored (not a time zone)")]


HOSTILE = {
    "no UID": calendar("SUMMARY:M\nDTSTART:20261102T100000Z"),
    "no SUMMARY": calendar("UID:a\nDTSTART:20261102T100000Z"),
    "no DTSTART": calendar("UID:a\nSUMMARY:M"),
    "impossible date": calendar("UID:a\nSUMMARY:M\nDTSTART:20260231T100000Z"),
    "DTSTART twice": calendar("UID:a\nSUMMARY:M\nDTSTART:20261102T100000Z\nDTSTART:20261103T100000Z"),
    "unknown TZID": calendar("UID:a\nSUMMARY:M\nDTSTART;TZID=Mars/Olympus:20261102T100000"),
    "year 9999": calendar("UID:a\nSUMMARY:M\nDTSTART:99991231T235959Z\nDURATION:P2D"),
    "override repeating its UID": calendar(
        "UID:r\nSUMMARY:Weekly\nDTSTART:20261102T100000Z\nRRULE:FREQ=WEEKLY",
        "UID:r\nRECURRENCE-ID:20261109T100000Z\nSUMMARY:Moved\nDTSTART:20261109T120000Z",
        "UID:r\nRECURRENCE-ID:20261109T100000Z\nSUMMARY:Moved again\nDTSTART:20261109T130000Z",
    ),
    "override without its series": calendar("UID:r\nRECURRENCE-ID:20261109T100000Z\nDTSTART:20261109T120000Z"),
    "RDATE of times": calendar("UID:a\nSUMMARY:M\nDTSTART:20261102T100000Z\nRDATE;VALUE=TIME:133000Z"),
    "broken RRULE": calendar("UID:a\nSUMMARY:M\nDTSTART:20261102T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=XX"),
    "RRULE without DTSTART": calendar("UID:a\nSUMMARY:M\nRRULE:FREQ=DAILY"),
    "INTERVAL=0": calendar("UID:a\nSUMMARY:M\nDTSTART:20261102T100000Z\nRRULE:FREQ=DAILY;INTERVAL=0"),
    "BYHOUR=99": calendar("UID:a\nSUMMARY:M\nDTSTART:20261102T100000Z\nRRULE:FREQ=DAILY;BYHOUR=99"),
    "invalid UTF-8": HEAD.encode() + b"BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:\xff\xfe\xc3\r\n"
    b"DTSTART:20261102T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    "NUL bytes": calendar("UID:a\x00b\nSUMMARY:M\x00\nDTSTART:20261102T100000Z"),
    "garbage bytes": bytes(range(256)) * 8,
    "0 bytes": b"",
    "deeply nested BEGIN": (HEAD + "BEGIN:VEVENT\r\n" * 3000 + "END:VEVENT\r\n" * 3000 + "END:VCALENDAR\r\n").encode(),
    "BEGIN never closed": (HEAD + "BEGIN:X-THING\r\n" * 3000).encode(),
    "no VCALENDAR": b"BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:M\r\nDTSTART:20261102T100000Z\r\nEND:VEVENT\r\n",
}


@pytest.mark.parametrize("data", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_raises_nothing_but_a_one_line_refusal(data):
    try:
        parsed = parse(data)
    except CalendarError as refusal:
        assert str(refusal).startswith("not an iCalendar file") and "\n" not in str(refusal)
        return
    for problem in [*parsed.skipped, *parsed.flagged]:
        assert "\n" not in str(problem)
    for draft in parsed.drafts:
        assert len(draft.uid) <= 255 and draft.title and "\x00" not in draft.uid + draft.title


def test_what_hostile_input_comes_to():
    outcome = {}
    for name, data in HOSTILE.items():
        try:
            parsed = parse(data)
            outcome[name] = (len(parsed.drafts), len(parsed.skipped), len(parsed.flagged))
        except CalendarError:
            outcome[name] = "refused"
    assert outcome == {
        "no UID": (1, 0, 1),
        "no SUMMARY": (1, 0, 1),
        "no DTSTART": (0, 1, 0),
        "impossible date": (0, 1, 0),
        "DTSTART twice": (0, 1, 0),
        "unknown TZID": (1, 0, 0),
        "year 9999": (0, 1, 0),
        "override repeating its UID": (13, 0, 0),
        "override without its series": (1, 0, 1),
        "RDATE of times": (0, 1, 0),
        "broken RRULE": (0, 1, 0),
        "RRULE without DTSTART": (0, 1, 0),
        "INTERVAL=0": (0, 1, 0),
        "BYHOUR=99": (0, 1, 0),
        "invalid UTF-8": (1, 0, 0),
        "NUL bytes": (1, 0, 0),
        "garbage bytes": "refused",
        "0 bytes": "refused",
        "deeply nested BEGIN": (0, 3000, 3000),
        "BEGIN never closed": "refused",
        "no VCALENDAR": (1, 0, 1),
    }


CORPUS = Path(icalendar.__file__).parent / "tests"


# Some of its files use vendor-prefixed TZIDs, about which the library warns.
@pytest.mark.filterwarnings("ignore:Timezone .* is a globally unique TZID")
@pytest.mark.skipif(not CORPUS.is_dir(), reason="this icalendar wheel ships without its tests")
def test_the_icalendar_library_s_own_test_files_all_parse_without_an_exception():
    files = sorted(CORPUS.rglob("*.ics"))
    refused = 0
    for path in files:
        try:
            parse(path.read_bytes())
        except CalendarError:
            refused += 1
    assert len(files) > 100
    assert refused < 10  # the few that are not iCalendar at all
