"""The listing builder within Block Kit's limits, with user text that cannot ping or break."""

from __future__ import annotations

from datetime import timedelta

from blocks.event_card import card_text
from blocks.help import help_message
from blocks.home import home_view
from blocks.listing import listing_message
from domain.listing import Listing, ListingOutcome, ListingRequest, Mode
from domain.vocabulary import Status
from domain.zones import zone
from services.itinerary import PAGE_SIZE
from storage.models import Trip
from tests.support.block_kit_limits import message_problems, view_problems
from tests.support.event_rows import START, dashboard, event, listing

PARIS = zone("Europe/Paris")


def test_hostile_text_is_escaped():
    hostile = event(title="<!channel> & <@U123> *bold*", participants=["<!here>"], venue="<https://evil.example|click>")
    text = card_text(hostile)
    assert "<!channel>" not in text and "<@U123>" not in text and "<!here>" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in text
    assert "<https://evil.example|click>" not in text


def test_source_links_cannot_be_broken_by_the_url():
    text = card_text(event(source_url="https://example.com/a|b>c"))
    assert "<https://example.com/a%7Cb%3Ec|example.com>" in text


def test_a_full_page_of_huge_events_stays_within_limits():
    people = [f"Participant number {n} with a long name" for n in range(500)]
    trip = Trip(id=1, team_id="T", principal="P" * 200, name="N" * 200, created_at=START)
    events = [
        event(
            i,
            title="T" * 300,
            venue="V" * 200,
            city="C" * 120,
            country="K" * 120,
            participants=people,
            trip=trip,
            trip_id=1,
        )
        for i in range(PAGE_SIZE)
    ]
    message = listing_message(listing(events, total=10_000), newsroom_tz=PARIS)
    assert message_problems(message) == []
    assert "and 4" in card_text(events[0])  # "… and N more" participants


def test_every_event_in_its_own_group_stays_within_limits():
    events = [
        event(i, starts_at=START + timedelta(days=i), tz=tz) for i, tz in enumerate(["Asia/Tokyo", "America/Lima"] * 5)
    ]
    message = listing_message(listing(events, total=50), newsroom_tz=PARIS)
    assert message_problems(message) == []
    assert len(message["blocks"]) <= 50


def test_the_fallback_text_lists_the_events():
    message = listing_message(listing([event(0), event(1, status=Status.TENTATIVE)]), newsroom_tz=PARIS)
    lines = message["text"].split("\n")
    assert lines[0] == "blinken: 2 upcoming events"
    assert lines[2].endswith("(tentative)")


def test_shared_copy_has_no_buttons_and_names_who_shared():
    message = listing_message(listing([event()]), newsroom_tz=PARIS, shared_by="U0CORRESP")
    assert not any(b["type"] == "actions" for b in message["blocks"])
    assert "shared by <@U0CORRESP>" in str(message["blocks"])


def test_help_and_home_within_limits():
    assert message_problems(help_message()) == []
    week = Listing(
        ListingRequest(Mode.WEEK),
        ListingOutcome.AGENDA,
        [event(i) for i in range(PAGE_SIZE)],
        40,
        days=(START.date(), START.date() + timedelta(days=6)),
    )
    view = home_view(dashboard(week.events, total=week.total, mine=week.events), newsroom_tz=PARIS)
    assert view_problems(view) == []
    assert message_problems(listing_message(week, newsroom_tz=PARIS)) == []
