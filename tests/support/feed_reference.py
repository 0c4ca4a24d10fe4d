"""The live feed's events written with the iCalendar library's value types (`vText`, `vDate`,
`vInt`, `vCategory`, `vUri`), line by line: what domain.calendar_feed's text writer must give
byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

import icalendar

from domain.calendar_feed import _STATUS, FeedEventRecord, description, feed_uid, fold, span, summary
from domain.snapshot import place_text
from domain.vocabulary import Kind, Precision, Status


def reference_event_lines(event: FeedEventRecord) -> bytes:
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
