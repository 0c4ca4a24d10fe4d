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

Every value is encoded by the iCalendar library's property types (`vText` escapes commas,
semicolons, backslashes and line breaks; `vDate`, `vInt`, `vCategory`, `vUri`), and the
calendar's own properties are written by its `Calendar`; a UTC instant is the fixed
"20240402T080000Z". The events' content lines are joined and folded here rather than through
`Component.to_ical`, which takes over a millisecond an event (over ten seconds for a
10,000-event schedule on a small server); the tests parse the output back with the library and
with a strict RFC 5545 parser.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import quote

import icalendar

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
_PREFIX = {Status.CANCELLED: "Cancelled: ", Status.POSTPONED: "Postponed: "}
# RFC 5545: lines SHOULD NOT be longer than 75 octets, excluding the line break.
_LINE_OCTETS = 75
_END = b"END:VCALENDAR\r\n"


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
    assert head.endswith(_END)
    return head[: -len(_END)] + b"".join(written) + _END


def event_lines(event: FeedEventRecord) -> bytes:
    """One VEVENT, its content lines folded and ended with CRLF."""
    uid = feed_uid(event.uid)
    summary_text = summary(event)
    changed = _instant(event.updated_at)
    start, end = span(event)
    lines = [
        b"BEGIN:VEVENT",
        _line(b"UID", _text(uid)),
        _line(b"DTSTAMP", changed),
        _line(b"CREATED", _instant(event.created_at)),
        _line(b"LAST-MODIFIED", changed),
        # The version starts at 1 and is bumped by every change: time, place and status included.
        _line(b"SEQUENCE", _integer(max(event.version - 1, 0))),
        _line(b"SUMMARY", _text(summary_text)),
    ]
    if isinstance(start, datetime) and isinstance(end, datetime):
        lines += [_line(b"DTSTART", _instant(start)), _line(b"DTEND", _instant(end))]
    else:
        day = b";VALUE=DATE"
        lines += [
            _line(b"DTSTART" + day, icalendar.vDate(start).to_ical()),
            _line(b"DTEND" + day, icalendar.vDate(end).to_ical()),
        ]
    lines.append(_line(b"STATUS", _STATUS[event.status].encode()))
    if event.precision is Precision.MONTH or event.status is Status.CANCELLED:
        lines.append(b"TRANSP:TRANSPARENT")
    if place := place_text(event):
        lines.append(_line(b"LOCATION", _text(place)))
    lines.append(_line(b"DESCRIPTION", _text(description(event))))
    lines.append(_line(b"CATEGORIES", _category(event.kind)))
    if event.source_url:
        lines.append(_line(b"URL", _uri(event.source_url)))
    # What an import needs to give back the event as it is stored: the UID and title undecorated.
    if uid != event.uid:
        lines.append(_x(b"UID", event.uid))
    if summary_text != event.title:
        lines.append(_x(b"TITLE", event.title))
    lines += [
        _x(b"TZ", event.tz),
        _x(b"PRECISION", event.precision.value.upper()),
        _x(b"STATUS", event.status.value.upper()),
    ]
    lines += [_x(b"PARTICIPANT", participant.name) for participant in event.participants]
    if event.trip is not None:
        lines += [
            _x(b"PRINCIPAL", event.trip.principal),
            _x(b"TRIP", event.trip.name),
        ]
    lines.append(b"END:VEVENT\r\n")
    return b"\r\n".join(lines)


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
def _instant(moment: datetime) -> bytes:
    """A UTC DATE-TIME ("20240402T080000Z"): a fixed format, and three times faster than
    asking `vDatetime` to work out that the zone is UTC. Cached: an import gives its events
    one creation and change time."""
    return _utc(moment).strftime("%Y%m%dT%H%M%SZ").encode()


@lru_cache(maxsize=8192)
def _text(value: str) -> bytes:
    # Cached: zones, places, names and trips repeat from one event to the next.
    return icalendar.vText(value).to_ical()


@lru_cache(maxsize=64)
def _category(kind: Kind) -> bytes:
    return icalendar.vCategory([kind.label]).to_ical()


@lru_cache(maxsize=1024)
def _uri(url: str) -> bytes:
    return icalendar.vUri(url).to_ical()


@lru_cache(maxsize=1024)
def _integer(value: int) -> bytes:
    return icalendar.vInt(value).to_ical()


def _line(name: bytes, value: bytes) -> bytes:
    return fold(name + b":" + value)


def _x(name: bytes, value: str) -> bytes:
    """A TripDesk property, typed TEXT: without the type, readers take an X- property's value
    as it stands and keep the escapes ("Paris\\, April")."""
    return _line(b"X-TRIPDESK-" + name + b";VALUE=TEXT", _text(value))


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
