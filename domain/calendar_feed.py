"""The schedule as a live iCalendar feed (RFC 5545) for Google Calendar and Outlook.

What calendar clients get wrong decides the shape of every event:

- UID is the event's own, so a client updates its copy instead of adding another; SEQUENCE is
  the event's version less one (every change bumps the version), DTSTAMP and LAST-MODIFIED its
  last change: without them Google keeps stale copies.
- Timed events are written in UTC (`Z`), never with a TZID: a TZID whose VTIMEZONE a client
  does not take (Outlook) shifts the event by an hour. The venue's wall time is in the
  description, and its zone in `X-TRIPDESK-TZ` so that TripDesk's own import puts it back.
- "Tuesday, time TBC" is an all-day event whose DTEND is the day after the last one (14–16
  August ends on the 17th). "In July, date TBC" is an all-day marker on the 1st, flagged in its
  summary and transparent, so that it blocks no one's day: leaving it out would hide a summit
  the desk knows is coming.
- Cancelled events stay, with STATUS:CANCELLED and "Cancelled:" in the summary: Google hides
  cancelled events, and a subscriber should see the cancellation rather than a silent gap.
- The desk's notes are not written: they are its working notes (contacts, how a date was
  learnt), shown in Slack only in the edit form, and the feed's address is given to anyone in
  the workspace.

The output depends only on the events, never on the clock, so the same schedule gives the same
bytes: the server caches them and derives its ETag from the schedule.

The events are written as text: each TEXT value escaped exactly as the iCalendar library's
`vText` escapes it (commas, semicolons, backslashes and line breaks), dates and UTC instants in
their fixed formats, and the lines folded at 75 octets here; only the calendar's own lines are
written by the library's `Calendar`. Building the library's value objects for every line took
most of a 10,000-event feed's time, and `Component.to_ical` over a millisecond an event; the
tests compare the bytes with a writer built on the value types, and parse the output back with
the library and with a strict RFC 5545 parser.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import quote

from domain.drafts import finishes_at
from domain.records import ScheduledEvent
from domain.snapshot import event_time_text, people, place_text
from domain.vocabulary import Kind, Precision, Status
from domain.zones import add_days, start_of_day, zone

PRODID = "-//TripDesk//Live schedule//EN"
# For a UID that is not already an address-like identifier: RFC 5545 wants UIDs globally unique,
# and a subscriber may add feeds from several publishers to one calendar.
UID_DOMAIN = "tripdesk"
# How often a client should come back, where it listens (Outlook, Apple; Google decides itself).
REFRESH_INTERVAL = "PT1H"

_STATUS = {
    Status.CONFIRMED: "CONFIRMED",
    Status.TENTATIVE: "TENTATIVE",
    Status.POSTPONED: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
}
_STATUS_LINE = {status: f"STATUS:{value}" for status, value in _STATUS.items()}
_PREFIX = {Status.CANCELLED: "Cancelled: ", Status.POSTPONED: "Postponed: "}
# RFC 5545: lines SHOULD NOT be longer than 75 octets, excluding the line break.
_LINE_OCTETS = 75
# The longest line that cannot exceed _LINE_OCTETS, at four octets a character.
_SHORT = _LINE_OCTETS // 4
CALENDAR_END = b"END:VCALENDAR\r\n"


class FeedEventRecord(ScheduledEvent, Protocol):
    """An event as the feed reads it: what it says, and when it was added and changed."""

    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


@dataclass(frozen=True)
class FeedTitle:
    """Whose feed it is and, for a query's feed, the query."""

    desk: str
    query: str = ""

    @property
    def name(self) -> str:
        desk = self.desk.strip() or "Desk"
        base = f"{desk} — TripDesk"
        return f"{base}: {self.query.strip()}" if self.query.strip() else base

    @property
    def description(self) -> str:
        what = f"events matching “{self.query.strip()}”" if self.query.strip() else "the whole schedule"
        return f"TripDesk: {what}. Times are UTC, shown in your calendar's zone; each event gives the venue's time."


def feed_path(token: str, query: str = "") -> str:
    """The feed's path on the bot's server; a query's feed carries it as `q`."""
    path = f"/calendar/{token}.ics"
    return f"{path}?q={quote(query.strip(), safe='')}" if query.strip() else path


