"""The add/edit form: what a person typed, checked field by field into an event draft.

Errors are returned per field, in words that say what to do, so that the modal can show each
one under its own input; nothing is saved while any remains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from domain.drafts import MAX_SPAN, EventDraft, TripRef
from domain.numbers import parse_count
from domain.places import zone_for_place
from domain.reminders import LEAD_TIMES
from domain.validation import MAX_LENGTH, is_slack_id, is_web_url, storable
from domain.vocabulary import Kind, Precision, Status
from domain.zones import (
    AmbiguousTime,
    NonexistentTime,
    ZoneError,
    add_days,
    elapsed,
    localize,
    start_of_day,
    zone,
)

AUTO_ZONE = "auto"
NO_TRIP = "none"
NEW_TRIP = "new"
NO_REMINDERS = "none"
MAX_PARTICIPANTS = 50


@dataclass(frozen=True)
class FormValues:
    """The raw values of the form, as strings, whatever was typed or left empty."""

    title: str = ""
    kind: str | None = None
    participants: str = ""
    venue: str = ""
    city: str = ""
    country: str = ""
    start_date: str | None = None
    start_time: str | None = None
    tz: str | None = None
    end_date: str | None = None
    end_time: str | None = None
    precision: str | None = None
    status: str | None = None
    trip: str | None = None
    trip_principal: str = ""
    trip_name: str = ""
    channel: str | None = None
    lead_times: tuple[str, ...] = ()
    source_url: str = ""
    notes: str = ""
    past_record: bool = False
    marked_key: bool = False


@dataclass(frozen=True)
class EventInput:
    """A valid form: the schedule fields, and where and when to remind."""

    draft: EventDraft
    # An existing trip's id, a new trip, or none.
    trip_id: int | None
    channel_id: str | None
    lead_times: tuple[int, ...] | None
    past_record: bool
    # An editor's mark that the event is key (its coverage is chased); summits and ministerial
    # meetings are key whatever the mark (domain/coverage.py).
    marked_key: bool = False


@dataclass
class FormResult:
    value: EventInput | None = None
    errors: dict[str, str] = field(default_factory=dict)


def validate(
    form: FormValues,
    *,
    uid: str,
    now: datetime,
    newsroom_tz: ZoneInfo,
    default_channel: str | None = None,
    original_start: datetime | None = None,
) -> FormResult:
    """Check `form`; `original_start` is the saved start of an event being edited."""
    form = _storable(form)
    errors: dict[str, str] = {}

    def text(name: str, value: str, limit_key: str, required: str | None = None) -> str:
        value = value.strip()
        if required and not value:
            errors[name] = required
        elif len(value) > MAX_LENGTH[limit_key]:
            errors[name] = f"At most {MAX_LENGTH[limit_key]:,} characters; this is {len(value):,}."
        return value

    title = text("title", form.title, "title", required="Give the event a title.")
    venue = text("venue", form.venue, "venue")
    city = text("city", form.city, "city")
    country = text("country", form.country, "country")
    notes = text("notes", form.notes, "notes")
    participants = _participants(form.participants, errors)
    kind = _choice(Kind, form.kind, "kind", errors, Kind.OTHER)
    status = _choice(Status, form.status, "status", errors, Status.TENTATIVE)
    precision = _choice(Precision, form.precision, "precision", errors, Precision.EXACT)

    source_url = form.source_url.strip()
    if source_url and not is_web_url(source_url):
        errors["source_url"] = "Enter a full web address, starting with https:// (or leave it empty)."

    tz = _zone(form.tz, city, country, newsroom_tz, errors)
    starts_at = _start(form, precision, tz, errors) if tz else None
    ends_at = _end(form, precision, tz, starts_at, errors) if tz and starts_at else None
    if starts_at is not None and starts_at < now and not form.past_record and starts_at != original_start:
        errors["start_date"] = (
            "This start is in the past. To keep a record of an event that already happened, "
            "tick “Record of a past event” (it gets no reminders)."
        )

    trip_id, trip = _trip(form, participants, errors)
    if trip is not None and trip.principal not in participants:
        participants = (trip.principal, *participants)
    lead_times = _lead_times(form.lead_times, errors)
    channel = (form.channel or "").strip() or None
    if channel is None and default_channel is None:
        errors["channel"] = "Pick the channel for reminders and change notices."
    elif channel is not None and not is_slack_id(channel, "CGD"):
        errors["channel"] = "Pick a channel from the list."

    if errors:
        return FormResult(errors=errors)
    assert starts_at is not None and tz is not None, "without errors both were read"
    draft = EventDraft(
        uid=uid,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        tz=tz,
        kind=kind,
        status=status,
        precision=precision,
        city=city,
        country=country,
        venue=venue,
        participants=participants,
        trip=trip,
        source_url=source_url or None,
        notes=notes,
    )
    return FormResult(
        value=EventInput(
            draft=draft,
            trip_id=trip_id,
            channel_id=channel,
            lead_times=() if form.past_record else lead_times,
            past_record=form.past_record,
            marked_key=form.marked_key,
        )
    )


def _participants(raw: str, errors: dict[str, str]) -> tuple[str, ...]:
    names = list(dict.fromkeys(n.strip() for n in re.split(r"[,\n;]", raw) if n.strip()))
    too_long = [n for n in names if len(n) > MAX_LENGTH["participant"]]
    if too_long:
        errors["participants"] = (
            f"Each name may have at most {MAX_LENGTH['participant']} characters: separate names with commas."
        )
    elif len(names) > MAX_PARTICIPANTS:
        errors["participants"] = f"At most {MAX_PARTICIPANTS} participants; this lists {len(names)}."
    return tuple(names)


def _choice(enum, raw: str | None, name: str, errors: dict[str, str], default):
    if raw in (None, ""):
        return default
    try:
        return enum(raw)
    except ValueError:
        errors[name] = "Pick one of the options."
        return default


def _zone(raw: str | None, city: str, country: str, newsroom_tz: ZoneInfo, errors: dict[str, str]) -> str | None:
    if raw in (None, "", AUTO_ZONE):
        return zone_for_place(city, country) or newsroom_tz.key
    try:
        zone(raw)
    except ZoneError:
        errors["tz"] = f"“{raw[:64]}” is not a time zone TripDesk knows: pick one from the list."
        return None
    return raw


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _parse_time(raw: str | None) -> time | None:
    try:
        return time.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _start(form: FormValues, precision: Precision, tz: str, errors: dict[str, str]) -> datetime | None:
    day = _parse_date(form.start_date)
    if day is None:
        errors["start_date"] = "Pick the day it starts." if not form.start_date else "That is not a date."
        return None
    if precision is Precision.MONTH:
        day = day.replace(day=1)
    if precision is not Precision.EXACT:
        return start_of_day(day, tz)
    clock = _parse_time(form.start_time)
    if clock is None:
        errors["start_time"] = "Pick the start time, or set the precision to “Day only”."
        return None
    return _local(datetime.combine(day, clock), tz, "start_time", errors)


def _end(form: FormValues, precision: Precision, tz: str, start: datetime, errors: dict[str, str]) -> datetime | None:
    if precision is Precision.MONTH or not (form.end_date or form.end_time):
        return None
    start_local = start.astimezone(zone(tz))
    day = _parse_date(form.end_date) or start_local.date()
    end: datetime | None
    if precision is Precision.DAY:
        end = start_of_day(add_days(day, 1), tz)
    else:
        clock = _parse_time(form.end_time)
        if clock is None:
            errors["end_time"] = "Pick the end time too, or clear the end date."
            return None
        end = _local(datetime.combine(day, clock), tz, "end_time", errors)
    if end is not None and end <= start:
        errors["end_date" if form.end_date else "end_time"] = "The end is before the start."
        return None
    if end is not None and elapsed(start, end) > MAX_SPAN:
        errors["end_date"] = (
            f"An event can last at most {MAX_SPAN.days} days: enter the stops of a long trip as events of their own."
        )
        return None
    return end


def _local(wall: datetime, tz: str, name: str, errors: dict[str, str]) -> datetime | None:
    when = f"{wall:%H:%M} on {wall:%a} {wall.day} {wall:%b %Y}"
    try:
        return localize(wall, tz).astimezone(UTC)
    except NonexistentTime:
        errors[name] = f"{when} does not exist in {tz}: the clocks go forward an hour that night. Pick another time."
    except AmbiguousTime:
        errors[name] = (
            f"{when} happens twice in {tz}: the clocks go back an hour that night. "
            "Pick a time outside that hour, or the hour after it."
        )
    return None


def _trip(form: FormValues, participants: tuple[str, ...], errors: dict[str, str]) -> tuple[int | None, TripRef | None]:
    choice = form.trip or NO_TRIP
    if choice == NO_TRIP:
        return None, None
    if choice == NEW_TRIP:
        name = form.trip_name.strip()
        principal = form.trip_principal.strip() or (participants[0] if participants else "")
        if not name:
            errors["trip_name"] = "Name the new trip, e.g. “Europe, April 2024”."
        elif len(name) > MAX_LENGTH["trip"]:
            errors["trip_name"] = f"At most {MAX_LENGTH['trip']} characters."
        if not principal:
            errors["trip_principal"] = "Whose trip is it? Name the principal, or list the participants."
        elif len(principal) > MAX_LENGTH["participant"]:
            errors["trip_principal"] = f"At most {MAX_LENGTH['participant']} characters."
        return None, TripRef(principal=principal, name=name) if name and principal else None
    trip_id = parse_count(choice)
    if trip_id is None:
        errors["trip"] = "Pick one of the options."
        return None, None
    return trip_id, None


def _lead_times(raw: tuple[str, ...], errors: dict[str, str]) -> tuple[int, ...] | None:
    if not raw:
        return None
    if NO_REMINDERS in raw:
        return ()
    read = [parse_count(value, maximum=max(LEAD_TIMES)) for value in raw]
    minutes = sorted({m for m in read if m is not None}, reverse=True)
    if None in read or any(m not in LEAD_TIMES for m in minutes):
        errors["lead_times"] = "Pick reminder times from the list."
        return None
    return tuple(minutes)


def _storable(form: FormValues) -> FormValues:
    """Slack sends what the form's inputs hold; a forged or broken client can send anything."""
    cleaned: dict[str, Any] = {
        f.name: storable(value, multiline=f.name in ("notes", "participants"))
        for f in fields(form)
        if isinstance(value := getattr(form, f.name), str)
    }
    return replace(form, **cleaned)
