"""The start of a local day, on the days the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.zones import start_of_day, zone


def day_length(day: date, tz: str) -> timedelta:
    return start_of_day(day + timedelta(days=1), zone(tz)) - start_of_day(day, zone(tz))


def test_an_ordinary_day_starts_at_local_midnight():
    assert start_of_day(date(2024, 4, 2), zone("Europe/Paris")) == datetime(2024, 4, 1, 22, 0, tzinfo=UTC)
    assert day_length(date(2024, 4, 2), "Europe/Paris") == timedelta(hours=24)


def test_a_23_hour_and_a_25_hour_day():
    # Paris: 02:00 → 03:00 on 31 March 2024, 03:00 → 02:00 on 27 October 2024.
    assert start_of_day(date(2024, 3, 31), zone("Europe/Paris")) == datetime(2024, 3, 30, 23, 0, tzinfo=UTC)
    assert day_length(date(2024, 3, 31), "Europe/Paris") == timedelta(hours=23)
    assert start_of_day(date(2024, 10, 27), zone("Europe/Paris")) == datetime(2024, 10, 26, 22, 0, tzinfo=UTC)
    assert day_length(date(2024, 10, 27), "Europe/Paris") == timedelta(hours=25)


def test_where_midnight_does_not_exist_the_day_starts_at_the_first_instant_that_does():
    # The clocks jump from 00:00 to 01:00: the day's first wall time is 01:00.
    for day, tz, first in (
        (date(2024, 9, 8), "America/Santiago", datetime(2024, 9, 8, 4, 0, tzinfo=UTC)),
        (date(2024, 3, 31), "Asia/Beirut", datetime(2024, 3, 30, 22, 0, tzinfo=UTC)),
        (date(2024, 3, 10), "America/Havana", datetime(2024, 3, 10, 5, 0, tzinfo=UTC)),
    ):
        start = start_of_day(day, zone(tz))
        assert start == first, tz
        local = start.astimezone(zone(tz))
        assert (local.date(), local.hour, local.minute) == (day, 1, 0), tz
        assert (start - timedelta(seconds=1)).astimezone(zone(tz)).date() == day - timedelta(days=1), tz
        assert day_length(day, tz) == timedelta(hours=23), tz


def test_where_midnight_happens_twice_the_day_starts_at_the_first():
    # Havana, 3 November 2024: 01:00 CDT → 00:00 CST, so 00:00–01:00 happens twice.
    start = start_of_day(date(2024, 11, 3), zone("America/Havana"))
    assert start == datetime(2024, 11, 3, 4, 0, tzinfo=UTC)
    assert (start - timedelta(seconds=1)).astimezone(zone("America/Havana")).date() == date(2024, 11, 2)
    assert day_length(date(2024, 11, 3), "America/Havana") == timedelta(hours=25)
