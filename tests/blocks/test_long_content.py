"""Every message and view that shows an event fits Slack's limits however long the event is:
the longest title, place and notes the store accepts, a 2,000-character source address, hundreds
of participants and people covering it, with `&`, `<`, `>` and accents throughout."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks.agenda import agenda_message
from blocks.coverage import MAX_CHASED, chase_message
from blocks.event_card import card_text, event_message
from blocks.event_form import event_modal
from blocks.help import notice_message
from blocks.history import history_message
from blocks.home import home_view
from blocks.listing import listing_message
from blocks.notices import (
    assign_modal,
    change_notice,
    confirm_modal,
    coverage_notice,
    new_event_notice,
    saved_view,
)
from blocks.reminder import reminder_message, undeliverable_message
from blocks.reminder_status import reminders_message
from blocks.text import escape
from domain.listing import Listing, ListingOutcome, ListingRequest, Mode
from domain.snapshot import diff, snapshot
from domain.validation import MAX_LENGTH
from domain.vocabulary import ReminderStatus, Status
from domain.zones import zone
from services.itinerary import PAGE_SIZE
from storage.models import Coverage, EventChange, EventClash, Reminder, Trip
from tests.support.block_kit_limits import message_problems, view_problems
from tests.support.event_rows import dashboard, event, listing
from tests.support.long_content import broken_markup, long_text, mrkdwn_texts, web_urls

PARIS = zone("Europe/Paris")
NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
LONG = settings(max_examples=60, deadline=None)
# A reasonable fallback: it is what notifications show, not the place for the whole page.
FALLBACK_CHARS = 4000

user_ids = st.from_regex(r"U[A-Z0-9]{8,20}", fullmatch=True)


@st.composite
def long_events(draw, i: int = 0):
    people = draw(
        st.one_of(
            st.lists(long_text(MAX_LENGTH["participant"]), max_size=60),
            st.integers(0, 300).map(lambda n: [f"Participant {k} de l'Élysée & co" for k in range(n)]),
        )
    )
    trip = draw(
        st.none()
        | st.builds(
            lambda principal, name: Trip(id=1, team_id="T", principal=principal, name=name, created_at=NOW),
            long_text(MAX_LENGTH["participant"]),
            long_text(MAX_LENGTH["trip"]),
        )
    )
    if trip is not None and draw(st.booleans()):
        people = [trip.principal, *people]
    result = event(
        i,
        title=draw(long_text(MAX_LENGTH["title"])),
        venue=draw(long_text(MAX_LENGTH["venue"])),
        city=draw(long_text(MAX_LENGTH["city"])),
        country=draw(long_text(MAX_LENGTH["country"])),
        notes=draw(long_text(MAX_LENGTH["notes"], min_size=0)),
        source_url=draw(st.none() | web_urls()),
        status=draw(st.sampled_from(list(Status))),
        participants=people,
        trip=trip,
        trip_id=trip.id if trip else None,
        channel_id="C0FOREIGN",
    )
    coverers = draw(st.one_of(st.lists(user_ids, max_size=30, unique=True), st.integers(0, 250)))
    if isinstance(coverers, int):
        coverers = [f"U{k:010d}" for k in range(coverers)]
    result.coverage = [
        Coverage(event_id=result.id, user_id=u, assigned_by="U0EDITOR", assigned_at=NOW) for u in coverers
    ]
    return result


def assert_message_fits(message: dict) -> None:
    assert message_problems(message) == []
    assert len(message["text"]) <= FALLBACK_CHARS
    for text in mrkdwn_texts({"text": message["text"], "blocks": message["blocks"]}):
        assert broken_markup(text) == [], text[:300]


def assert_view_fits(view: dict) -> None:
    assert view_problems(view) == []
    for text in mrkdwn_texts(view["blocks"]):
        assert broken_markup(text) == [], text[:300]


def page_of(first) -> list:
    """A page of events as long as `first`, each with an id of its own."""
    page = []
    for i in range(PAGE_SIZE):
        copy = event(i, **{k: getattr(first, k) for k in ("title", "venue", "city", "country", "source_url")})
        copy.participants, copy.coverage, copy.trip, copy.status = (
            first.participants,
            first.coverage,
            first.trip,
            first.status,
        )
        page.append(copy)
    return page


@LONG
@given(big=long_events(), query=long_text(200))
def test_listing_pages_and_the_home_tab_fit(big, query):
    page = page_of(big)
    assert_message_fits(listing_message(listing(page, total=10_000, text=query), newsroom_tz=PARIS))
    assert_message_fits(listing_message(listing(page, text=query), newsroom_tz=PARIS, shared_by="U0CORRESP"))
    assert_message_fits(
        listing_message(listing(page, outcome=ListingOutcome.PAST, total=10_000, text=query), newsroom_tz=PARIS)
    )
    week = Listing(
        ListingRequest(Mode.WEEK), ListingOutcome.AGENDA, page, 10_000, days=(date(2024, 4, 1), date(2024, 4, 7))
    )
    assert_message_fits(listing_message(week, newsroom_tz=PARIS))
    board = dashboard(page, total=10_000, mine=page, gaps=page, follows=[(query, page[0]), (query, None)])
    assert_view_fits(home_view(board, newsroom_tz=PARIS))


def long_changes(before, after, n: int) -> list[EventChange]:
    """What history records between two long versions, plus coverage and status changes."""
    changes = [
        EventChange(team_id="T", event_id=after.id, actor="U0EDITOR", at=NOW, action="changed", **vars(c))
        for c in diff(snapshot(before), snapshot(after))
    ]
    everyone = ", ".join(c.user_id for c in after.coverage)
    changes.append(
        EventChange(team_id="T", event_id=after.id, actor="U0EDITOR", at=NOW, action="coverage", new=everyone)
    )
    changes.append(EventChange(team_id="T", event_id=after.id, actor="import", at=NOW, action="cancelled"))
    return (changes * n)[:n]


@LONG
@given(big=long_events(), other=long_events(), n=st.integers(1, 60))
def test_the_daily_agenda_fits(big, other, n):
    today, tomorrow = date(2024, 4, 2), date(2024, 4, 3)
    page = page_of(big)
    events = {today: (page * 3)[:25], tomorrow: page}
    changes = long_changes(other, big, n)
    message = agenda_message(today, events, changes, {big.id: big.title}, newsroom_tz=PARIS, since=NOW)
    assert_message_fits(message)
    uncovered = (page * 2)[:15]
    message = agenda_message(
        today,
        events,
        changes,
        {big.id: big.title},
        newsroom_tz=PARIS,
        since=NOW,
        uncovered=uncovered,
        uncovered_total=10_000,
    )
    assert_message_fits(message)


@LONG
@given(big=long_events())
def test_the_chase_for_coverage_fits(big):
    chased = [event(i, **{k: getattr(big, k) for k in ("title", "venue", "city", "country")}) for i in range(60)]
    assert_message_fits(chase_message(chased[:MAX_CHASED], now=NOW))
    assert_message_fits(chase_message(chased[:1], now=NOW))


@LONG
@given(big=long_events(), other=long_events(), phrase=st.sampled_from(["In 1 hour", "Starting now", "In 1 week"]))
def test_reminders_and_notices_fit(big, other, phrase):
    for late in (False, True):
        assert_message_fits(reminder_message(big, phrase=phrase, late=late))
    assert_message_fits(undeliverable_message(big, channel_id="C0GONE", error="x" * 500))
    assert_message_fits(event_message(big))
    assert_message_fits(new_event_notice(big, actor="U0EDITOR"))
    changes = diff(snapshot(other), snapshot(big))
    for action in ("changed", "cancelled", "postponed", "deleted"):
        assert_message_fits(change_notice(big, actor="U0EDITOR", action=action, changes=changes))
    everyone = [c.user_id for c in big.coverage] or ["U0EDITOR"]
    assert_message_fits(coverage_notice(big, actor="U0EDITOR", added=everyone, removed=everyone))
    assert_message_fits(coverage_notice(big, actor="U0EDITOR", added=["U0EDITOR"], removed=[]))
    assert_message_fits(notice_message(f"You cover *{escape(big.title)}*. It is in `/trip mine`."))


@LONG
@given(big=long_events(), other=long_events(), query=long_text(200), n=st.integers(1, 40))
def test_history_and_reminder_status_fit(big, other, query, n):
    rows = [(change, big) for change in long_changes(other, big, n)]
    assert_message_fits(history_message(query, 20, rows))
    reminders = [
        Reminder(
            team_id="T",
            event_id=big.id,
            lead_minutes=lead,
            channel_id="C0FOREIGN",
            due_at=NOW,
            status=status,
            attempts=7,
            last_error="<&>" * 166,
        )
        for lead in (10080, 1440, 60, 15, 0)
        for status in (ReminderStatus.FAILED, ReminderStatus.SKIPPED)
    ]
    assert_message_fits(reminders_message(query, 1000, [(big, reminders)] * 40))


@LONG
@given(big=long_events(), trips=st.lists(long_events(), max_size=3))
def test_the_form_and_dialogs_fit(big, trips):
    trip_list = [
        Trip(id=i, team_id="T", principal=e.title[:200], name=e.venue, created_at=NOW) for i, e in enumerate(trips)
    ] * 30
    assert_view_fits(
        event_modal(event=big, trips=trip_list, channel_id="C0FOREIGN", newsroom_tz="Europe/Paris", metadata={"e": 1})
    )
    for view in (
        confirm_modal(big, verb="cancel"),
        confirm_modal(big, verb="delete"),
        assign_modal(big),
        saved_view(big, created=False, channel_id="C0FOREIGN"),
    ):
        assert_view_fits(view)


def maximal_event():
    """The case in the issue: the longest title, 40 long names, a 1,902-character source address."""
    big = event(
        title="Blinken & Séjourné <talks> " * 11,
        participants=[f"Minister number {n} of the Élysée & Quai d'Orsay" for n in range(40)],
        source_url="https://www.diplomatie.gouv.fr/" + "a" * 1870,
        status=Status.CANCELLED,
    )
    big.title = big.title[: MAX_LENGTH["title"]].strip()
    big.coverage = [Coverage(event_id=1, user_id=f"U{k:010d}", assigned_by="U", assigned_at=NOW) for k in range(250)]
    return big


def test_a_long_card_keeps_its_beginning_and_says_how_many_more():
    big = maximal_event()
    text = card_text(big)
    assert len(text) <= 3000
    assert text.startswith("~Blinken &amp; Séjourné &lt;talks&gt;")
    assert "Minister number 0 of the Élysée &amp; Quai d'Orsay" in text
    assert re.search(r"and \d+ more", text.split(":writing_hand:")[0])  # participants
    assert re.search(r"<@U0000000000>, <@U0000000001>.* and \d+ more", text)  # coverage
    assert "diplomatie.gouv.fr" in text


def test_a_card_with_long_clashes_still_fits():
    big = maximal_event()
    big.clashes = [
        EventClash(
            event_id=1,
            other_id=n,
            team_id="T",
            kind="travel",
            other_title="Blinken & Séjourné <talks> " * 11,
            detail="impossible travel from " + "Saint-Rémy-de-Provence & " * 8,
            people="Antony Blinken",
        )
        for n in range(2, 7)
    ]
    text = card_text(big)
    assert len(text) <= 3000
    assert text.count(":warning: Clashes with *Blinken &amp; Séjourné &lt;talks&gt;") == 2
    assert ":warning: and 3 more clashes" in text


def test_a_source_address_is_a_link_when_it_fits_and_its_host_when_it_does_not():
    short = event(source_url="https://www.elysee.fr/emmanuel-macron/2024/04/02/" + "x" * 300)
    assert f"<{short.source_url}|elysee.fr>" in card_text(short)
    huge = maximal_event()
    text = card_text(huge)
    assert huge.source_url not in text
    assert ":link: Source: diplomatie.gouv.fr" in text


def test_no_time_goes_missing_for_the_people_covering():
    many = event(participants=["x" * 200] * 300)
    many.coverage = [Coverage(event_id=1, user_id=f"U{k:010d}", assigned_by="U", assigned_at=NOW) for k in range(250)]
    text = reminder_message(many, phrase="In 1 hour", late=True)["blocks"][0]["text"]["text"]
    assert "Your time: <!date^" in text
    assert ":writing_hand: Covering: <@U0000000000>" in text


def test_an_agenda_of_long_events_keeps_both_day_headings():
    today = date(2024, 4, 2)
    big = maximal_event()
    events = {today: [big] * 25, today + timedelta(days=1): [big] * 25}
    message = agenda_message(today, events, [], {}, newsroom_tz=PARIS, since=None)
    assert_message_fits(message)
    headings = [
        b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and b["text"]["text"][:2] == "*T"
    ]
    assert headings == ["*Today, Tue 2 Apr 2024*", "*Tomorrow, Wed 3 Apr 2024*"]
