"""Itineraries from plain events: legs, zone changes at the moment of travel (across
daylight-saving changes and the date line), empty days, precision, who a query names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.commands import Invalid, Itinerary, parse_command
from domain.itinerary import (
    Gap,
    build_itinerary,
    change_text,
    concerns,
    exact_person,
    people_matching,
)
from domain.vocabulary import Precision, Status
from domain.zones import offset_change, whole_days_between, zone


@dataclass(frozen=True)
class Stop:
    title: str
    starts_at: datetime
    tz: str
    city: str
    country: str = ""
    ends_at: datetime | None = None
    status: Status = Status.CONFIRMED
    precision: Precision = Precision.EXACT


def at(tz: str, *wall: int) -> datetime:
    """A venue's wall time as a UTC instant."""
    return datetime(*wall, tzinfo=zone(tz)).astimezone(UTC)  # type: ignore[misc]


def meeting(city: str, tz: str, *wall: int, hours: int = 1, **fields) -> Stop:
    start = at(tz, *wall)
    return Stop(f"Meeting in {city}", start, tz, city, ends_at=start + timedelta(hours=hours), **fields)


def days(city: str, tz: str, first: date, last: date, **fields) -> Stop:
    """An event known to the day, from `first` to `last` (the end: the next day's midnight)."""
    start = at(tz, first.year, first.month, first.day)
    after = last + timedelta(days=1)
    return Stop(
        f"{city} talks",
        start,
        tz,
        city,
        ends_at=at(tz, after.year, after.month, after.day),
        precision=Precision.DAY,
        **fields,
    )


PARIS, BRUSSELS, WASHINGTON = "Europe/Paris", "Europe/Brussels", "America/New_York"


def sample_trip() -> list[Stop]:
    return [
        meeting("Paris", PARIS, 2024, 4, 2, 10, country="France"),
        meeting("near Paris", PARIS, 2024, 4, 2, 15, country="France", status=Status.TENTATIVE),
        meeting("Paris", PARIS, 2024, 4, 2, 17, country="France"),
        days("Brussels", BRUSSELS, date(2024, 4, 3), date(2024, 4, 4), country="Belgium"),
        days("Brussels", BRUSSELS, date(2024, 4, 5), date(2024, 4, 5), country="Belgium"),
        days("Washington", WASHINGTON, date(2024, 7, 9), date(2024, 7, 11), country="United States"),
    ]


def test_the_sample_trip_is_paris_brussels_washington():
    itinerary = build_itinerary(reversed(sample_trip()))
    assert [leg.place for leg in itinerary.legs] == ["Paris, France", "Brussels, Belgium", "Washington, United States"]
    assert [len(leg.events) for leg in itinerary.legs] == [3, 2, 1]
    assert [(m.origin, m.destination, change_text(m.change)) for m in itinerary.moves] == [
        ("Paris", "Brussels", "same zone"),
        ("Brussels", "Washington", "\u22126 h"),
    ]
    paris, brussels, washington = itinerary.legs
    assert (paris.first_day, paris.last_day, paris.precision) == (date(2024, 4, 2), date(2024, 4, 2), Precision.EXACT)
    assert (brussels.first_day, brussels.last_day, brussels.precision) == (
        date(2024, 4, 3),
        date(2024, 4, 5),
        Precision.DAY,
    )
    assert itinerary.moves[0].gap is None
    assert itinerary.moves[1].gap == Gap(date(2024, 4, 6), date(2024, 7, 8))
    assert washington.last_day == date(2024, 7, 11)


def test_near_a_city_is_the_city_and_an_event_without_a_city_does_not_move_anyone():
    itinerary = build_itinerary(
        [
            meeting("near Paris", PARIS, 2024, 4, 2, 9),
            meeting("Paris", PARIS, 2024, 4, 2, 11),
            meeting("", PARIS, 2024, 4, 2, 14),
            meeting("Lyon", PARIS, 2024, 4, 2, 18),
        ]
    )
    assert [leg.city for leg in itinerary.legs] == ["Paris", "Lyon"]
    assert len(itinerary.legs[0].events) == 3


def test_the_same_city_in_another_country_is_another_leg():
    itinerary = build_itinerary(
        [
            meeting("Paris", PARIS, 2024, 4, 2, 9, country="France"),
            meeting("Paris", "America/Chicago", 2024, 4, 4, 9, country="United States"),
        ]
    )
    assert len(itinerary.legs) == 2
    assert change_text(itinerary.moves[0].change) == "\u22127 h"


