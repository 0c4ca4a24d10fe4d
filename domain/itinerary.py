"""A principal's itinerary: their events as legs, one city after another, with the change of
time zone between legs and the days the schedule says nothing about.

Built from plain event records (anything with the fields of `Stop`), so that the rules can be
read and tested without Slack or a database:

- Events are taken in start order. Consecutive events in the same city (and country) make one
  leg; an event without a city stays in the leg it follows when its zone and country agree,
  since it does not say the principal moved. "near Paris" is Paris.
- Cancelled and postponed events are not stops: they make no leg and no change of zone, and
  are listed apart, so that a dropped Berlin stop does not read as a journey to Berlin.
- The change of zone between two legs is the difference between the two zones' UTC offsets at
  the start of the next leg, when the principal is there: computed from the zones (never from
  fixed offsets), so that daylight-saving changes and the date line come out as they are then.
- A gap is a run of whole local days with nothing on the schedule: inside a leg, on the leg's
  clocks; between two legs, days wholly empty on either leg's clocks, after the first leg's last
  date and before the next leg's first, so that crossing the date line neither invents a day
  nor loses one.
- Precision stays honest: a leg known only to the day says so, and one known only to the month
  shows its month, never a date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from domain.drafts import finishes_at
from domain.places import place_key
from domain.records import ScheduledEvent
from domain.search import fold, words
from domain.vocabulary import Precision, Status
from domain.zones import earlier, offset_change, to_utc, whole_days_between, zone

_MICROSECOND = timedelta(microseconds=1)
MINUS = "\u2212"


class Stop(Protocol):
    """What an itinerary reads of an event."""

    @property
    def title(self) -> str: ...
    @property
    def status(self) -> Status: ...
    @property
    def precision(self) -> Precision: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime | None: ...
    @property
    def tz(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def country(self) -> str: ...


# Covariant: an itinerary of rows is an itinerary of records (the dataclasses are frozen).
E = TypeVar("E", bound=Stop, covariant=True)
S = TypeVar("S", bound=Stop)


@dataclass(frozen=True)
class Gap:
    """Whole local days with nothing on the schedule, first and last."""

    first: date
    last: date


@dataclass(frozen=True)
class Leg(Generic[E]):
    """Consecutive events in one city. `gaps[i]` is the empty run before `events[i]` (None:
    none); the first is always None."""

    city: str
    country: str
    tz: str
    events: tuple[E, ...]
    gaps: tuple[Gap | None, ...]
    first_day: date
    last_day: date
    # The finest precision among the leg's events: DAY means no time of any of them is known.
    precision: Precision

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.country) if part) or "Place not given"

    @property
    def label(self) -> str:
        """The leg in one word or two, for a move: "Paris"."""
        return self.city or self.country or "Place not given"

    @property
    def months(self) -> tuple[date, date]:
        """The first day of the first and of the last month: a month-precision leg shows these."""
        return self.first_day.replace(day=1), self.last_day.replace(day=1)


@dataclass(frozen=True)
class Move:
    """From one leg to the next: the destination's clocks are `change` ahead (negative:
    behind) at `at`, the start of the next leg."""

    origin: str
    destination: str
    change: timedelta
    at: datetime
    # Days with nothing on the schedule between the two legs.
    gap: Gap | None


@dataclass(frozen=True)
class Itinerary(Generic[E]):
    legs: tuple[Leg[E], ...]
    # `moves[i]` goes from `legs[i]` to `legs[i + 1]`.
    moves: tuple[Move, ...]
    # Cancelled and postponed events, in start order: not stops, shown apart.
    off: tuple[E, ...]

    @property
    def events(self) -> int:
        return sum(len(leg.events) for leg in self.legs)


def build_itinerary(events: Iterable[S]) -> Itinerary[S]:
    """The itinerary of `events` (any order): legs, the moves between them, and the events
    that are off."""
    ordered = sorted(events, key=lambda e: to_utc(e.starts_at))
    stops = [e for e in ordered if e.status.live]
    off = tuple(e for e in ordered if not e.status.live)
    groups: list[list[S]] = []
    for event in stops:
        if groups and _same_place(groups[-1], event):
            groups[-1].append(event)
        else:
            groups.append([event])
    legs = tuple(_leg(group) for group in groups)
    moves = tuple(_move(before, after) for before, after in zip(legs, legs[1:], strict=False))
    return Itinerary(legs=legs, moves=moves, off=off)


def _same_place(group: Sequence[Stop], event: Stop) -> bool:
    city = place_key(event.city)
    country = fold(event.country)
    cities = {c for c in (place_key(e.city) for e in group) if c}
    countries = {c for c in (fold(e.country) for e in group) if c}
    if country and countries and country not in countries:
        return False
    if city and cities:
        return city in cities
    # Either side has no city: nothing says the principal moved if the clocks are the same.
    return event.tz == group[-1].tz


def last_day(event: Stop) -> date:
    """The venue's last date the event is on (an end at midnight belongs to the day before)."""
    finish = finishes_at(event.starts_at, event.ends_at, event.precision, event.tz)
    start = first_day(event)
    if to_utc(finish) <= to_utc(event.starts_at):
        return start
    return max(start, earlier(finish, _MICROSECOND).astimezone(zone(event.tz)).date())