def feed_uid(uid: str) -> str:
    """The UID a subscriber's calendar sees: the event's own when it is already address-like
    (an imported publisher's UID, or TripDesk's `…@tripdesk`), else made globally unique."""
    return uid if "@" in uid else f"{uid}@{UID_DOMAIN}"


def render_feed(events: Iterable[FeedEventRecord], title: FeedTitle) -> bytes:
    """The feed of `events`, deleted ones left out."""
    return assemble_feed((event_lines(event) for event in events if event.deleted_at is None), title)


def assemble_feed(written: Iterable[bytes], title: FeedTitle) -> bytes:
    """The calendar around events already written by `event_lines`, so that a caller can keep
    the events that did not change as they were written."""
    return b"".join((calendar_head(title), *written, CALENDAR_END))


@lru_cache(maxsize=64)
def calendar_head(title: FeedTitle) -> bytes:
    """The calendar's own lines, before its events."""
    # Imported here, not at the top: loading icalendar is a thirtieth of a second of every
    # start, and this runs once a title (the cache above), at a feed's first rendering.
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", title.name)
    calendar.add("X-WR-CALDESC", title.description)
    calendar.add("X-PUBLISHED-TTL", REFRESH_INTERVAL)
    calendar.add("REFRESH-INTERVAL", icalendar.vDuration.from_ical(REFRESH_INTERVAL), parameters={"VALUE": "DURATION"})
    head = calendar.to_ical()
    assert head.endswith(CALENDAR_END)
    return head[: -len(CALENDAR_END)]


def event_lines(event: FeedEventRecord) -> bytes:
    """One VEVENT, its content lines folded and ended with CRLF.

    Written as text, each value escaped as the library's TEXT type escapes it, and encoded
    once: building the library's value objects for thirty lines an event cost more than the
    rest of the feed together (the tests check the bytes against a writer built on them)."""
    uid = feed_uid(event.uid)
    summary_text = summary(event)
    changed = _instant(event.updated_at)
    start, end = span(event)
    lines = [
        "BEGIN:VEVENT",
        _fitted("UID:" + _text(uid)),
        "DTSTAMP:" + changed,
        "CREATED:" + _instant(event.created_at),
        "LAST-MODIFIED:" + changed,
        # The version starts at 1 and is bumped by every change: time, place and status included.
        f"SEQUENCE:{max(event.version - 1, 0)}",
        _fitted("SUMMARY:" + _text(summary_text)),
    ]
    if isinstance(start, datetime) and isinstance(end, datetime):
        lines += ["DTSTART:" + _instant(start), "DTEND:" + _instant(end)]
    else:
        lines += ["DTSTART;VALUE=DATE:" + _date(start), "DTEND;VALUE=DATE:" + _date(end)]
    lines.append(_STATUS_LINE[event.status])
    if event.precision is Precision.MONTH or event.status is Status.CANCELLED:
        lines.append("TRANSP:TRANSPARENT")
    if place := place_text(event):
        lines.append(_location(place))
    lines.append(_fitted("DESCRIPTION:" + _text(description(event))))
    lines.append(_CATEGORY_LINE[event.kind])
    if event.source_url:
        # A URI is written as it is (the library's vUri does not escape either).
        lines.append(_url(event.source_url))
    # What an import needs to give back the event as it is stored: the UID and title undecorated.
    if uid != event.uid:
        lines.append(_x("UID", event.uid))
    if summary_text != event.title:
        lines.append(_x("TITLE", event.title))
    lines += [
        _x("TZ", event.tz),
        _x("PRECISION", event.precision.value.upper()),
        _x("STATUS", event.status.value.upper()),
    ]
    lines += [_x("PARTICIPANT", participant.name) for participant in event.participants]
    if event.trip is not None:
        lines += [_x("PRINCIPAL", event.trip.principal), _x("TRIP", event.trip.name)]
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines).encode()


def summary(event: FeedEventRecord) -> str:
    text = _PREFIX.get(event.status, "") + event.title
    if event.precision is Precision.MONTH:
        # The marker sits on the 1st; the summary says the day is not known.
        text += f" ({event_time_text(event)})"
    return text