def test_cancelled_and_postponed_events_are_no_stops():
    berlin = meeting("Berlin", "Europe/Berlin", 2024, 4, 3, 10, status=Status.CANCELLED)
    rome = meeting("Rome", "Europe/Rome", 2024, 4, 4, 10, status=Status.POSTPONED)
    itinerary = build_itinerary(
        [meeting("Paris", PARIS, 2024, 4, 2, 10), berlin, rome, meeting("Paris", PARIS, 2024, 4, 5, 10)]
    )
    assert [leg.city for leg in itinerary.legs] == ["Paris"]
    assert itinerary.moves == ()
    assert itinerary.off == (berlin, rome)
    # The schedule says nothing of 3 and 4 April once Berlin and Rome are off.
    assert itinerary.legs[0].gaps == (None, Gap(date(2024, 4, 3), date(2024, 4, 4)))


def test_a_gap_inside_a_leg_counts_whole_local_days():
    itinerary = build_itinerary(
        [
            meeting("Paris", PARIS, 2024, 4, 2, 22, hours=3),  # ends at 01:00 on the 3rd
            meeting("Paris", PARIS, 2024, 4, 5, 9),
            meeting("Paris", PARIS, 2024, 4, 6, 9),
        ]
    )
    assert itinerary.legs[0].gaps == (None, Gap(date(2024, 4, 4), date(2024, 4, 4)), None)


def test_a_leg_spanning_the_european_change_gets_the_offset_of_the_day_it_ends():
    # Paris changes to summer time on 31 March 2024; New York did on 10 March. With Paris's
    # winter offset of the leg's first day the change would read −5 h.
    itinerary = build_itinerary(
        [
            meeting("Paris", PARIS, 2024, 3, 29, 10),
            meeting("Paris", PARIS, 2024, 4, 1, 10),
            meeting("New York", WASHINGTON, 2024, 4, 2, 10),
        ]
    )
    assert len(itinerary.legs) == 2
    assert change_text(itinerary.moves[0].change) == "\u22126 h"


def test_between_the_american_and_european_changes_the_atlantic_is_five_hours():
    itinerary = build_itinerary(
        [meeting("Paris", PARIS, 2024, 3, 18, 10), meeting("New York", WASHINGTON, 2024, 3, 20, 10)]
    )
    assert change_text(itinerary.moves[0].change) == "\u22125 h"


def test_a_us_leg_across_its_change_then_london():
    # Washington springs forward on 10 March 2024; London only on 31 March: +4 h, not +5 h.
    itinerary = build_itinerary(
        [
            meeting("Washington", WASHINGTON, 2024, 3, 8, 10),
            meeting("Washington", WASHINGTON, 2024, 3, 11, 10),
            meeting("London", "Europe/London", 2024, 3, 12, 10),
        ]
    )
    assert change_text(itinerary.moves[0].change) == "+4 h"


def test_tokyo_to_honolulu_crosses_the_date_line_without_inventing_a_day():
    tokyo = meeting("Tokyo", "Asia/Tokyo", 2024, 6, 10, 18, hours=2)
    # Leaves Tokyo on the evening of the 10th and lands on the morning of the 10th.
    honolulu = meeting("Honolulu", "Pacific/Honolulu", 2024, 6, 10, 9)
    itinerary = build_itinerary([tokyo, honolulu])
    (move,) = itinerary.moves
    assert change_text(move.change) == "\u221219 h"
    assert move.gap is None
    assert itinerary.legs[1].first_day == date(2024, 6, 10) == itinerary.legs[0].last_day


def test_tokyo_to_honolulu_with_a_free_day():
    itinerary = build_itinerary(
        [meeting("Tokyo", "Asia/Tokyo", 2024, 6, 10, 18), meeting("Honolulu", "Pacific/Honolulu", 2024, 6, 12, 9)]
    )
    # 12 June is the day the Honolulu stop begins, however empty it was in Tokyo.
    assert itinerary.moves[0].gap == Gap(date(2024, 6, 11), date(2024, 6, 11))


def test_honolulu_to_tokyo_loses_no_day():
    itinerary = build_itinerary(
        [meeting("Honolulu", "Pacific/Honolulu", 2024, 6, 10, 17), meeting("Tokyo", "Asia/Tokyo", 2024, 6, 13, 10)]
    )
    (move,) = itinerary.moves
    assert change_text(move.change) == "+19 h"
    assert move.gap == Gap(date(2024, 6, 11), date(2024, 6, 12))


