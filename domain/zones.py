"""IANA time zones: validated lookups, venue-local wall-clock conversion, and the only place
where durations are added to instants.

In Python, `aware + timedelta` adds wall-clock time in the datetime's own zone and ignores
the fold, so across a daylight-saving change it is an hour off. Every "instant plus duration"
and every "local day boundary" therefore goes through the helpers below, which compute in
UTC and convert for display only (`tests/domain/test_time_arithmetic.py` keeps it that way).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class ZoneError(ValueError):
    """Not an IANA time zone name."""


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """Return the zone called `name`; raise ZoneError for anything that is not an IANA name."""
    # ZoneInfo accepts relative paths and odd spellings that are not real zone names.
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise ZoneError(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        raise ZoneError(name) from None


@lru_cache(maxsize=1)
def all_zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def start_of_day(day: date, tz: ZoneInfo | str) -> datetime:
    """The first instant of `day` on the clocks of `tz` (a zone or its name), in UTC.

    Built from the calendar date, never by adding 24 hours to the day before, so that the 23-
    and 25-hour days of a daylight-saving change come out right. Where the clocks jump over
    midnight itself (America/Santiago, Asia/Beirut, America/Havana), the day starts at the
    first wall time that exists: fold=0 reads a time in the gap with the offset from before
    the jump, which is the instant of the jump. Where midnight happens twice, fold=0 is the
    first of the two.
    """
    venue = zone(tz) if isinstance(tz, str) else tz
    return datetime(day.year, day.month, day.day, tzinfo=venue).astimezone(UTC)


def to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: attach the venue's zone first")
    return moment.astimezone(UTC)


class NonexistentTime(ValueError):
    """The wall-clock time falls in a daylight-saving gap (clocks jump over it)."""


class AmbiguousTime(ValueError):
    """The wall-clock time happens twice (clocks go back over it)."""


def localize(wall: datetime, tz: str) -> datetime:
    """`wall` (naive, venue-local) as an aware instant in `tz`, refusing gap and overlap times.

    zoneinfo would silently pick one reading; a schedule must not guess which 02:30 was meant.
    """
    venue = zone(tz)
    first = wall.replace(tzinfo=venue, fold=0)
    second = wall.replace(tzinfo=venue, fold=1)
    if first.utcoffset() != second.utcoffset():
        # In a gap both readings round-trip to other wall times; in an overlap both are real.
        if first.astimezone(UTC).astimezone(venue).replace(tzinfo=None) != wall:
            raise NonexistentTime(wall)
        raise AmbiguousTime(wall)
    return first


def later(instant: datetime, duration: timedelta) -> datetime:
    """The instant `duration` of real time after `instant`, in UTC."""
    return to_utc(instant) + duration


def earlier(instant: datetime, duration: timedelta) -> datetime:
    """The instant `duration` of real time before `instant`, in UTC (a reminder's due time)."""
    return to_utc(instant) - duration


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two instants. (Subtracting two datetimes that share a tzinfo gives
    their wall-clock difference instead.)"""
    return to_utc(end) - to_utc(start)


def add_days(day: date, days: int) -> date:
    """Calendar arithmetic on dates, which have no time of day to shift."""
    return day + timedelta(days=days)


def first_of_next_month(day: date) -> date:
    return add_days(day.replace(day=28), 4).replace(day=1)


def nominal_end(start: datetime, duration: timedelta) -> datetime:
    """RFC 5545's reading of a DURATION after a zoned start: whole days are calendar days
    (P1D keeps the wall time across a change), the rest is exact time (PT1H is one real hour).

    `start` is aware in the venue's zone. A duration given as PT24H arrives as one day too,
    since the iCalendar library normalises it; it is then read as a calendar day.
    """
    days = timedelta(days=duration.days)
    wall = start.replace(tzinfo=None) + days
    moved = wall.replace(tzinfo=start.tzinfo, fold=start.fold) if days else start
    return later(moved, duration - days)


def offset_change(origin: str, destination: str, at: datetime) -> timedelta:
    """How far the clocks of `destination` are ahead of those of `origin` at the instant `at`
    (negative when behind): read from both zones' offsets at that moment, so that a journey
    across a daylight-saving change or the date line gets the difference that holds then."""
    instant = to_utc(at)
    there, here = instant.astimezone(zone(destination)).utcoffset(), instant.astimezone(zone(origin)).utcoffset()
    assert there is not None and here is not None, "a ZoneInfo always has an offset"
    return there - here


def whole_days_between(after: datetime, before: datetime, tz: str) -> tuple[date, date] | None:
    """The first and last of the local days of `tz` that lie wholly between the instants
    `after` and `before` (None when there is none): the days a schedule says nothing about."""
    first = to_utc(after).astimezone(zone(tz)).date()
    if start_of_day(first, tz) < to_utc(after):
        first = add_days(first, 1)
    # The day `before` falls on is not wholly before it; the one before it ends at its midnight.
    last = add_days(to_utc(before).astimezone(zone(tz)).date(), -1)
    return (first, last) if first <= last else None
