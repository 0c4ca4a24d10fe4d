from datetime import UTC, datetime, timedelta

from domain.drafts import finishes_at
from domain.vocabulary import Precision
from domain.zones import zone

PARIS = "Europe/Paris"


def test_exact_time_without_end_lasts_an_hour():
    start = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
    assert finishes_at(start, None, Precision.EXACT, PARIS) == start + timedelta(hours=1)


def test_day_precision_ends_at_the_venue_midnight_on_a_dst_day():
    # Sunday 31 March 2024: Paris springs forward, the day has 23 hours.
    start = datetime(2024, 3, 31, tzinfo=zone(PARIS))
    end = finishes_at(start.astimezone(UTC), None, Precision.DAY, PARIS)
    assert end == datetime(2024, 3, 31, 22, 0, tzinfo=UTC)
    assert end - start.astimezone(UTC) == timedelta(hours=23)


def test_day_precision_on_the_autumn_change_has_25_hours():
    start = datetime(2024, 10, 27, tzinfo=zone(PARIS))
    end = finishes_at(start.astimezone(UTC), None, Precision.DAY, PARIS)
    assert end - start.astimezone(UTC) == timedelta(hours=25)


def test_month_precision_runs_to_the_next_month():
    start = datetime(2024, 7, 1, tzinfo=zone("America/New_York")).astimezone(UTC)
    assert finishes_at(start, None, Precision.MONTH, "America/New_York") == datetime(2024, 8, 1, 4, 0, tzinfo=UTC)
    december = datetime(2024, 12, 1, tzinfo=zone(PARIS)).astimezone(UTC)
    assert finishes_at(december, None, Precision.MONTH, PARIS) == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)


def test_an_explicit_end_wins():
    start = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
    end = datetime(2024, 4, 2, 12, 0, tzinfo=UTC)
    assert finishes_at(start, end, Precision.DAY, PARIS) == end