def first_day(event: Stop) -> date:
    return event.starts_at.astimezone(zone(event.tz)).date()


def _finish(event: Stop) -> datetime:
    return to_utc(finishes_at(event.starts_at, event.ends_at, event.precision, event.tz))


def _leg(events: list[S]) -> Leg[S]:
    # Shown as the plain name when one event gives it ("Paris" rather than "near Paris").
    cities = [e.city for e in events if e.city]
    plain = [c for c in cities if place_key(c) == fold(c)]
    city = (plain or cities or [""])[0]
    country = next((e.country for e in events if e.country), "")
    gaps: list[Gap | None] = [None]
    covered = _finish(events[0])
    for event in events[1:]:
        found = whole_days_between(covered, event.starts_at, event.tz) if to_utc(event.starts_at) > covered else None
        gaps.append(Gap(*found) if found else None)
        covered = max(covered, _finish(event))
    precision = min((e.precision for e in events), key=_FINENESS.index)
    # An event known only to its month would stretch the leg to the 1st and the 31st: the
    # dates come from the events whose day is known, when there are any.
    dated = [e for e in events if e.precision is not Precision.MONTH] or events
    return Leg(
        city=city,
        country=country,
        tz=events[0].tz,
        events=tuple(events),
        gaps=tuple(gaps),
        first_day=min(first_day(e) for e in dated),
        last_day=max(last_day(e) for e in dated),
        precision=precision,
    )


_FINENESS = [Precision.EXACT, Precision.DAY, Precision.MONTH]


def _move(before: Leg, after: Leg) -> Move:
    arrival = to_utc(after.events[0].starts_at)
    origin, destination = before.events[-1].tz, after.events[0].tz
    departure = max(_finish(e) for e in before.events)
    days: set[date] = set()
    if arrival > departure:
        for tz in (origin, destination):
            found = whole_days_between(departure, arrival, tz)
            if found:
                days.update(_dates(*found))
    # Between the two legs' own dates, each read on its own clocks.
    inside = sorted(d for d in days if before.last_day < d < after.first_day)
    return Move(
        origin=before.label,
        destination=after.label,
        change=offset_change(origin, destination, arrival),
        at=arrival,
        gap=Gap(inside[0], inside[-1]) if inside else None,
    )


