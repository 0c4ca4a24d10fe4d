"""IANA time zones: validated lookups and venue-local wall-clock conversion."""

from __future__ import annotations

from datetime import UTC, datetime
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


def to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: attach the venue's zone first")
    return moment.astimezone(UTC)
