"""What changed, by event: the grouping of history rows into kinds and steps, and the reply and
the Home tab's part within Slack's limits whatever the history holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from blocks.changes import HOME_LINES, changes_message, home_blocks
from blocks.home import home_view
from blocks.text import SECTION_TEXT
from domain.changes import CANCELLED, CONFIRMED, EDITED, MOVED, NEW, ChangesDigest, group_changes, kinds_of
from domain.home import FeedHealth
from domain.itinerary import Found, PersonItinerary, build_itinerary
from domain.validation import MAX_LENGTH
from domain.zones import zone
from storage.models import EventChange
from tests.support.block_kit_limits import message_problems, view_problems
from tests.support.event_rows import START, dashboard, event

HOSTILE = "<!channel> & <@U123> *bold* " + "Très long titre, " * 40


def row(event_id: int, minute: int, action: str = "changed", field=None, old=None, new=None, **more) -> EventChange:
    return EventChange(
        id=minute + 1,
        team_id="T",
        event_id=event_id,
        actor=more.pop("actor", "U0EDITOR"),
        at=START + timedelta(minutes=minute),
        action=action,
        field=field,
        old=old,
        new=new,
        **more,
    )


def digest(events, total=None, **fields) -> ChangesDigest:
    values = dict(
        since=START - timedelta(hours=24),
        now=START,
        window_minutes=None,
        first=False,
        events=events,
        total=len(events) if total is None else total,
        own=0,
    )
    values.update(fields)
    return ChangesDigest(**values)  # type: ignore[arg-type]


def test_one_save_is_one_step_and_its_kinds_come_in_order():
    macron = event(0)
    rows = [
        row(1, 0, "created"),
        row(1, 5, field="when", old="Tue 2 Apr 2024, 10:00 CEST", new="Tue 2 Apr 2024, 15:00 CEST"),
        row(1, 5, field="place", old="Élysée Palace, Paris", new="Quai d'Orsay, Paris"),
        row(1, 9, "confirmed", field="status", old="Tentative", new="Confirmed"),
    ]
    (entry,) = group_changes(rows, {1: macron})
    assert entry.kinds == (NEW, MOVED, CONFIRMED, EDITED)
    assert [len(step.rows) for step in entry.steps] == [1, 2, 1]
    text = changes_message(digest([entry]))["blocks"][2]["text"]["text"]
    assert "Moved: Tue 2 Apr 2024, 10:00 → 15:00 CEST; Place: Élysée Palace, Paris → Quai d'Orsay, Paris" in text


def test_an_import_and_a_feed_name_the_kinds_their_own_way():
    assert kinds_of(row(1, 0, field="status", old="Tentative", new="Confirmed")) == {CONFIRMED}
    assert kinds_of(row(1, 0, "removed", field="status", old="Confirmed", new="Cancelled")) == {CANCELLED}
    assert kinds_of(row(1, 0, field="notes", old="a", new="b")) == {EDITED}
    assert kinds_of(row(1, 0, "created", field="origin", new="a story")) == {NEW}
    assert kinds_of(row(1, 0, "tentative", field="status", old="Confirmed", new="Tentative")) == {EDITED}


def test_rows_of_events_not_asked_for_are_left_out():
    assert [e.event.title for e in group_changes([row(1, 0), row(2, 1)], {2: event(1)})] == ["Meeting 1"]


def test_notes_say_only_that_they_changed():
    (entry,) = group_changes([row(1, 0, field="notes", old="secret source", new="other source")], {1: event(0)})
    text = str(changes_message(digest([entry])))
    assert "Notes changed" in text and "secret" not in text


def test_many_long_changes_fit_a_message():
    long_value = "&<>" * (MAX_LENGTH["notes"] // 3)
    events = {i + 1: event(i, title=HOSTILE[: MAX_LENGTH["title"]], city="<!here>" * 10) for i in range(47)}
    rows = [
        row(
            i,
            minute,
            field=field,
            old=long_value,
            new=long_value[::-1],
            actor=f"U{minute:08d}",
            imported_from="https://example.org/" + "x" * 2000 if minute % 2 else None,
        )
        for i in events
        for minute, field in enumerate(("title", "when", "place", "participants", "source", "trip", "channel", "kind"))
    ]
    entries = group_changes(rows, events)
    message = changes_message(
        digest(entries, total=1500, count_cap=1000, own=3, more_titles=[HOSTILE] * 40, window_minutes=2 * 1440)
    )
    assert message_problems(message) == []
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert all(len(text) <= SECTION_TEXT for text in sections)
    assert "<!channel>" not in str(message) and "<!here>" not in str(message)
    footer = message["blocks"][-1]["elements"][0]["text"]
    assert footer.startswith("And 1,453+ more events changed:") and "`/trip changes 2d`" in footer
    assert "Your own changes (3 events) are not listed." in footer
    assert "and 3 earlier changes" in sections[0]


def test_the_home_tab_with_every_part_full_stays_within_its_limits():
    events = {i + 1: event(i, title=HOSTILE[: MAX_LENGTH["title"]]) for i in range(HOME_LINES)}
    rows = [row(i, i, field="when", old="x" * 300, new="y" * 300, actor=f"U{i:08d}") for i in events]
    changes = digest(group_changes(rows, events), total=1200, count_cap=1000)
    week = [event(i, starts_at=START + timedelta(hours=i * 5), title=HOSTILE) for i in range(30)]
    feeds = [FeedHealth(HOSTILE, "https://example.org/" + "x" * 2000, None, HOSTILE, START) for _ in range(10)]
    cities = [("Paris", "France", "Europe/Paris"), ("Tokyo", "Japan", "Asia/Tokyo")]
    legs = [
        event(n, title=HOSTILE, city=cities[n % 2][0], country=cities[n % 2][1], tz=cities[n % 2][2]) for n in range(30)
    ]
    trip = PersonItinerary(query=HOSTILE, found=Found.UPCOMING, person=HOSTILE, itinerary=build_itinerary(legs))
    board = replace(
        dashboard(week, total=2000, mine=week[:10], gaps=week[:10], follows=[(HOSTILE, week[0])] * 10, feeds=feeds),
        changes=changes,
        itineraries=[(HOSTILE, trip)] * 5,
    )
    view = home_view(board, newsroom_tz=zone("Europe/Paris"))
    assert view_problems(view) == []
    # The frame docs/home.md states: what changed and the itineraries (at most 3) included.
    assert len(view["blocks"]) <= 44
    part = home_blocks(changes)
    assert part[-1]["elements"][0]["text"] == "and 1,192+ more — `/trip changes`"
