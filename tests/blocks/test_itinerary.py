"""The itinerary as Block Kit: legs, moves and empty days in words, escaped user text, and within
Slack's limits however many legs and events there are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks.event_card import ITINERARY_ACTION, event_blocks
from blocks.itinerary import (
    MAX_LEGS,
    compact_itinerary,
    days_text,
    itinerary_message,
    leg_dates,
)
from domain.itinerary import Found, PersonItinerary, build_itinerary
from domain.validation import MAX_LENGTH
from domain.vocabulary import Precision, Status
from storage.models import Trip
from tests.support.block_kit_limits import message_problems
from tests.support.event_rows import event
from tests.support.long_content import broken_markup, long_text, mrkdwn_texts

TRIP = Trip(id=1, team_id="T", principal="Antony Blinken", name="Europe", created_at=datetime(2024, 1, 1, tzinfo=UTC))
HOSTILE = "<!channel> & <@U123> *bold* " + "Très long titre, " * 40
CITIES = [
    ("Paris", "France", "Europe/Paris"),
    ("Brussels", "Belgium", "Europe/Brussels"),
    ("Washington", "United States", "America/New_York"),
    ("Tokyo", "Japan", "Asia/Tokyo"),
]


def texts(message: dict) -> str:
    return "\n".join(mrkdwn_texts(message["blocks"]))


def answer(events, found=Found.UPCOMING, **fields) -> PersonItinerary:
    return PersonItinerary(
        query="blinken", found=found, person="Antony Blinken", itinerary=build_itinerary(events), **fields
    )


def stops(count: int, per_leg: int = 1, **fields) -> list:
    made = []
    for n in range(count * per_leg):
        city, country, tz = CITIES[(n // per_leg) % len(CITIES)]
        made.append(
            event(
                n,
                city=city,
                country=country,
                tz=tz,
                starts_at=datetime(2024, 4, 2, 8, tzinfo=UTC) + timedelta(days=n),
                **fields,
            )
        )
    return made


def test_legs_moves_and_gaps_in_words():
    events = [
        event(0, title="Blinken meets Macron", city="Paris", country="France"),
        event(
            1,
            title="NATO ministers",
            city="Brussels",
            country="Belgium",
            tz="Europe/Brussels",
            precision=Precision.DAY,
            starts_at=datetime(2024, 4, 2, 22, tzinfo=UTC),
            ends_at=datetime(2024, 4, 4, 22, tzinfo=UTC),
        ),
        event(
            2,
            title="NATO summit",
            city="Washington",
            country="United States",
            tz="America/New_York",
            precision=Precision.DAY,
            starts_at=datetime(2024, 7, 9, 4, tzinfo=UTC),
            ends_at=datetime(2024, 7, 12, 4, tzinfo=UTC),
        ),
    ]
    message = itinerary_message(answer(events))
    assert message_problems(message) == []
    body = texts(message)
    assert ":round_pushpin: *Paris, France*  ·  Tue 2 Apr 2024" in body
    assert ":round_pushpin: *Brussels, Belgium*  ·  Wed 3 – Thu 4 Apr 2024, known to the day, times TBC" in body
    assert ":airplane: Paris → Brussels, same zone" in body
    assert ":airplane: Brussels → Washington, \u22126 h\n_5 April – 8 July 2024: nothing on the schedule_" in body
    # The venue's time and a token for the reader's.
    assert "Tue 2 Apr 2024, 10:00 CEST (your time <!date^1712044800^" in body
    assert message["text"].startswith("Itinerary of Antony Blinken: Paris, France (Tue 2 Apr 2024) → Brussels")
    assert "Washington, United States, \u22126 h" in message["text"]


def test_month_precision_says_the_month_only():
    month = event(0, precision=Precision.MONTH, starts_at=datetime(2024, 6, 30, 22, tzinfo=UTC))
    itinerary = build_itinerary([month])
    assert leg_dates(itinerary.legs[0]) == "July 2024 (date TBC)"
    assert "July 2024, date TBC" in texts(itinerary_message(answer([month])))


def test_days_text():
    assert days_text(date(2024, 4, 3), date(2024, 4, 4)) == "3–4 April 2024"
    assert days_text(date(2024, 4, 3), date(2024, 4, 3)) == "3 April 2024"
    assert days_text(date(2024, 4, 6), date(2024, 7, 8)) == "6 April – 8 July 2024"
    assert days_text(date(2024, 12, 30), date(2025, 1, 2)) == "30 December 2024 – 2 January 2025"


def test_cancelled_events_are_listed_apart_struck_through():
    events = [event(0), event(1, title="Dinner in Berlin", city="Berlin", status=Status.CANCELLED)]
    body = texts(itinerary_message(answer(events)))
    assert "*Off the schedule* (not counted as stops)\n• ~Dinner in Berlin~  *CANCELLED*" in body
    assert "1 event in 1 stop" in body


def test_many_legs_and_events_fit_and_say_how_many_more():
    message = itinerary_message(answer(stops(60, per_leg=1)))
    assert message_problems(message) == []
    assert f"and {60 - MAX_LEGS} more stops, to" in texts(message)
    crowded = itinerary_message(answer(stops(2, per_leg=80, title=HOSTILE, venue=HOSTILE)))
    assert message_problems(crowded) == []
    assert "more here" in texts(crowded)


def test_user_text_is_escaped():
    hostile = [event(0, title=HOSTILE, city=HOSTILE, country="<!here>", venue="<@U999>")]
    message = itinerary_message(
        PersonItinerary(
            query="<!channel>", found=Found.UPCOMING, person="<!everyone>", itinerary=build_itinerary(hostile)
        )
    )
    assert message_problems(message) == []
    for text in mrkdwn_texts(message["blocks"]) + [message["text"]]:
        assert broken_markup(text) == [], text
    assert "&lt;!channel&gt;" in texts(message)


def test_several_people_and_no_one():
    several = itinerary_message(PersonItinerary(query="biden", found=Found.SEVERAL, people=("Joe Biden", "Jill Biden")))
    assert "could be several people: *Joe Biden*, *Jill Biden*" in several["text"]
    assert "`/trip itinerary Joe Biden`" in several["text"]
    nobody = itinerary_message(PersonItinerary(query="blinkin", found=Found.NO_ONE, suggestions=("Blinken",)))
    assert "No one called “blinkin” is on the schedule. Did you mean *Blinken*?" in nobody["text"]


def test_past_trip_is_introduced_as_such():
    message = itinerary_message(answer([event(0)], found=Found.PAST, trip="Europe"))
    assert "Nothing on the schedule for *Antony Blinken* from now on. Here is the most recent trip, *Europe*" in texts(
        message
    )


def test_compact_form_for_the_home_tab():
    text = compact_itinerary("blinken", answer(stops(12)))
    assert text.startswith("*Antony Blinken*  ·  `/trip itinerary blinken`")
    assert ":airplane: Paris → Brussels, same zone" in text
    assert text.endswith("and 4 more stops")
    assert len(text) <= 3000


def test_only_a_card_of_a_trip_has_the_itinerary_button():
    with_trip = event(0, trip=TRIP)
    actions = [
        e["action_id"] for b in event_blocks(with_trip, controls=True) if b["type"] == "actions" for e in b["elements"]
    ]
    assert ITINERARY_ACTION in actions
    actions = [
        e["action_id"] for b in event_blocks(event(0), controls=True) if b["type"] == "actions" for e in b["elements"]
    ]
    assert ITINERARY_ACTION not in actions


@settings(max_examples=40, deadline=None)
@given(
    title=long_text(MAX_LENGTH["title"]),
    place=long_text(MAX_LENGTH["city"]),
    venue=long_text(MAX_LENGTH["venue"]),
    name=long_text(MAX_LENGTH["participant"]),
    legs=st.integers(1, 40),
    per_leg=st.integers(1, 30),
)
def test_any_length_of_text_legs_and_events_fits(title, place, venue, name, legs, per_leg):
    events = stops(legs, per_leg, title=title, venue=venue)
    for row in events:
        row.country = place
    cancelled = [event(900 + n, title=title, city=place, status=Status.CANCELLED) for n in range(15)]
    found = PersonItinerary(
        query=name, found=Found.UPCOMING, person=name, itinerary=build_itinerary(events + cancelled), cut_short=True
    )
    message = itinerary_message(found)
    assert message_problems(message) == []
    for text in [*mrkdwn_texts(message["blocks"]), message["text"]]:
        assert broken_markup(text) == [], text
    home = compact_itinerary(name, found)
    assert len(home) <= 3000 and broken_markup(home) == []
