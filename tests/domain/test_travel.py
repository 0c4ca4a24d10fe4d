"""The clash rule: overlaps and impossible travel across zones, days and places."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.places import coordinates
from domain.travel import ClashKind, Whereabouts, clash, distance_km, journey_time, same_place
from domain.vocabulary import Precision
from domain.zones import add_days, first_of_next_month, localize, start_of_day

_ids = iter(range(1, 1000))


def at(
    city: str,
    country: str,
    tz: str,
    start: str,
    end: str | None = None,
    *,
    precision: Precision = Precision.EXACT,
    days: int = 1,
) -> Whereabouts:
    """An event in `city` at local wall time `start` ("2024-04-02 10:00"), or on that day
    (`precision` day, for `days` days) or in that month."""
    if precision is Precision.EXACT:
        starts = localize(datetime.fromisoformat(start), tz).astimezone(UTC)
        ends = localize(datetime.fromisoformat(end), tz).astimezone(UTC) if end else None
        finishes = ends or starts
    else:
        day = date.fromisoformat(start[:10])
        if precision is Precision.MONTH:
            day = day.replace(day=1)
            last = first_of_next_month(day)
        else:
            last = add_days(day, days)
        starts, ends, finishes = start_of_day(day, tz), None, start_of_day(last, tz)
    return Whereabouts(
        id=next(_ids),
        title=f"Meeting in {city}",
        starts_at=starts,
        finishes_at=finishes,
        ends_at=ends,
        precision=precision,
        tz=tz,
        city=city,
        country=country,
        coordinates=coordinates(city, country),
    )


def paris(start: str, end: str | None = None, **kw) -> Whereabouts:
    return at("Paris", "France", "Europe/Paris", start, end, **kw)


def brussels(start: str, end: str | None = None, **kw) -> Whereabouts:
    return at("Brussels", "Belgium", "Europe/Brussels", start, end, **kw)


def washington(start: str, end: str | None = None, **kw) -> Whereabouts:
    return at("Washington", "United States", "America/New_York", start, end, **kw)


def test_paris_and_washington_at_ten_do_not_overlap_but_are_impossible_travel():
    first, second = paris("2024-04-02 10:00", "2024-04-02 11:00"), washington("2024-04-02 10:00", "2024-04-02 11:00")
    assert first.window[1] <= second.window[0]  # 09:00 UTC ends before 14:00 UTC starts
    found = clash(second, first)
    assert found is not None and found.kind is ClashKind.TRAVEL
    assert (found.first, found.second) == (first, second)
    assert 6100 < (found.distance_km or 0) < 6250


def test_paris_and_washington_far_enough_apart_do_not_clash():
    # 11:00 CEST is 05:00 EDT; about 9 h 45 min of journey: 15:00 EDT is reachable, 14:00 is not.
    assert clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), washington("2024-04-02 15:00")) is None
    assert clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), washington("2024-04-02 14:00")) is not None


def test_overlapping_times_in_different_cities_are_an_overlap():
    found = clash(paris("2024-04-02 10:00", "2024-04-02 12:00"), brussels("2024-04-02 11:00"))
    assert found is not None and found.kind is ClashKind.OVERLAP


def test_brussels_at_eleven_after_paris_at_ten_is_impossible_travel():
    found = clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), brussels("2024-04-02 11:00"))
    assert found is not None and found.kind is ClashKind.TRAVEL
    assert 255 < (found.distance_km or 0) < 275
    assert found.journey == journey_time(found.distance_km or 0)
    # About 2 h 20 min: Brussels at 13:20 is reachable from a Paris meeting that ends at 11:00.
    assert clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), brussels("2024-04-02 13:20")) is None
    assert clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), brussels("2024-04-02 13:15")) is not None


def test_an_event_without_an_end_takes_one_hour():
    assert clash(paris("2024-04-02 10:00"), brussels("2024-04-02 13:20")) is None
    assert clash(paris("2024-04-02 10:30"), brussels("2024-04-02 13:20")) is not None


def test_the_journey_is_real_time_across_a_daylight_saving_change():
    # Clocks go forward in Europe at 02:00 on 31 March 2024: 01:00 CET to 04:00 CEST is two real hours.
    before = paris("2024-03-31 00:00", "2024-03-31 01:00")
    assert clash(before, brussels("2024-03-31 04:00")) is not None
    assert clash(before, brussels("2024-03-31 04:30")) is None
    assert distance_km(before.coordinates, brussels("2024-03-31 04:30").coordinates) > 250  # type: ignore[arg-type]


def test_the_same_city_never_clashes():
    assert clash(paris("2024-04-02 10:00", "2024-04-02 12:00"), paris("2024-04-02 11:00")) is None
    # Spelled differently: the same folded city and country.
    other = at("PARIS", "france", "Europe/Paris", "2024-04-02 11:00")
    assert clash(paris("2024-04-02 10:00", "2024-04-02 12:00"), other) is None


def test_a_country_by_code_or_alias_is_that_country():
    # A town the gazetteer does not know: only the names can tell that it is one place.
    uk = at("Little Snoring", "UK", "Europe/London", "2024-04-02 10:00", "2024-04-02 12:00")
    assert uk.coordinates is None
    assert clash(uk, at("Little Snoring", "United Kingdom", "Europe/London", "2024-04-02 11:00")) is None
    assert clash(uk, at("Little Snoring", "GB", "Europe/London", "2024-04-02 11:00")) is None
    elsewhere = clash(uk, at("Little Snoring", "Ireland", "Europe/Dublin", "2024-04-02 11:00"))
    assert elsewhere is not None and elsewhere.kind is ClashKind.OVERLAP


def test_places_closer_than_fifty_km_are_one_place():
    versailles = at("Versailles", "France", "Europe/Paris", "2024-04-02 11:00")
    assert versailles.coordinates is not None
    assert clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), versailles) is None


def test_unknown_places_only_clash_by_overlapping():
    nowhere = at("Somewhere unheard of", "France", "Europe/Paris", "2024-04-02 11:00")
    assert nowhere.coordinates is None
    assert clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), nowhere) is None
    found = clash(paris("2024-04-02 10:00", "2024-04-02 12:00"), nowhere)
    assert found is not None and found.kind is ClashKind.OVERLAP and found.distance_km is None
    empty = at("", "", "Europe/Paris", "2024-04-02 11:00")
    assert clash(paris("2024-04-02 10:00", "2024-04-02 12:00"), empty) is None


def test_a_day_precision_event_beside_a_timed_one_on_its_day_does_not_clash():
    assert clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), brussels("2024-04-02", precision=Precision.DAY)) is None
    assert (
        clash(paris("2024-04-02 10:00", "2024-04-02 11:00"), washington("2024-04-02", precision=Precision.DAY)) is None
    )


def test_two_day_precision_events_on_one_day_far_apart_do_not_clash_when_both_fit():
    assert (
        clash(paris("2024-04-02", precision=Precision.DAY), washington("2024-04-02", precision=Precision.DAY)) is None
    )


def test_a_day_clashes_when_its_whole_day_is_taken():
    # In Washington from 01:00 to 23:30 on 2 April (EDT): no hour of Paris's 2 April is reachable.
    long_day = washington("2024-04-02 01:00", "2024-04-02 23:30")
    found = clash(paris("2024-04-02", precision=Precision.DAY), long_day)
    assert found is not None and found.kind is ClashKind.TRAVEL
    # Days that are wholly taken by an event elsewhere are an overlap whatever the journey.
    assert (
        clash(
            brussels("2024-04-02", precision=Precision.DAY),
            paris("2024-04-01 22:00", "2024-04-03 02:00"),
        ).kind
        is ClashKind.OVERLAP
    )  # type: ignore[union-attr]


def test_month_precision_events_do_not_raise_false_alarms():
    assert clash(paris("2024-04-02", precision=Precision.MONTH), washington("2024-04-02 10:00")) is None
    assert (
        clash(paris("2024-04-02", precision=Precision.MONTH), brussels("2024-04-02", precision=Precision.MONTH)) is None
    )


def test_days_in_their_own_zones():
    # 2 April in Tokyo ends at 15:00 UTC, before Washington's 2 April has got far: a Tokyo day
    # and a Washington meeting at 10:00 EDT (14:00 UTC) do not clash (Tokyo in the morning).
    tokyo = at("Tokyo", "Japan", "Asia/Tokyo", "2024-04-02", precision=Precision.DAY)
    assert clash(tokyo, washington("2024-04-02 10:00")) is None
    # But a Washington meeting from 20:00 EDT on 1 April to noon on 2 April leaves Tokyo's day no room.
    assert clash(tokyo, washington("2024-04-01 20:00", "2024-04-02 12:00")) is not None


def test_near_a_city_is_that_city_so_meetings_there_at_the_same_hour_are_no_journey():
    # The sample's KNDS visit is "near Paris": the itinerary puts it on the Paris leg, and the
    # distance from a meeting in Paris is nil, not unknown.
    near = at("near Paris", "France", "Europe/Paris", "2024-04-02 15:00", "2024-04-02 16:30")
    assert near.coordinates == coordinates("Paris", "France")
    assert same_place(paris("2024-04-02 15:00", "2024-04-02 16:00"), near)
    assert clash(paris("2024-04-02 15:00", "2024-04-02 16:00"), near) is None
    assert clash(brussels("2024-04-02 15:00", "2024-04-02 16:00"), near) is not None
