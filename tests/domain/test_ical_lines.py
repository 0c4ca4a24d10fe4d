"""The quick reading of plain files (domain/ical_lines.py) gives what icalendar's parser gives."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from domain.ical import CalendarError, parse_calendar
from domain.ical_lines import NotPlain, plain_calendar
from tests.support.samples import SAMPLE

NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
CORPUS = Path(icalendar.__file__).parent / "tests"


def both_ways(data: bytes):
    """The result of each reading: the quick one (when the file is plain) and the parser's."""
    results = []
    for quick in (True, False):
        try:
            results.append(parse_calendar(data, "Europe/Paris", now=NOW, quick=quick))
        except CalendarError as error:
            results.append(str(error))
    return results


def is_plain(data: bytes) -> bool:
    """Whether the quick reading reads the whole file (else the parser reads it)."""
    found = plain_calendar(data)
    if found is None:
        return False
    try:
        for _uid, _events in found.groups():
            pass
    except NotPlain:
        return False
    return True


def calendar(*events: str, head: str = "") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *filter(None, [head])]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


PARIS = """
UID:paris@test
SUMMARY:Blinken meets Macron\\, then Séjourné
DTSTART;TZID=Europe/Paris:20240402T100000
DTEND;TZID=Europe/Paris:20240402T110000
LOCATION:Élysée Palace\\, Paris\\, France
STATUS:CONFIRMED
CATEGORIES:Bilateral meeting,Visit
ATTENDEE;CN="Blinken, Antony";ROLE=REQ-PARTICIPANT:mailto:a@example.org
ATTENDEE;CN=Emmanuel Macron:mailto:m@example.org
URL:https://www.elysee.fr/agenda?x=1&y=2
DESCRIPTION:Line one\\nLine two\\; with a semicolon
DTSTAMP:20240101T000000Z
SEQUENCE:3
X-TRIPDESK-PRINCIPAL:Antony Blinken
X-TRIPDESK-TRIP:Paris and Brussels\\, April 2024
"""
PLAIN = {
    "a timed event with everything": PARIS,
    "UTC, with a city's zone": "UID:u@test\nSUMMARY:NATO\nDTSTART:20240403T080000Z\nDURATION:PT2H\nLOCATION:Brussels",
    "floating": "UID:f@test\nSUMMARY:Floating\nDTSTART:20240403T080000\nLOCATION:Tokyo\\, Japan",
    "all day": "UID:d@test\nSUMMARY:Summit\nDTSTART;VALUE=DATE:20240709\nDTEND;VALUE=DATE:20240712",
    "a day without VALUE": "UID:d2@test\nSUMMARY:Day\nDTSTART:20240709",
    "a month": "UID:m@test\nSUMMARY:In July\nDTSTART;VALUE=DATE:20240701\nX-TRIPDESK-PRECISION:MONTH",
    "no summary": "UID:n@test\nDTSTART:20240403T080000Z\nLOCATION:Brussels\nATTENDEE;CN=Antony Blinken:mailto:a@x",
    "ends before it starts": "UID:e@test\nSUMMARY:Back\nDTSTART:20240403T080000Z\nDTEND:20240403T070000Z",
    "too long": "UID:l@test\nSUMMARY:Long\nDTSTART;VALUE=DATE:20240101\nDTEND;VALUE=DATE:20240601",
    "no DTSTART": "UID:x@test\nSUMMARY:Nowhen",
    "TripDesk's own feed": (
        "UID:42@tripdesk\nX-TRIPDESK-UID:own-42\nSUMMARY:Cancelled: Visit\nX-TRIPDESK-TITLE:Visit\\, again\n"
        "X-TRIPDESK-TZ:Europe/Paris\nX-TRIPDESK-PARTICIPANT:Jean Dupont\nX-TRIPDESK-STATUS:POSTPONED\n"
        "DTSTART:20240403T080000Z\nDESCRIPTION:composed"
    ),
    "unknown zone and precision": (
        "UID:z@test\nSUMMARY:Z\nDTSTART:20240403T080000Z\nX-TRIPDESK-TZ:Mars/Base\nX-TRIPDESK-PRECISION:WEEK"
    ),
    "a Windows zone": "UID:w@test\nSUMMARY:W\nDTSTART;TZID=W. Europe Standard Time:20240403T080000",
    "a lowercase property": "uid:low@test\nsummary:Lower\ndtstart:20240403T080000Z",
    "a long UID": "UID:" + "u" * 300 + "\nSUMMARY:Long UID\nDTSTART:20240403T080000Z",
    "an empty SUMMARY, a URL not on the web": "UID:s@test\nSUMMARY:\nDTSTART:20240403T080000Z\nURL:ftp://x.org/a",
}


