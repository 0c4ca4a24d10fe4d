"""Whose itinerary a query or a follow gives, on both databases: several principals, a principal
with nothing still planned, a schedule longer than one read, another workspace."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.itinerary import Found
from services.itineraries import ITINERARY_ROWS, followed_itineraries, person_itinerary
from tests.support.samples import SAMPLE, load_ics
from tests.support.schedule import TEAM

NOW = datetime(2024, 4, 1, 8, tzinfo=UTC)


def calendar(*events: tuple[str, str, str, str]) -> bytes:
    """(uid, principal, local start in Paris, status) each."""
    body = "".join(
        f"BEGIN:VEVENT\nUID:{uid}@test\nDTSTAMP:20240301T000000Z\nSUMMARY:Stop {uid}\n"
        f"DTSTART;TZID=Europe/Paris:{start}\nLOCATION:Paris, France\nSTATUS:{status}\n"
        f"X-TRIPDESK-PRINCIPAL:{principal}\nX-TRIPDESK-TRIP:Tour\nEND:VEVENT\n"
        for uid, principal, start, status in events
    )
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n{body}END:VCALENDAR\n".encode()


def test_follows_naming_one_principal_each_in_their_order(engine):
    load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    load_ics(
        engine,
        calendar(
            ("joe", "Joe Biden", "20240410T100000", "CONFIRMED"),
            ("jill", "Jill Biden", "20240411T100000", "CONFIRMED"),
            ("off", "Kamala Harris", "20240412T100000", "CANCELLED"),
        ),
        now=NOW,
    )
    found = followed_itineraries(
        engine,
        team_id=TEAM,
        queries=["biden", "harris", "macron", "jill", "blinken", "antony blinken", "joe biden"],
        now=NOW,
        limit=2,
    )
    # "biden" names two principals, Harris has nothing still planned, Macron leads no trip,
    # and Blinken is shown once.
    assert [(query, answer.person) for query, answer in found] == [
        ("jill", "Jill Biden"),
        ("blinken", "Antony Blinken"),
    ]
    assert len(found[1][1].itinerary.legs) == 3  # type: ignore[union-attr]
    assert followed_itineraries(engine, team_id="T0OTHER", queries=["blinken"], now=NOW, limit=3) == []


def test_a_principal_with_more_events_than_one_read_is_said_to_be_cut_short(engine):
    events = [
        (f"e{n}", "Olaf Scholz", f"202405{1 + n // 10:02d}T{8 + n % 10:02d}0000", "CONFIRMED") for n in range(210)
    ]
    load_ics(engine, calendar(*events), now=NOW)
    answer = person_itinerary(engine, team_id=TEAM, query="scholz", now=NOW)
    assert answer.found is Found.UPCOMING and answer.cut_short
    assert answer.itinerary is not None and answer.itinerary.events == ITINERARY_ROWS
    assert not person_itinerary(engine, team_id=TEAM, query="blinken", now=NOW).cut_short


def test_only_cancelled_events_to_come(engine):
    load_ics(engine, calendar(("off", "Kamala Harris", "20240412T100000", "CANCELLED")), now=NOW)
    answer = person_itinerary(engine, team_id=TEAM, query="harris", now=NOW)
    assert answer.found is Found.UPCOMING and answer.itinerary is not None
    assert answer.itinerary.legs == () and len(answer.itinerary.off) == 1


def test_a_principal_spelled_two_ways_is_one_follow(engine):
    load_ics(
        engine,
        calendar(
            ("short", "Biden", "20240410T100000", "CONFIRMED"),
            ("full", "Joe Biden", "20240411T100000", "CONFIRMED"),
        ),
        now=NOW,
    )
    ((query, answer),) = followed_itineraries(engine, team_id=TEAM, queries=["biden"], now=NOW, limit=3)
    assert query == "biden" and answer.person == "Joe Biden"
    assert answer.itinerary is not None and answer.itinerary.events == 2
