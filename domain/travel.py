"""Whether one person can be at two events: clashes and impossible travel.

Each event is read as a window it must fit in and the least time it takes:

- an event with a time (`exact`) is its own window, from its start to its end; with no end it
  takes one hour (as everywhere in TripDesk: docs/time.md);
- an event known to the day or month may happen at any moment of its local days (its own
  zone's midnight to midnight, `finishes_at` for the end), and takes at least one hour.

Two events of one person in different places clash when there is no way to fit both in
their windows with the journey between them, in either order: the first must end, and the
journey be made, before the latest moment the second can start. The journey takes the
great-circle distance at 800 km/h plus two hours on the ground. A clash that no journey at
all would solve is an **overlap**; one that only the journey makes impossible is
**impossible travel**.

So two events with times that overlap in Paris and Washington are an overlap; Paris 10:00 and
Washington 10:00 on one day (six hours apart) do not overlap but are impossible travel. An
event known only to the day clashes only when its whole day(s) leave no hour for it: a
Brussels meeting "on 2 April" beside a Paris meeting at 10:00 that day does not clash (the
afternoon is free), nor two meetings known to the same day in Paris and Washington (a morning
in Paris, an evening in Washington). Month precision practically never clashes.

Never a clash: events in the same place (the same folded city — "near Paris" is Paris — and
country, compared by code when the gazetteer knows it: "UK" is the United Kingdom; or venues
less than 50 km apart), or an event without a city. With a city that the gazetteer does not
know, the distance is unknown: only an overlap counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from haversine import haversine

from domain.places import Coordinates, country_code, place_key
from domain.search import fold
from domain.vocabulary import Precision
from domain.zones import earlier, elapsed, later

SPEED_KMH = 800.0
ON_THE_GROUND = timedelta(hours=2)
# Venues this close are one place: a suburb, an airport, a palace outside the city.
SAME_PLACE_KM = 50.0
# The least an event takes: its length when it has no end, or when only its day is known.
LEAST = timedelta(hours=1)
# How far apart two events can be and still be compared: no journey takes longer.
REACH = timedelta(days=3)


# A batch's events name the same people and cities again and again.
_folded = lru_cache(maxsize=16384)(fold)
_place = lru_cache(maxsize=16384)(place_key)


class ClashKind(StrEnum):
    OVERLAP = "overlap"
    TRAVEL = "travel"


@dataclass(frozen=True)
class Whereabouts:
    """What the rule reads of an event: when (UTC instants), how precisely, and where."""

    id: int
    title: str
    starts_at: datetime
    # The end for an exact event (None: no end); the end of its last day or month otherwise.
    finishes_at: datetime
    ends_at: datetime | None
    precision: Precision
    tz: str
    city: str
    country: str
    coordinates: Coordinates | None

    @property
    def window(self) -> tuple[datetime, datetime]:
        if self.precision is Precision.EXACT:
            return self.starts_at, self.ends_at or later(self.starts_at, LEAST)
        return self.starts_at, self.finishes_at

    @property
    def least(self) -> timedelta:
        if self.precision is Precision.EXACT:
            start, end = self.window
            return max(elapsed(start, end), timedelta(0))
        return LEAST


@dataclass(frozen=True)
class Clash:
    kind: ClashKind
    # The one that starts first, and the other.
    first: Whereabouts
    second: Whereabouts
    # Great-circle kilometres between the two cities, when both are known.
    distance_km: float | None
    # The journey's time: distance at SPEED_KMH plus ON_THE_GROUND (zero when unknown).
    journey: timedelta


@dataclass(frozen=True)
class PersonClash:
    """A clash between two events of the same people (their names as written)."""

    clash: Clash
    people: tuple[str, ...]

    @property
    def pair(self) -> tuple[int, int]:
        a, b = self.clash.first.id, self.clash.second.id
        return (a, b) if a < b else (b, a)


def journey_time(distance_km: float) -> timedelta:
    return timedelta(hours=distance_km / SPEED_KMH) + ON_THE_GROUND


def distance_km(a: Coordinates, b: Coordinates) -> float:
    return float(haversine((a.latitude, a.longitude), (b.latitude, b.longitude)))


@lru_cache(maxsize=16384)
def _place_of(city: str, country: str) -> tuple[str, str]:
    return _place(city), country_code(country) or _folded(country)


def place_of(where: Whereabouts) -> tuple[str, str]:
    """The place an event is at, as compared: its folded city ("near Paris" is Paris) and its
    country's code, or the folded name of a country the gazetteer does not know ("UK" and
    "United Kingdom" are one country). Events at one place never clash."""
    return _place_of(where.city, where.country)


def same_place(a: Whereabouts, b: Whereabouts) -> bool:
    if place_of(a) == place_of(b):
        return True
    return (
        a.coordinates is not None
        and b.coordinates is not None
        and distance_km(a.coordinates, b.coordinates) < SAME_PLACE_KM
    )


def clash(a: Whereabouts, b: Whereabouts) -> Clash | None:
    """How `a` and `b` clash for someone at both, or None when one person can be at both."""
    if a.id == b.id or not a.city.strip() or not b.city.strip() or same_place(a, b):
        return None
    first, second = (a, b) if (a.starts_at, a.id) <= (b.starts_at, b.id) else (b, a)
    if _fits(first, second, timedelta(0)) or _fits(second, first, timedelta(0)):
        if a.coordinates is None or b.coordinates is None:
            return None
        distance = distance_km(a.coordinates, b.coordinates)
        journey = journey_time(distance)
        if _fits(first, second, journey) or _fits(second, first, journey):
            return None
        return Clash(ClashKind.TRAVEL, first, second, distance, journey)
    distance_or_none = distance_km(a.coordinates, b.coordinates) if a.coordinates and b.coordinates else None
    return Clash(ClashKind.OVERLAP, first, second, distance_or_none, timedelta(0))


def _fits(before: Whereabouts, after: Whereabouts, journey: timedelta) -> bool:
    """Whether `before` can take place, and the journey be made, before `after` must start:
    `before` as early and `after` as late as their windows allow."""
    earliest_end = later(before.window[0], before.least)
    latest_start = earlier(after.window[1], after.least)
    return later(earliest_end, journey) <= latest_start


def detail(found: Clash, *, for_id: int) -> str:
    """The clash from one event's side, for its card: "impossible travel from Paris, 264 km"."""
    other = found.first if found.second.id == for_id else found.second
    if found.kind is ClashKind.OVERLAP:
        return f"at the same time, in {other.city}"
    direction = "from" if other is found.first else "to"
    return f"impossible travel {direction} {other.city}, {found.distance_km or 0:,.0f} km"


def people(principal: str | None, participants: list[str] | tuple[str, ...]) -> dict[str, str]:
    """An event's people by folded name (the trip's principal and each participant), each with
    the name as written."""
    named: dict[str, str] = {}
    for name in (principal, *participants):
        if name and (key := _folded(name)):
            named.setdefault(key, name)
    return named