def span(event: FeedEventRecord) -> tuple[datetime, datetime] | tuple[date, date]:
    """DTSTART and DTEND: UTC instants for a timed event; for a day- or month-precision one, the
    venue's dates, the end exclusive (the day after the last)."""
    if event.precision is Precision.EXACT:
        return _utc(event.starts_at), _utc(over_at(event))
    first = event.starts_at.astimezone(zone(event.tz)).date()
    if event.precision is Precision.MONTH:
        return first.replace(day=1), add_days(first.replace(day=1), 1)
    end = over_at(event).astimezone(zone(event.tz))
    # The end is the first instant of the day after the last; an end within a day counts that day.
    last_day = end.date() if _utc(end) == start_of_day(end.date(), event.tz) else add_days(end.date(), 1)
    return first, max(last_day, add_days(first, 1))


def over_at(event: FeedEventRecord) -> datetime:
    return finishes_at(event.starts_at, event.ends_at, event.precision, event.tz)


def description(event: FeedEventRecord) -> str:
    lines = [f"Venue time: {event_time_text(event)} ({event.tz})"]
    principal, others = people(event)
    if principal is not None:
        lines.append(f"Who: {principal} meets {', '.join(others)}")
    elif others:
        lines.append(f"Who: {', '.join(others)}")
    lines.append(f"Status: {event.status.label}")
    if event.trip is not None:
        lines.append(f"Trip: {event.trip.principal}, {event.trip.name}")
    if event.source_url:
        lines.append(f"Source: {event.source_url}")
    return "\n".join(lines)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@lru_cache(maxsize=4096)
def _instant(moment: datetime) -> str:
    """A UTC DATE-TIME ("20240402T080000Z"): a fixed format, and three times faster than
    asking `vDatetime` to work out that the zone is UTC. Cached: an import gives its events
    one creation and change time."""
    return _utc(moment).strftime("%Y%m%dT%H%M%SZ")


def _date(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


@lru_cache(maxsize=8192)
def _text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 wants, exactly as the library's `vText` escapes it
    (a written "\\N" is taken as a line break, as it reads one): backslash, semicolon, comma,
    and every line break as "\\n". Cached: zones, places, names and trips repeat from one
    event to the next."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


_CATEGORY_LINE = {kind: "CATEGORIES:" + _text(kind.label) for kind in Kind}


@lru_cache(maxsize=8192)
def _x(name: str, value: str) -> str:
    """A TripDesk property, typed TEXT: without the type, readers take an X- property's value
    as it stands and keep the escapes ("Paris\\, April"). Cached, folded: zones, names and
    trips repeat from one event to the next."""
    return _fitted(f"X-TRIPDESK-{name};VALUE=TEXT:{_text(value)}")


@lru_cache(maxsize=1024)
def _location(place: str) -> str:
    return _fitted("LOCATION:" + _text(place))


@lru_cache(maxsize=1024)
def _url(url: str) -> str:
    # Written as it is: the library's vUri does not escape either.
    return _fitted("URL:" + url)


def _fitted(line: str) -> str:
    """`line` folded when it is longer than 75 octets. A line of 18 characters or fewer is at
    most 72 octets, and an ASCII line's characters are its octets: only the others need
    encoding to know."""
    if len(line) <= _SHORT or (len(line) <= _LINE_OCTETS and line.isascii()):
        return line
    encoded = line.encode()
    return line if len(encoded) <= _LINE_OCTETS else fold(encoded).decode()


def fold(line: bytes) -> bytes:
    """RFC 5545 folding: at most 75 octets a line, never inside a UTF-8 character, and never
    between a backslash and the character it escapes (some clients then read it wrongly)."""
    if len(line) <= _LINE_OCTETS:
        return line
    parts = []
    start, room = 0, _LINE_OCTETS
    while len(line) - start > room:
        cut = start + room
        while line[cut] & 0xC0 == 0x80:  # a continuation byte: back to the character's start
            cut -= 1
        backslashes = 0
        while line[cut - 1 - backslashes] == 0x5C and cut - 1 - backslashes > start:
            backslashes += 1
        if backslashes % 2:
            cut -= 1
        parts.append(line[start:cut])
        # A continuation line starts with the space that marks it.
        start, room = cut, _LINE_OCTETS - 1
    parts.append(line[start:])
    return b"\r\n ".join(parts)
