"""An event as a source describes it, before it is stored: the common shape of imports and forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.vocabulary import Kind, Precision, Status
from domain.zones import add_days, first_of_next_month, later, start_of_day, zone

# An event with a start time but no end counts as under way for this long.
DEFAULT_DURATION = timedelta(hours=1)
# The longest an event may last. Summits and visits last days; a bound lets "what is still
# to come" be an index range on the start time instead of a scan of the whole past.
MAX_SPAN = timedelta(days=62)


@dataclass(frozen=True, slots=True)
class TripRef:
    principal: str
    name: str


# Slots: an import of a year of events holds 100,000 of them.
@dataclass(frozen=True, slots=True)
class EventDraft:
    uid: str
    title: str
    starts_at: datetime
    tz: str
    kind: Kind = Kind.OTHER
    status: Status = Status.TENTATIVE
    precision: Precision = Precision.EXACT
    ends_at: datetime | None = None
    city: str = ""
    country: str = ""
    venue: str = ""
    participants: tuple[str, ...] = field(default_factory=tuple)
    trip: TripRef | None = None
    source_url: str | None = None
    notes: str = ""

    @property
    def finishes_at(self) -> datetime:
        return finishes_at(self.starts_at, self.ends_at, self.precision, self.tz)


def finishes_at(starts_at: datetime, ends_at: datetime | None, precision: Precision, tz: str) -> datetime:
    """When an event is over: its end if known, else the end of what its precision covers.

    "Tuesday, time TBC" lasts until the venue's midnight; "July, date TBC" until August begins.
    """
    if ends_at is not None:
        return ends_at
    if precision is Precision.EXACT:
        return later(starts_at, DEFAULT_DURATION)
    local = starts_at.astimezone(zone(tz)).date()
    following = add_days(local, 1) if precision is Precision.DAY else first_of_next_month(local)
    return start_of_day(following, tz)
