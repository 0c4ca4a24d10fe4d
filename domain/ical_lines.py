"""A quick reading of plain iCalendar files: the same components icalendar's parser would make,
without its cost per line.

icalendar's parser spends about a millisecond on an event of a dozen lines (each line split
character by character, its parameters parsed, every property's value typed and kept), and
keeps the whole tree: a year of a wire service's daybook, 100,000 events, would take minutes
and hundreds of megabytes. Most of what it builds is never read (`domain.ical` reads a few
properties of each VEVENT). Here a file whose lines are plain — one VCALENDAR of VEVENTs
(VTIMEZONEs of known zones allowed), no recurrence, every event with its UID, no nested
component, no backslash before a line's value — is read line by line from the bytes: the
properties `domain.ical` reads are typed by icalendar's own value types, with the parameters
its own content-line code gives, so that each event is the `icalendar.Event` the parser makes;
the rest is skipped unread. Anything else returns None, and the file goes to icalendar's
parser whole, as before: what is read never depends on which way it went.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from io import BytesIO
from typing import Any
from zoneinfo import available_timezones

import icalendar
from icalendar.parser import Parameters
from icalendar.parser.content_line import UFOLD, Contentline
from icalendar.parser.property import split_on_unescaped_comma, unescape_backslash
from icalendar.prop import vCalAddress, vDDDTypes, vText, vUnknown, vUri

# The properties `domain.ical` reads from an event (besides any X-TRIPDESK-…).
READ = frozenset(
    {
        "UID",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DURATION",
        "LOCATION",
        "STATUS",
        "CATEGORIES",
        "ATTENDEE",
        "URL",
        "DESCRIPTION",
    }
)
# An event with any of these goes to the parser (the expansion of recurring events reads them).
_RECURRING = frozenset({"RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"})
_OWN = "X-TRIPDESK-"
# Google's calendars: read by `domain.ical` through x-wr-timezone, on the parser's components.
_CALENDAR_ZONE = "X-WR-TIMEZONE"
_FACTORY = icalendar.Event.types_factory
_DATETIMES = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID", "DUE", "RDATE", "EXDATE"})
# A name, then either ":" or ";" and parameters, as RFC 5545 has it; quoted parameter values may
# hold ":" and ";". A line that is not this (or has a backslash before its value) is not plain.
_LINE = re.compile(rb'([A-Za-z0-9-]+)((?:;[^:;"\\]*(?:"[^"\\]*")?[^:;"\\]*)*):')
_UFOLD_BYTES = re.compile(UFOLD.pattern.encode())


class NotPlain(Exception):
    """The file, or an event's value, is not plain: icalendar's parser must read it."""


class PlainCalendar:
    """A plain file's events by UID (`domain.ical` reads a UID's events together), the UIDs in
    the order they first appear. Only where each event is in the file is kept: an event is read
    from its bytes when its turn comes, so that a year of events is never in memory at once."""

    def __init__(self, data: bytes, spans: dict[str, list[tuple[int, int]]]) -> None:
        self._data = data
        self._spans = spans

    def __len__(self) -> int:
        return sum(len(spans) for spans in self._spans.values())

    def groups(self) -> Iterator[tuple[str, list[PlainEvent]]]:
        """Each UID with its events. Raises NotPlain for an event the parser must read."""
        for uid, spans in self._spans.items():
            yield uid, [_event(self._data[start:end]) for start, end in spans]


def plain_calendar(data: bytes) -> PlainCalendar | None:
    """The events of `data` as icalendar's parser would read them, when `data` is plain; else
    None. Their values are checked when they are read (`PlainCalendar.groups`)."""
    try:
        return _index(data)
    except NotPlain:
        return None


# An event's lines, found by one expression over the whole file rather than line by line; what
# is between events is read line by line.
_EVENT = re.compile(rb"^BEGIN:VEVENT\r?\n(.*?)^END:VEVENT(?:\r?\n|\Z)", re.MULTILINE | re.DOTALL | re.IGNORECASE)
_UID_LINE = re.compile(rb"^(?:UID|X-TRIPDESK-UID)[;:][^\r\n]*", re.MULTILINE | re.IGNORECASE)
_SPAN = b""


def _index(data: bytes) -> PlainCalendar:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # The regular expression is slow on a large file: look for its start first.
    if (b"\n " in data or b"\n\t" in data) and _UFOLD_BYTES.search(data):
        data = _UFOLD_BYTES.sub(b"", data)
    tokens = _tokens(data)
    first = next(tokens, None)
    if first is None or first[0] != b"BEGIN" or first[2].upper() != b"VCALENDAR":
        raise NotPlain
    calendar = icalendar.Calendar()
    spans: dict[str, list[tuple[int, int]]] = {}
    for name, prefix, value in tokens:
        if name == _SPAN:
            start, end = int(prefix), int(value)
            spans.setdefault(_uid(data[start:end]), []).append((start, end))
        elif name == b"BEGIN":
            if value.upper() != b"VTIMEZONE":
                raise NotPlain
            _zone(tokens)
        elif name == b"END":
            if value.upper() != b"VCALENDAR" or next(tokens, None) is not None:
                raise NotPlain
            return PlainCalendar(data, spans)
        else:
            _calendar_property(calendar, name, prefix, value)
    raise NotPlain


def _tokens(data: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """The lines outside events (`_lines`), and in place of each event (_SPAN, its start, its end)."""
    at = 0
    for event in _EVENT.finditer(data):
        yield from _lines(data[at : event.start()])
        yield _SPAN, b"%d" % event.start(1), b"%d" % event.end(1)
        at = event.end()
    yield from _lines(data[at:])


def _uid(lines: bytes) -> str:
    """The UID `domain.ical` groups the event under: TripDesk's own, else the file's (the first
    of each, as `domain.ical` reads them)."""
    found: dict[str, str] = {}
    for line in _UID_LINE.findall(lines):
        for name, prefix, value in _lines(line):
            key, params = _parameters(prefix) if len(prefix) > len(name) else (name.decode(), _NONE)
            found.setdefault(key, str(_value(key, params, _text(value))).strip())
    uid = found.get("X-TRIPDESK-UID") or found.get("UID")
    if not uid:
        raise NotPlain
    return uid


def _lines(data: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(name, name and parameters, value) of each line, name uppercased; empty lines skipped."""
    for raw in BytesIO(data) if len(data) > 65536 else data.split(b"\n"):
        if raw[-1:] == b"\n":
            raw = raw[:-1]
        if raw[-1:] == b"\r":
            raw = raw[:-1]
        if not raw:
            continue
        match = _LINE.match(raw)
        if match is None:
            raise NotPlain
        name, prefix = match[1].upper(), raw[: match.end() - 1]
        if name in (b"BEGIN", b"END") and len(prefix) > len(name):
            raise NotPlain
        yield name, prefix, raw[match.end() :]


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # As icalendar reads a file that is not all UTF-8: the bad bytes replaced, the rest kept.
        return raw.decode("utf-8", "replace")


