"""How an event's time reads in words, at the venue: "Tue 2 Apr 2024, 10:00–11:00 CEST"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from domain.vocabulary import Precision
from domain.zones import earlier, to_utc, zone


@lru_cache(maxsize=4096)
def day_text(day: date, with_year: bool = True) -> str:
    """ "Tue 2 Apr 2024". Cached: a schedule's events fall on far fewer days than there are
    events, and the feed writes them all at once."""
    text = f"{day:%a} {day.day} {day:%b}"
    return f"{text} {day.year}" if with_year else text


def venue_time_text(*, starts_at: datetime, ends_at: datetime | None, precision: Precision, tz: str) -> str:
    """The event's time as it reads at the venue.

    "Tue 2 Apr 2024, 10:00–11:00 CEST", "Wed 3 – Thu 4 Apr 2024, time TBC", "July 2024, date TBC".
    """
    venue = zone(tz)
    start = starts_at.astimezone(venue)
    end = ends_at.astimezone(venue) if ends_at is not None else None
    if precision is Precision.MONTH:
        return f"{start:%B %Y}, date TBC"
    if precision is Precision.DAY:
        # The end is the exclusive start of the day after the last one.
        last_day = earlier(ends_at, timedelta(microseconds=1)).astimezone(venue).date() if ends_at else start.date()
        return f"{day_range(start.date(), last_day)}, time TBC"
    # Instants compared in UTC: two wall times in one zone compare by the clock's face.
    if end is None or to_utc(end) == to_utc(start):
        return f"{day_text(start.date())}, {start:%H:%M} {start:%Z}"
    # Each end keeps its own offset's name when the clocks change in between, so a night when
    # New York falls back reads "01:30 EDT – 01:30 EST", never one label for both.
    changes = start.utcoffset() != end.utcoffset()
    opening = f"{start:%H:%M} {start:%Z}" if changes else f"{start:%H:%M}"
    if end.date() == start.date():
        joint = " – " if changes else "–"
        return f"{day_text(start.date())}, {opening}{joint}{end:%H:%M} {end:%Z}"
    return f"{day_text(start.date(), with_year=False)} {opening} – {day_text(end.date())} {end:%H:%M} {end:%Z}"


def day_range(first: date, last: date) -> str:
    """ "Wed 3 – Fri 5 Apr 2024", "Tue 2 Apr 2024" for one day."""
    if last <= first:
        return day_text(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%a} {first.day} – {day_text(last)}"
    return f"{day_text(first, with_year=first.year != last.year)} – {day_text(last)}"


def local_day(instant: datetime, tz: str) -> date:
    return instant.astimezone(zone(tz)).date()


def reader_time_text(*, starts_at: datetime, precision: Precision, tz: str) -> str | None:
    """The start on a reader's clock in zone `tz` ("Tue 2 Apr 2024, 04:00 EDT"), for plain text
    that cannot carry Slack's <!date> token; None when only the day or month is known, since a
    day is the venue's day."""
    if precision is not Precision.EXACT:
        return None
    start = starts_at.astimezone(zone(tz))
    return f"{day_text(start.date())}, {start:%H:%M} {start:%Z}"
