"""IANA time zones: validated lookups and venue-local wall-clock conversion."""

from __future__ import annotations

from datetime import UTC, date, datetime
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


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of `day` on the clocks of `tz`, in UTC.

    Built from the calendar date, never by adding 24 hours to the day before, so that the 23-
    and 25-hour days of a daylight-saving change come out right. Where the clocks jump over
    midnight itself (America/Santiago, Asia/Beirut, America/Havana), the day starts at the
    first wall time that exists: fold=0 reads a time in the gap with the offset from before
    the jump, which is the instant of the jump. Where midnight happens twice, fold=0 is the
    first of the two.
    """
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


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