@lru_cache(maxsize=1024)
def _parameters(prefix: bytes) -> tuple[str, Parameters]:
    """The name and parameters icalendar's content-line code gives: parameters repeat (a TZID,
    an attendee's name), so each distinct one is parsed once. Shared: read, never changed."""
    try:
        name, params, _value = Contentline(_text(prefix) + ":").raw_parts()
    except ValueError:
        raise NotPlain from None
    return name.upper(), params


@lru_cache(maxsize=256)
def _factory(name: str, value_type: str | None) -> Any:
    return _FACTORY.for_property(name, value_type)


class PlainEvent:
    """A VEVENT as `domain.ical` reads it from the parser's `icalendar.Event` — `get`, `decoded`,
    `in`, `categories`, `attendees` — holding only the values read: text as the parser's value
    types give it, dates decoded, each attendee with its parameters."""

    name = "VEVENT"

    def __init__(self) -> None:
        self._values: dict[str, list[Any]] = {}

    def get(self, name: str, default: Any = None) -> Any:
        values = self._values.get(name) or self._values.get(name.upper())
        if values is None:
            return default
        return values[0] if len(values) == 1 else list(values)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.upper() in self._values

    def __setitem__(self, name: str, value: Any) -> None:
        self._values[name.upper()] = [value]

    def decoded(self, name: str, default: Any = None) -> Any:
        return self.get(name, default)

    @property
    def categories(self) -> list[str]:
        return [category for categories in self._values.get("CATEGORIES", []) for category in categories]

    @property
    def attendees(self) -> list[Attendee]:
        return list(self._values.get("ATTENDEE", []))

    def add(self, name: str, value: Any) -> None:
        self._values.setdefault(name, []).append(value)