def _dates(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def change_text(change: timedelta) -> str:
    """ "same zone", "+1 h", "−6 h", "−5 h 30 min", "+45 min" (with a real minus sign)."""
    minutes = int(change.total_seconds() // 60)
    if minutes == 0:
        return "same zone"
    sign = "+" if minutes > 0 else MINUS
    hours, rest = divmod(abs(minutes), 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{rest} min"] if rest else [])
    return f"{sign}{' '.join(parts)}"


# -- whose itinerary ------------------------------------------------------------------------


def names_of(event: ScheduledEvent) -> list[str]:
    """The people an event is about: its trip's principal, then its participants."""
    names = [event.trip.principal] if event.trip is not None else []
    return names + [p.name for p in event.participants]


def name_matches(query: Sequence[str], name: str) -> bool:
    own = words(name)
    return bool(query) and all(any(w.startswith(q) for w in own) for q in query)


def people_matching(query: Sequence[str], events: Iterable[ScheduledEvent]) -> list[str]:
    """The people among `events` whose name has every query word as the start of one of its
    words, as `/trip` search matches ("blinken" finds Antony Blinken), most often named first.

    One person may be named more or less fully: a bare "Blinken" (a part of the name with the
    surname) is counted with "Antony Blinken", not as someone else.
    """
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for event in events:
        for name in names_of(event):
            if name_matches(query, name):
                key = fold(name)
                counts[key] = counts.get(key, 0) + 1
                # A trip's principal comes first among names_of, so its spelling is kept.
                spelling.setdefault(key, name.strip())
    people = [key for key in counts if not _part_of_another(key, counts)]
    people.sort(key=lambda key: (-counts[key], key))
    return [spelling[key] for key in people]


def one_person(names: Sequence[str]) -> str | None:
    """The person all of `names` are, in the fullest spelling ("Joe Biden" for "Biden" and "Joe
    Biden"), or None when they are several people (or none)."""
    keys = {fold(name): name.strip() for name in names}
    people = [key for key in keys if not _part_of_another(key, keys)]
    return keys[people[0]] if len(people) == 1 else None


def _part_of_another(key: str, keys: Iterable[str]) -> bool:
    return any(other != key and _names(key, other) for other in keys)


def _names(short: str, full: str) -> bool:
    """Whether the folded name `short` names the person `full`: some of their words, with the
    last (the surname), so that "blinken" is Antony Blinken but "antony" alone is not."""
    own, theirs = short.split(), full.split()
    return bool(own) and own[-1] == theirs[-1] and set(own) <= set(theirs)


def concerns_as_principal(event: ScheduledEvent, person: str) -> bool:
    """Whether `event` belongs to a trip of `person`."""
    return event.trip is not None and _names(fold(event.trip.principal), fold(person))


def concerns(event: ScheduledEvent, person: str) -> bool:
    """Whether `event` is about `person`: named in full, or by their surname."""
    wanted = fold(person)
    return bool(wanted) and any(_names(fold(name), wanted) for name in names_of(event))


def exact_person(query: str, people: Sequence[str]) -> str | None:
    """The one of `people` whose whole name the query is ("joe biden" among Joe Biden and Joe
    Biden Jr.), or the only one; None when the query leaves a choice."""
    if len(people) == 1:
        return people[0]
    return next((p for p in people if fold(p) == fold(query)), None)


class Found(StrEnum):
    UPCOMING = "upcoming"
    # Nothing to come: the most recent trip (or event) instead.
    PAST = "past"
    # The query names several people: the reader must say which.
    SEVERAL = "several"
    NO_ONE = "no_one"


@dataclass(frozen=True)
class PersonItinerary(Generic[E]):
    """What `/trip itinerary <query>` found."""

    query: str
    found: Found
    person: str = ""
    itinerary: Itinerary[E] | None = None
    # For PAST: the trip shown ("Paris and Brussels, April 2024"), or "" for a lone event.
    trip: str = ""
    # For SEVERAL: who the query could be.
    people: tuple[str, ...] = ()
    # More events matched the query than were read: the itinerary stops early.
    cut_short: bool = False
    # For NO_ONE: names close to the query.
    suggestions: tuple[str, ...] = field(default_factory=tuple)
