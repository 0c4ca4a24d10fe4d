"""iCalendar (RFC 5545) files to event drafts.

The whole file is read and checked before anything is stored, so that an import is all or
nothing. Mapping:

- UID is the event's identity: importing the same file again updates, never duplicates.
- DTSTART/DTEND (or DURATION) with TZID keep that zone as the venue's; UTC and floating times
  take the zone of the city in LOCATION when it is known, else the newsroom's. A DATE value
  means the day is known but not the time. `X-TRIPDESK-PRECISION:MONTH` marks "in July" events.
- LOCATION "venue, city, country": the last part is the country when it names one.
- STATUS TENTATIVE/CONFIRMED/CANCELLED (none: tentative); `X-TRIPDESK-STATUS:POSTPONED`.
- CATEGORIES give the kind (Summit, Bilateral meeting, Press conference…).
- ATTENDEE CN are the participants; `X-TRIPDESK-PRINCIPAL` and `X-TRIPDESK-TRIP` name the trip.
- Recurring events (RRULE, RECURRENCE-ID) are skipped and counted: diplomatic schedules
  do not repeat, and a wrong expansion would put false stops on the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from domain.drafts import MAX_SPAN, EventDraft, TripRef
from domain.places import country_name, zone_for_place
from domain.validation import clip, is_web_url
from domain.vocabulary import Kind, Precision, Status
from domain.zones import add_days, elapsed, nominal_end, start_of_day, zone


class CalendarError(ValueError):
    """The file cannot be imported; the message says what and where, in one line."""


@dataclass
class ParsedCalendar:
    drafts: list[EventDraft] = field(default_factory=list)
    skipped_recurring: int = 0


_STATUSES = {"TENTATIVE": Status.TENTATIVE, "CONFIRMED": Status.CONFIRMED, "CANCELLED": Status.CANCELLED}


def parse_calendar(data: bytes, fallback_tz: str) -> ParsedCalendar:
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except ValueError as error:
        raise CalendarError(f"not an iCalendar file: {_first_line(error)}") from None
    if not calendars:
        raise CalendarError("not an iCalendar file: no VCALENDAR found")

    parsed = ParsedCalendar()
    seen: set[str] = set()
    for calendar in calendars:
        for component in calendar.walk("VEVENT"):
            # walk() is typed as yielding any Component; the parser makes each VEVENT an Event.
            assert isinstance(component, icalendar.Event)
            if component.get("RRULE") is not None or component.get("RECURRENCE-ID") is not None:
                parsed.skipped_recurring += 1
                continue
            draft = _draft(component, fallback_tz)
            if draft.uid in seen:
                raise CalendarError(f"event {draft.uid!r}: the same UID appears twice in the file")
            seen.add(draft.uid)
            parsed.drafts.append(draft)
    return parsed


def _draft(component: icalendar.Event, fallback_tz: str) -> EventDraft:
    uid = _text(component, "UID")
    where = f"event {uid!r}" if uid else f"event {_text(component, 'SUMMARY')!r}"
    if not uid:
        raise CalendarError(f"{where}: it has no UID, so it could not be updated later")
    title = _text(component, "SUMMARY")
    if not title:
        raise CalendarError(f"{where}: it has no SUMMARY (title)")

    venue, city, country = _location(_text(component, "LOCATION"))
    place_tz = zone_for_place(city, country)
    try:
        start = component.decoded("DTSTART", None)
        end = component.decoded("DTEND", None) if "DTEND" in component else None
        duration = component.decoded("DURATION", None) if "DURATION" in component else None
    except (icalendar.InvalidCalendar, ValueError) as error:
        raise CalendarError(f"{where}: {_first_line(error)}") from None
    if start is None:
        raise CalendarError(f"{where}: it has no DTSTART")
    for name, value in (("DTSTART", start), ("DTEND", end)):
        if value is not None and not isinstance(value, date):
            raise CalendarError(f"{where}: {name} {str(value)[:40]!r} is not a date or a date-time")
    tz = _zone_name(start, place_tz or fallback_tz)
    precision = _precision(component, start, where)
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
        raise CalendarError(f"{where}: it ends before it starts")
    if ends_at is not None and elapsed(starts_at, ends_at) > MAX_SPAN:
        raise CalendarError(f"{where}: it lasts more than {MAX_SPAN.days} days; enter long trips stop by stop")
    if precision is Precision.DAY and ends_at == start_of_day(add_days(starts_at.astimezone(zone(tz)).date(), 1), tz):
        ends_at = None  # a one-day all-day event: its day says it all

    url = _text(component, "URL")
    return EventDraft(
        uid=clip(uid, "uid"),
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
        participants=tuple(clip(name, "participant") for name in _attendees(component)),
        trip=_trip(component),
        source_url=url if url and is_web_url(url) else None,
        notes=clip(_text(component, "DESCRIPTION"), "notes"),
    )


def _text(component: icalendar.Component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value is not None else ""


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


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


def _precision(component: icalendar.Event, start: date | datetime, where: str) -> Precision:
    declared = _text(component, "X-TRIPDESK-PRECISION").lower()
    if declared:
        try:
            return Precision(declared)
        except ValueError:
            raise CalendarError(f"{where}: X-TRIPDESK-PRECISION must be EXACT, DAY or MONTH") from None
    return Precision.EXACT if isinstance(start, datetime) else Precision.DAY


def _status(component: icalendar.Event) -> Status:
    if _text(component, "X-TRIPDESK-STATUS").upper() == "POSTPONED":
        return Status.POSTPONED
    return _STATUSES.get(_text(component, "STATUS").upper(), Status.TENTATIVE)


def _kind(component: icalendar.Event) -> Kind:
    for category in component.categories:
        kind = Kind.from_text(str(category))
        if kind is not None:
            return kind
    return Kind.OTHER


def _attendees(component: icalendar.Event) -> list[str]:
    names = []
    for attendee in component.attendees:
        name = str(attendee.params.get("CN", "")).strip()
        if name and name not in names:
            names.append(name)
    return names


def _trip(component: icalendar.Event) -> TripRef | None:
    principal = _text(component, "X-TRIPDESK-PRINCIPAL")
    name = _text(component, "X-TRIPDESK-TRIP")
    if not principal or not name:
        return None
    return TripRef(principal=clip(principal, "participant"), name=clip(name, "trip"))