class Attendee(str):
    """An ATTENDEE's address, with its parameters (CN, the name)."""

    params: Parameters


def _event(lines: bytes) -> PlainEvent:
    """The event of these lines (those between its BEGIN and END): the values `domain.ical`
    reads, the others only checked to be plain."""
    event = PlainEvent()
    for name, prefix, value in _lines(lines):
        key = name.decode()
        if name in (b"BEGIN", b"END") or key in _RECURRING:
            raise NotPlain
        if key in READ or key.startswith(_OWN):
            key, params = _parameters(prefix) if len(prefix) > len(key) else (key, _NONE)
            event.add(key, _value(key, params, _text(value)))
    return event


_NONE = Parameters()
_DECODED = {"DTSTART": date, "DTEND": date, "DURATION": timedelta}


def _value(name: str, params: Parameters, raw: str) -> Any:
    """What `str()` or `decoded()` of the parser's component gives for this value (its
    handle_property); a value the parser would keep as broken is not plain."""
    factory = _factory(name, params.value if params else None)
    plain = "\\" not in raw
    if name == "CATEGORIES":
        return raw.split(",") if plain else [str(category) for category in split_on_unescaped_comma(raw)]
    if factory in (vText, vUnknown, vUri, vCalAddress):
        text = raw if factory is vUnknown or plain else unescape_backslash(raw)
        if factory in (vUri, vCalAddress) and ("\r" in text or "\n" in text):
            raise NotPlain
        if name == "ATTENDEE":
            address = Attendee(text)
            address.params = params
            return address
        return text
    wanted = _DECODED.get(name)
    if factory is not vDDDTypes or wanted is None:
        raise NotPlain
    text = raw if plain else unescape_backslash(raw)
    tzid = params.get("TZID") if params else None
    try:
        parsed = factory.from_ical(text, tzid) if tzid else factory.from_ical(text)
    except (ValueError, TypeError):
        raise NotPlain from None
    if not isinstance(parsed, wanted):
        raise NotPlain
    return parsed


def _add(component: icalendar.Component, key: str, prefix: bytes, value: bytes) -> None:
    """`key`'s value added to `component` as icalendar's parser adds it (handle_property)."""
    name, params = _parameters(prefix) if len(prefix) > len(key) else (key, Parameters())
    factory = _factory(name, params.value)
    raw = _text(value)
    if name == "CATEGORIES":
        typed = factory(split_on_unescaped_comma(raw))
    else:
        text = raw if hasattr(factory, "get_value_from_content_line") else unescape_backslash(raw)
        tzid = params.get("TZID") if params and name in _DATETIMES else None
        try:
            parsed = factory.from_ical(text, tzid) if tzid else factory.from_ical(text)
        except (ValueError, TypeError):
            # The parser keeps what it cannot read as broken, with its own message: its way.
            raise NotPlain from None
        typed = factory(parsed)
    typed.params = params
    component.add(name, typed, encode=False)


def _calendar_property(calendar: icalendar.Calendar, name: bytes, prefix: bytes, value: bytes) -> None:
    key = name.decode()
    if key == _CALENDAR_ZONE:
        raise NotPlain
    if not key.startswith("X-"):
        # The parser refuses the whole file for a calendar property it cannot read.
        _add(calendar, key, prefix, value)


def _zone(lines: Iterator[tuple[bytes, bytes, bytes]]) -> None:
    """Skip a VTIMEZONE; only one of a zone the system knows, which the parser does not keep
    either (icalendar's zone cache takes only zones it does not know)."""
    depth, tzid, scratch = 1, None, icalendar.Timezone()
    for name, prefix, value in lines:
        if name == _SPAN:
            raise NotPlain
        if not name.startswith(b"X-") and name not in (b"BEGIN", b"END"):
            # Its parts refuse a value they cannot read, and the parser the whole file with them.
            _add(scratch, name.decode(), prefix, value)
        if name == b"BEGIN":
            depth += 1
        elif name == b"END":
            depth -= 1
            if depth == 0:
                if tzid is None or tzid not in _known_zones():
                    raise NotPlain
                return
        elif name == b"TZID" and depth == 1:
            if len(prefix) > len(name):
                raise NotPlain
            tzid = _text(value)
    raise NotPlain


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())
