"""iCalendar (RFC 5545) files to event drafts, as forgiving as calendar clients are.

Only a file that is not iCalendar at all is refused (`CalendarError`). Inside a readable file
each event stands alone: one that cannot be placed in time is skipped and listed with its
reason, one that lacks something that can be made up (a UID, a title) is imported and flagged,
and the rest goes on. Mapping:

- UID is the event's identity: importing the same file again updates, never duplicates. An
  event without one gets one made from its start, title and place, so that the next import of
  the same event finds it again. The same UID twice: the first is kept.
- DTSTART/DTEND (or DURATION) with TZID keep that zone as the venue's; UTC and floating times
  take the zone of the city in LOCATION when it is known, else the newsroom's. A DATE value
  means the day is known but not the time. `X-TRIPDESK-PRECISION:MONTH` marks "in July"
  events. `X-TRIPDESK-TZ` names the venue's zone outright (TripDesk's own feed writes times in
  UTC with it). Google's `X-WR-TIMEZONE` gives floating times its zone (`x-wr-timezone`).
- Recurring events (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded with
  `recurring-ical-events` from the start of today to the horizon, each occurrence on the wall
  clock of its own zone (a weekly 12:00 New York briefing stays at 12:00 across a change of
  the clocks) and keyed `<uid>/<recurrence id>`. The work is bounded: a rule is computed for
  at most MAX_RECURRENCE_STEPS periods from its start (domain/recurrence.py), and at most MAX_OCCURRENCES_PER_SERIES
  and MAX_OCCURRENCES_PER_FILE occurrences are kept; what is cut is flagged. A rule that can
  never happen (the 30th of February) is skipped before the expansion would search for it
  until the year 9999.
- LOCATION "venue, city, country": the last part is the country when it names one.
- STATUS TENTATIVE/CONFIRMED/CANCELLED (none: tentative); `X-TRIPDESK-STATUS:POSTPONED`.
- CATEGORIES give the kind (Summit, Bilateral meeting, Press conference…).
- ATTENDEE CN are the participants; `X-TRIPDESK-PRINCIPAL` and `X-TRIPDESK-TRIP` name the trip.
- TripDesk's own feed round-trips: `X-TRIPDESK-UID`, `-TITLE` and `-PARTICIPANT` are read over
  UID, SUMMARY and ATTENDEE, and its composed DESCRIPTION is not taken as notes.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone

from domain.drafts import MAX_SPAN, EventDraft, TripRef
from domain.ical_lines import NotPlain, PlainCalendar, PlainEvent, plain_calendar
from domain.places import country_name, zone_for_place
from domain.progress import SILENT, Progress
from domain.recurrence import MAX_RECURRENCE_STEPS_PER_FILE, RuleRefused, bound_rules
from domain.validation import MAX_LENGTH, clip, is_web_url
from domain.vocabulary import Kind, Precision, Status
from domain.zones import ZoneError, add_days, elapsed, later, nominal_end, start_of_day, zone

# Occurrences are read from the start of the newsroom's today to this many days ahead.
HORIZON_DAYS = 90
# A rule's periods are computed one by one from its start (the libraries cannot jump ahead),
# so a rule that repeats every second, or daily since the year 1000, is computed only this far.
MAX_OCCURRENCES_PER_SERIES = 500
MAX_OCCURRENCES_PER_FILE = 5_000


class CalendarError(ValueError):
    """The file cannot be imported; the message says what and where, in one line."""


class _Unplaceable(ValueError):
    """This event cannot be imported; the message says why."""


@dataclass(frozen=True)
class Problem:
    """An event the import skipped or changed: how to recognise it, and what happened."""

    event: str
    reason: str

    def __str__(self) -> str:
        return f"{self.event}: {self.reason}"


@dataclass
class ParsedCalendar:
    drafts: list[EventDraft] = field(default_factory=list)
    # Not imported (cannot be placed in time, a repeated UID, an unreadable rule).
    skipped: list[Problem] = field(default_factory=list)
    # Imported, with something made up or cut (a UID, a title, occurrences past a limit).
    flagged: list[Problem] = field(default_factory=list)
    # Where recurring events were expanded: occurrences outside it are not in `drafts`.
    horizon_start: datetime | None = None
    horizon_end: datetime | None = None
    # UIDs of events (or whole series) the file has but that could not be read: a feed still
    # lists them, so they were not removed from it.
    unread: set[str] = field(default_factory=set)

    def lists(self, uid: str) -> bool:
        """Whether the calendar still has the event with this stored UID, read or not."""
        if uid in self.unread or uid.rpartition("/")[0] in self.unread:
            return True
        return uid in self._read

    @cached_property
    def _read(self) -> frozenset[str]:
        return frozenset(draft.uid for draft in self.drafts)


# An event as the parser makes it, or as a plain file's quick reading does (domain/ical_lines.py).
_Event = icalendar.Component | PlainEvent
# Set here on events whose times X-WR-TIMEZONE placed: the zone that came from the calendar.
_CALENDAR_TZ = "X-TRIPDESK-CALENDAR-TZ"
_NO_UID = "it has no UID; it was given one made from its start, title and place"
_STATUSES = {"TENTATIVE": Status.TENTATIVE, "CONFIRMED": Status.CONFIRMED, "CANCELLED": Status.CANCELLED}
_RECURRENCE = ("RRULE", "RDATE", "RECURRENCE-ID")


def parse_calendar(
    data: bytes,
    fallback_tz: str,
    *,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
    quick: bool = True,
    progress: Progress = SILENT,
) -> ParsedCalendar:
    """The events of `data`, with what was skipped or flagged. Raises CalendarError only when
    `data` is not iCalendar at all. A plain file is read without icalendar's full parser
    (`domain.ical_lines`), to the same result; `quick=False` always uses the parser.
    `progress` is told of the events read."""
    plain = plain_calendar(data) if quick else None
    if plain is not None:
        try:
            return _read([plain], fallback_tz, now=now, horizon_days=horizon_days, progress=progress)
        except NotPlain:
            pass  # a value only the parser reads as this module expects (a broken one): its way
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception:  # noqa: BLE001 - any failure of the parser means "not iCalendar"
        raise CalendarError(f"not an iCalendar file: {_what_it_is(data)}") from None
    if not calendars:
        raise CalendarError("not an iCalendar file: no VCALENDAR found")
    return _read(calendars, fallback_tz, now=now, horizon_days=horizon_days, progress=progress)


def _read(
    calendars: Sequence[icalendar.Component | PlainCalendar],
    fallback_tz: str,
    *,
    now: datetime,
    horizon_days: int,
    progress: Progress,
) -> ParsedCalendar:
    today = now.astimezone(zone(fallback_tz)).date()
    parsed = ParsedCalendar(
        horizon_start=start_of_day(today, fallback_tz), horizon_end=later(now, timedelta(days=horizon_days))
    )
    reader = _Reader(parsed, fallback_tz, progress)
    loose = [
        component
        for component in calendars
        if not isinstance(component, PlainCalendar) and component.name != "VCALENDAR"
    ]
    if loose:
        # Events written without the VCALENDAR around them, as some exporters do: read them
        # as one calendar, as calendar clients do.
        wrapper = icalendar.Calendar()
        for component in loose:
            wrapper.add_component(component)
        calendars = [
            component
            for component in calendars
            if not isinstance(component, PlainCalendar) and component.name == "VCALENDAR"
        ] + [wrapper]
        if any(component.name == "VEVENT" for component in loose):
            parsed.flagged.append(Problem("the file", "it has no VCALENDAR around its events; they were read anyway"))
    progress.stage(
        "Reading events",
        sum(
            len(calendar) if isinstance(calendar, PlainCalendar) else len(calendar.walk("VEVENT"))
            for calendar in calendars
        ),
    )
    for calendar in calendars:
        try:
            if isinstance(calendar, PlainCalendar):
                reader.read_plain(calendar)
            else:
                reader.read(calendar)
        except NotPlain:
            raise
        except Exception as error:  # noqa: BLE001 - a calendar nested too deep to walk, for one
            parsed.skipped.append(Problem("the calendar", f"could not be read: {_first_line(error)}"))
    return parsed


def _what_it_is(data: bytes) -> str:
    """What the data looks like, in words, never quoting it: a feed's address may lead to
    anything (a login page, an internal service's answer), and the reason is shown in Slack."""
    start = data.lstrip()[:1]
    if not start:
        return "it is empty"
    if start == b"<":
        return "it is a web page, not a calendar: look for the calendar's .ics or Subscribe link"
    if start in (b"{", b"["):
        return "it is JSON, not a calendar"
    return "its content could not be read as a calendar"


class _Reader:
    def __init__(self, parsed: ParsedCalendar, fallback_tz: str, progress: Progress) -> None:
        self.parsed = parsed
        self.progress = progress
        self.fallback_tz = fallback_tz
        self.seen: set[str] = set()
        self.expanded = 0
        self.steps = MAX_RECURRENCE_STEPS_PER_FILE
        # Each occurrence of a series repeats its series' notes: list each once.
        self.noted: set[Problem] = set()
        # Events are named in the lists as the file names them, not by a UID made up here.
        self.names: dict[int, str] = {}

    def read(self, calendar: icalendar.Component) -> None:
        self.read_events(self._standard(calendar).walk("VEVENT"))

    def read_events(self, events: Iterable[icalendar.Component]) -> None:
        groups: dict[str, list[_Event]] = {}
        for index, component in enumerate(events, start=1):
            self._identify(component, index)
            groups.setdefault(_text(component, "UID"), []).append(component)
        self._read_groups(groups.items())

    def read_plain(self, calendar: PlainCalendar) -> None:
        """`read_events` for a plain file, one UID's events at a time."""
        for uid, components in calendar.groups():
            for component in components:
                self._identify(component, 0)
            group: list[_Event] = list(components)
            self._read_groups([(uid, group)])
            for read in group:
                del self.names[id(read)]

    def _identify(self, component: _Event, index: int) -> None:
        self.names[id(component)] = _name(component, index)
        if own := _text(component, "X-TRIPDESK-UID"):
            # TripDesk's own feed: the event's UID as TripDesk keeps it, before "@tripdesk".
            component["UID"] = own
        if not _text(component, "UID"):
            component["UID"] = _derived_uid(component)
            self._flag(Problem(self.names[id(component)], _NO_UID))

    def _read_groups(self, groups: Iterable[tuple[str, list[_Event]]]) -> None:
        for uid, components in groups:
            self.progress.advance(len(components))
            drafts, skipped = len(self.parsed.drafts), len(self.parsed.skipped)
            if any(component.get(name) is not None for component in components for name in _RECURRENCE):
                # Never a plain file's events: those have no recurrence (domain/ical_lines.py).
                self._series(uid, [component for component in components if not isinstance(component, PlainEvent)])
            else:
                for component in components:
                    self._single(component, uid)
            if len(self.parsed.drafts) == drafts and len(self.parsed.skipped) > skipped:
                self.parsed.unread.add(_storable_uid(uid))

    def _standard(self, calendar: icalendar.Component) -> icalendar.Component:
        """Floating times read in the calendar's X-WR-TIMEZONE, as Google means them."""
        declared = _text(calendar, "X-WR-TIMEZONE")
        if not declared:
            return calendar
        try:
            zone(declared)
            for component in calendar.walk("VEVENT"):
                component.pop(_CALENDAR_TZ, None)
                start = component.get("DTSTART")
                if start is not None and "TZID" not in getattr(start, "params", {"TZID": ""}):
                    # Remember, through the copy to_standard makes, that this event's zone is
                    # the calendar's and not its venue's (a Paris meeting in a New York calendar).
                    component[_CALENDAR_TZ] = declared
            return x_wr_timezone.to_standard(calendar)
        except Exception as error:  # noqa: BLE001 - an unknown zone must not lose the events
            reason = "not a time zone" if isinstance(error, ZoneError) else _first_line(error)
            self.parsed.flagged.append(
                Problem("the calendar", f"X-WR-TIMEZONE {_short(declared)!r} was ignored ({reason})")
            )
            return calendar

    def _single(self, component: _Event, uid: str, name: str = "") -> None:
        name = name or self.names.get(id(component)) or _name(component, 0)
        notes: list[str] = []
        # walk() is typed as yielding any Component; the parser makes each VEVENT an Event.
        assert isinstance(component, (icalendar.Event, PlainEvent))
        try:
            draft = _draft(component, self.fallback_tz, _storable_uid(uid), notes)
        except _Unplaceable as error:
            self._skip(Problem(name, str(error)))
            return
        except Exception as error:  # noqa: BLE001 - one hostile event must not stop the rest
            self._skip(Problem(name, f"it could not be read: {_first_line(error)}"))
            return
        if draft.uid in self.seen:
            self._skip(Problem(name, "the same UID as an event before it, which was kept"))
            return
        self.seen.add(draft.uid)
        self.parsed.drafts.append(draft)
        for note in notes:
            self._flag(Problem(name, note))

    def _flag(self, problem: Problem) -> None:
        if problem not in self.noted:
            self.noted.add(problem)
            self.parsed.flagged.append(problem)

    def _skip(self, problem: Problem) -> None:
        if problem not in self.noted:
            self.noted.add(problem)
            self.parsed.skipped.append(problem)

    def _series(self, uid: str, components: list[icalendar.Component]) -> None:
        where = self.names.get(id(components[0])) or f"event {_short(uid)!r}"
        start, end = self.parsed.horizon_start, self.parsed.horizon_end
        assert start is not None and end is not None
        room = min(MAX_OCCURRENCES_PER_SERIES, MAX_OCCURRENCES_PER_FILE - self.expanded)
        if room <= 0:
            reason = f"not expanded: the file's limit of {MAX_OCCURRENCES_PER_FILE:,} occurrences was reached"
            self._skip(Problem(where, reason))
            return
        placed = [component for component in components if component.get("DTSTART") is not None]
        if len(placed) < len(components):
            self._skip(Problem(where, "it has no DTSTART" if not placed else "an occurrence of it has no DTSTART"))
        if not placed:
            return
        components = placed
        try:
            for component in components:
                steps, cuts = bound_rules(component, start, end, self.steps)
                self.steps -= steps
                for reason in cuts:
                    self._flag(Problem(where, reason))
            series = icalendar.Calendar()
            for component in components:
                series.add_component(component)
            query = recurring_ical_events.of(series)
            occurrences = list(
                itertools.islice((o.as_component(False) for s in query.series for o in s.between(start, end)), room + 1)
            )
        except (_Unplaceable, RuleRefused) as error:
            self._skip(Problem(where, str(error)))
            return
        except Exception as error:  # noqa: BLE001 - a rule the expansion cannot follow
            self._skip(Problem(where, f"its recurrence could not be expanded: {_first_line(error)}"))
            return
        if len(occurrences) > room:
            occurrences = occurrences[:room]
            limit = "the series" if room == MAX_OCCURRENCES_PER_SERIES else "the file"
            self._flag(Problem(where, f"only {room} occurrences were imported: the limit for {limit} was reached"))
        self.expanded += len(occurrences)
        for occurrence in occurrences:
            self._single(occurrence, _occurrence_uid(uid, occurrence), where)


def _occurrence_uid(uid: str, occurrence: icalendar.Component) -> str:
    """`<uid>/<recurrence id>`: the recurrence id in UTC when it has a zone, so that the key of
    an occurrence does not change when the feed writes the same instant in another zone."""
    recurrence = occurrence.decoded("RECURRENCE-ID", None) or occurrence.decoded("DTSTART")
    if isinstance(recurrence, datetime):
        suffix = (
            recurrence.strftime("%Y%m%dT%H%M%S")
            if recurrence.tzinfo is None
            else recurrence.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        )
    else:
        suffix = recurrence.strftime("%Y%m%d")
    base = clip(uid, "uid")
    if len(base) + 1 + len(suffix) > MAX_LENGTH["uid"] or base != uid:
        base = _hashed(uid)
    return f"{base}/{suffix}"


def _storable_uid(uid: str) -> str:
    """The UID as stored: a UID too long for the column becomes its hash rather than a cut,
    which two long UIDs sharing a beginning would share too."""
    return clip(uid, "uid") if len(uid) <= MAX_LENGTH["uid"] else _hashed(uid)


def _hashed(text: str) -> str:
    return "sha256-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _derived_uid(component: _Event) -> str:
    """A UID for an event that has none, the same each time the feed sends the same event."""
    parts = [_raw(component, "DTSTART"), _text(component, "SUMMARY"), _text(component, "LOCATION")]
    return "derived-" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _raw(component: _Event, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return ""
    tzid = getattr(value, "params", {}).get("TZID", "")
    try:
        return f"{tzid}:{value.to_ical().decode('utf-8', 'replace')}"
    except Exception:  # noqa: BLE001 - a value that cannot be written back still names the event
        return f"{tzid}:{value}"


def _name(component: _Event, index: int) -> str:
    """How the lists name an event: by its UID, else its title, else its place in the file."""
    uid = _text(component, "UID")
    if uid:
        return f"event {_short(uid)!r}"
    title = _text(component, "SUMMARY")
    if title:
        return f"event {_short(title)!r}"
    return f"event #{index}" if index else "an event without UID or title"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def _draft(component: icalendar.Event | PlainEvent, fallback_tz: str, uid: str, notes: list[str]) -> EventDraft:
    venue, city, country = _location(_text(component, "LOCATION"))
    participants = _attendees(component)
    # TripDesk's own feed: the title without "Cancelled:" or "date TBC", the participants
    # (not written as ATTENDEEs, which calendar clients would show as guests).
    own_title = _text(component, "X-TRIPDESK-TITLE")
    for name in _texts(component, "X-TRIPDESK-PARTICIPANT"):
        if name not in participants:
            participants.append(name)
    title = own_title or _text(component, "SUMMARY")
    if not title:
        title = _untitled(venue, city, participants)
        notes.append(f"it has no SUMMARY; it was named {title!r}")

    declared_tz = _declared_zone(component, notes)
    place_tz = zone_for_place(city, country)
    try:
        start = component.decoded("DTSTART", None)
        end = component.decoded("DTEND", None) if "DTEND" in component else None
        duration = component.decoded("DURATION", None) if "DURATION" in component else None
    except (icalendar.InvalidCalendar, ValueError) as error:
        raise _Unplaceable(_first_line(error)) from None
    if start is None:
        raise _Unplaceable("it has no DTSTART")
    for name, value in (("DTSTART", start), ("DTEND", end)):
        if value is not None and not isinstance(value, date):
            raise _Unplaceable(f"{name} {str(value)[:40]!r} is not a date or a date-time")
    calendar_tz = _text(component, _CALENDAR_TZ)
    if calendar_tz:
        tz = declared_tz or place_tz or calendar_tz
    else:
        tz = declared_tz or _zone_name(start, place_tz or fallback_tz)
    precision = _precision(component, start, notes)
    starts_at = _instant(start, tz)
    if end is None and isinstance(duration, timedelta):
        if isinstance(start, datetime):
            # From the start as the venue's clock shows it, so that PT1H is one real hour
            # even when the clocks change within it.
            ends_at: datetime | None = nominal_end(starts_at.astimezone(zone(tz)), duration)
        else:
            ends_at = _instant(add_days(start, duration.days), tz)
    else:
        ends_at = _instant(end, tz) if end is not None else None
    if precision is Precision.MONTH:
        starts_at = _instant(date(start.year, start.month, 1), tz)
    if ends_at is not None and ends_at < starts_at:
        raise _Unplaceable("it ends before it starts")
    if ends_at is not None and elapsed(starts_at, ends_at) > MAX_SPAN:
        raise _Unplaceable(f"it lasts more than {MAX_SPAN.days} days; enter long trips stop by stop")
    if precision is Precision.DAY and ends_at == start_of_day(add_days(starts_at.astimezone(zone(tz)).date(), 1), tz):
        ends_at = None  # a one-day all-day event: its day says it all

    url = _text(component, "URL")
    return EventDraft(
        uid=uid,
        title=clip(title, "title"),
        kind=_kind(component),
        status=_status(component),
        precision=precision,
        starts_at=starts_at,
        ends_at=ends_at,
        tz=tz,
        venue=clip(venue, "venue"),
        city=clip(city, "city"),
        country=clip(country, "country"),
        participants=tuple(clip(name, "participant") for name in participants),
        trip=_trip(component),
        source_url=url if url and is_web_url(url) else None,
        # TripDesk's own feed (it always writes X-TRIPDESK-TZ) composes its DESCRIPTION from
        # the other fields: not notes.
        notes="" if _text(component, "X-TRIPDESK-TZ") else clip(_text(component, "DESCRIPTION"), "notes"),
    )


def _untitled(venue: str, city: str, participants: list[str]) -> str:
    """A title from what the event says besides: "Untitled: Blinken, Séjourné in Brussels"."""
    names = ", ".join(name.split()[-1] for name in participants[:3])
    place = city or venue
    if names and place:
        return f"Untitled: {names} in {place}"
    if names or place:
        return f"Untitled: {names or place}"
    return "Untitled event"


def _declared_zone(component: _Event, notes: list[str]) -> str:
    declared = _text(component, "X-TRIPDESK-TZ")
    if not declared:
        return ""
    try:
        return zone(declared).key
    except ZoneError:
        notes.append(f"X-TRIPDESK-TZ {_short(declared)!r} is not a time zone; it was ignored")
        return ""


def _text(component: _Event, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value is not None else ""


def _first_line(error: BaseException) -> str:
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return line if len(line) <= 200 else line[:199] + "…"


def _location(text: str) -> tuple[str, str, str]:
    """Split "Élysée Palace, Paris, France" into venue, city and country."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    country = ""
    if len(parts) > 1 and country_name(parts[-1]):
        country = parts.pop()
    if len(parts) >= 2:
        return ", ".join(parts[:-1]), parts[-1], country
    if len(parts) == 1 and zone_for_place(parts[0], country):
        return "", parts[0], country
    return (parts[0] if parts else ""), "", country


def _zone_name(start: date | datetime, place_tz: str) -> str:
    tzinfo = start.tzinfo if isinstance(start, datetime) else None
    if isinstance(tzinfo, ZoneInfo) and tzinfo.key not in ("UTC", "Etc/UTC"):
        return tzinfo.key
    # UTC, floating and all-day times say nothing about the venue: use its city, if known.
    return place_tz


def _instant(value: date | datetime, tz: str) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz))
    return value.astimezone(UTC)


def _precision(component: _Event, start: date | datetime, notes: list[str]) -> Precision:
    declared = _text(component, "X-TRIPDESK-PRECISION").lower()
    if declared:
        try:
            return Precision(declared)
        except ValueError:
            shown = _short(declared.upper())
            notes.append(f"X-TRIPDESK-PRECISION {shown!r} is not EXACT, DAY or MONTH; it was ignored")
    return Precision.EXACT if isinstance(start, datetime) else Precision.DAY


def _status(component: _Event) -> Status:
    if _text(component, "X-TRIPDESK-STATUS").upper() == "POSTPONED":
        return Status.POSTPONED
    return _STATUSES.get(_text(component, "STATUS").upper(), Status.TENTATIVE)


def _kind(component: icalendar.Event | PlainEvent) -> Kind:
    for category in component.categories:
        kind = Kind.from_text(str(category))
        if kind is not None:
            return kind
    return Kind.OTHER


def _texts(component: _Event, name: str) -> list[str]:
    value = component.get(name)
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [str(one).strip() for one in values if str(one).strip()]


def _attendees(component: icalendar.Event | PlainEvent) -> list[str]:
    names = []
    for attendee in component.attendees:
        name = str(attendee.params.get("CN", "")).strip()
        if name and name not in names:
            names.append(name)
    return names


def _trip(component: _Event) -> TripRef | None:
    principal = _text(component, "X-TRIPDESK-PRINCIPAL")
    name = _text(component, "X-TRIPDESK-TRIP")
    if not principal or not name:
        return None
    return TripRef(principal=clip(principal, "participant"), name=clip(name, "trip"))