@pytest.mark.parametrize("event", PLAIN.values(), ids=PLAIN.keys())
def test_a_plain_event_reads_as_the_parser_reads_it(event):
    data = calendar(event, "UID:other@test\nSUMMARY:Other\nDTSTART:20240404T080000Z")
    assert is_plain(data)
    quick, parser = both_ways(data)
    assert quick == parser


def test_a_file_of_every_plain_case_with_repeated_uids_reads_as_the_parser_reads_it():
    # The same UID again, before and after others: the first that can be placed is kept, in the
    # place of the UID's first appearance.
    events = [*PLAIN.values(), "UID:x@test\nSUMMARY:Placed at last\nDTSTART:20240405T080000Z", PARIS]
    data = calendar(*events)
    assert is_plain(data)
    quick, parser = both_ways(data)
    assert quick == parser
    assert [draft.uid for draft in quick.drafts].count("paris@test") == 1


FOLDED_AND_ODD = {
    "folded lines": calendar(PARIS).replace(b"Macron\\, then", b"Macron\\,\r\n  then"),
    "a byte-order mark": b"\xef\xbb\xbf" + calendar(PARIS),
    "bare newlines": calendar(PARIS).replace(b"\r\n", b"\n"),
    "blank lines": calendar(PARIS).replace(b"STATUS:CONFIRMED\r\n", b"STATUS:CONFIRMED\r\n\r\n"),
    "bytes that are not UTF-8": calendar(PARIS).replace("Séjourné".encode(), b"S\xe9journ\xe9"),
    "a known VTIMEZONE": calendar(
        PARIS,
        head="BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE",
    ),
}
NOT_PLAIN = {
    "a recurring event": calendar("UID:r@test\nSUMMARY:Weekly\nDTSTART:20240403T080000Z\nRRULE:FREQ=WEEKLY"),
    "Google's X-WR-TIMEZONE": calendar(PARIS, head="X-WR-TIMEZONE:America/New_York"),
    "an alarm": calendar(PARIS.strip() + "\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nEND:VALARM"),
    "an event without UID": calendar("SUMMARY:No UID\nDTSTART:20240403T080000Z"),
    "a VTODO": calendar(PARIS).replace(b"END:VCALENDAR", b"BEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR"),
    "a backslash in a parameter": calendar("UID:b@test\nSUMMARY;X-A=a\\b:B\nDTSTART:20240403T080000Z"),
    "an unknown VTIMEZONE": calendar(
        "UID:c@test\nSUMMARY:C\nDTSTART;TZID=Custom:20240403T080000",
        head="BEGIN:VTIMEZONE\r\nTZID:Custom\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE",
    ),
    "two calendars": calendar(PARIS) + calendar(PARIS),
    "events without VCALENDAR": b"BEGIN:VEVENT\r\n"
    + PARIS.strip().replace("\n", "\r\n").encode()
    + b"\r\nEND:VEVENT\r\n",
    "not iCalendar": b"<html>nope</html>",
}


@pytest.mark.parametrize("data", FOLDED_AND_ODD.values(), ids=FOLDED_AND_ODD.keys())
def test_odd_but_plain_files_read_as_the_parser_reads_them(data):
    assert is_plain(data)
    quick, parser = both_ways(data)
    assert quick == parser


@pytest.mark.parametrize("data", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_what_is_not_plain_goes_to_the_parser(data):
    assert not is_plain(data)
    quick, parser = both_ways(data)
    assert quick == parser


def test_a_value_the_parser_keeps_as_broken_sends_the_file_to_the_parser():
    data = calendar("UID:bad@test\nSUMMARY:Bad\nDTSTART:20260231T100000Z", PARIS)
    assert plain_calendar(data) is not None
    assert not is_plain(data)
    quick, parser = both_ways(data)
    assert quick == parser
    assert [problem.event for problem in quick.skipped] == ["event 'bad@test'"]


def test_every_file_of_the_sample_and_of_icalendar_s_own_tests_reads_the_same_both_ways():
    files = [SAMPLE, *sorted(CORPUS.rglob("*.ics"))]
    assert len(files) > 100
    plain = 0
    for path in files:
        data = path.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # icalendar's own, on guessed zones
            plain += is_plain(data)
            quick, parser = both_ways(data)
        assert quick == parser, path.name
    assert plain > 20