def test_half_and_quarter_hour_zones():
    winter = at("UTC", 2024, 1, 15, 12)
    assert change_text(offset_change("Asia/Kolkata", "Europe/London", winter)) == "\u22125 h 30 min"
    assert change_text(offset_change("Asia/Kolkata", "Asia/Kathmandu", winter)) == "+15 min"
    assert change_text(offset_change("Europe/London", "Asia/Kolkata", winter)) == "+5 h 30 min"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "same zone"),
        (60, "+1 h"),
        (-360, "\u22126 h"),
        (-330, "\u22125 h 30 min"),
        (45, "+45 min"),
        (-1140, "\u221219 h"),
    ],
)
def test_change_text(minutes, text):
    assert change_text(timedelta(minutes=minutes)) == text


def test_precision_of_a_leg():
    month = Stop("Summit", at(WASHINGTON, 2024, 7, 1), WASHINGTON, "Washington", precision=Precision.MONTH)
    itinerary = build_itinerary([days("Brussels", BRUSSELS, date(2024, 4, 3), date(2024, 4, 4)), month])
    brussels, washington = itinerary.legs
    assert brussels.precision is Precision.DAY
    assert washington.precision is Precision.MONTH
    assert washington.months == (date(2024, 7, 1), date(2024, 7, 1))
    # The days before July are empty on the schedule; July's are unknown, not empty.
    assert itinerary.moves[0].gap == Gap(date(2024, 4, 5), date(2024, 6, 30))


def test_whole_days_across_a_23_hour_day():
    # 31 March 2024 in Paris has 23 hours; it is whole between the end of the 30th and the 1st.
    assert whole_days_between(at(PARIS, 2024, 3, 30, 23), at(PARIS, 2024, 4, 1, 9), PARIS) == (
        date(2024, 3, 31),
        date(2024, 3, 31),
    )
    assert whole_days_between(at(PARIS, 2024, 3, 31, 0, 30), at(PARIS, 2024, 4, 1, 9), PARIS) is None


# -- who a query names ------------------------------------------------------------------------


@dataclass(frozen=True)
class Trip:
    principal: str
    name: str = "Europe"
    id: int | None = 1


@dataclass(frozen=True)
class Person:
    name: str


@dataclass(frozen=True)
class Event:
    trip: Trip | None
    participants: list[Person] = field(default_factory=list)


def event(principal: str | None, *names: str) -> Event:
    return Event(Trip(principal) if principal else None, [Person(n) for n in names])


def test_blinken_is_antony_blinken_however_he_is_named():
    events = [
        event("Antony Blinken", "Antony Blinken", "Emmanuel Macron"),
        event(None, "Joe Biden", "Blinken"),
        event(None, "Jens Stoltenberg"),
    ]
    assert people_matching(["blinken"], events) == ["Antony Blinken"]
    assert [concerns(e, "Antony Blinken") for e in events] == [True, True, False]
    # A first name alone is not the person.
    assert not concerns(event(None, "Antony"), "Antony Blinken")


def test_accents_and_prefixes():
    events = [event(None, "Stéphane Séjourné")]
    assert people_matching(["sej"], events) == ["Stéphane Séjourné"]
    assert people_matching(["stephane", "sejourne"], events) == ["Stéphane Séjourné"]
    assert people_matching(["paris"], events) == []


def test_several_people_are_named_and_a_full_name_picks_one():
    events = [event("Joe Biden"), event(None, "Jill Biden"), event(None, "Joe Biden", "Jill Biden")]
    people = people_matching(["biden"], events)
    assert sorted(people) == ["Jill Biden", "Joe Biden"]
    assert exact_person("biden", people) is None
    assert exact_person("Joe Biden", people) == "Joe Biden"
    assert exact_person("blinken", ["Antony Blinken"]) == "Antony Blinken"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("itinerary blinken", Itinerary("blinken")),
        ("Itinerary  Antony   Blinken", Itinerary("Antony Blinken")),
        ("itinerary", Invalid("Say whose: `/trip itinerary blinken` shows their trip stop by stop.")),
        ("itinerary ?!", Invalid("Say whose: `/trip itinerary blinken` shows their trip stop by stop.")),
    ],
)
def test_the_command(text, expected):
    assert parse_command(text) == expected


def test_a_long_name_is_refused():
    assert isinstance(parse_command("itinerary " + "blinken " * 40), Invalid)


def test_a_month_known_event_does_not_stretch_a_dated_leg():
    month = Stop("Visit, date TBC", at(PARIS, 2024, 7, 1), PARIS, "Paris", precision=Precision.MONTH)
    itinerary = build_itinerary(
        [month, meeting("Paris", PARIS, 2024, 7, 10, 10), meeting("Paris", PARIS, 2024, 7, 11, 10)]
    )
    (leg,) = itinerary.legs
    assert (leg.first_day, leg.last_day, leg.precision) == (date(2024, 7, 10), date(2024, 7, 11), Precision.EXACT)
    assert len(leg.events) == 3
