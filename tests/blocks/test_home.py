"""The Home tab's dashboard: compact lines, marked cancellations, escaped user text, and within
Block Kit's limits however much the schedule, the follows and the feeds hold."""

from __future__ import annotations

from datetime import timedelta

from blocks.home import ADD_ACTION, DRAFT_ACTION, home_view, notice_view
from domain.home import FeedHealth
from domain.validation import MAX_LENGTH
from domain.vocabulary import Precision, Status
from domain.zones import zone
from tests.support.block_kit_limits import view_problems
from tests.support.event_rows import START, dashboard, event

PARIS = zone("Europe/Paris")
HOSTILE = "<!channel> & <@U123> *bold* " + "Très long titre, " * 40


def texts(view: dict) -> list[str]:
    found = []
    for block in view["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element.get("text"), str):
                found.append(element["text"])
            elif isinstance(element.get("text"), dict):
                found.append(element["text"]["text"])
    return found


def part(view: dict, heading: str) -> str:
    """The text of the blocks under the header that starts with `heading`, up to the next divider."""
    inside, found = False, []
    for block in view["blocks"]:
        if block["type"] == "header":
            inside = block["text"]["text"].startswith(heading)
            continue
        if block["type"] == "divider":
            inside = False
        if inside:
            found += texts({"blocks": [block]})
    return "\n".join(found)


def test_a_day_line_has_venue_time_reader_time_city_and_firmness():
    view = home_view(dashboard([event(0), event(1, status=Status.TENTATIVE)]), newsroom_tz=PARIS)
    week = part(view, "Next 7 days")
    assert "*Today, Tue 2 Apr 2024*" in week
    first, second = week.splitlines()[1:3]
    assert first.startswith("10:00 CEST (<!date^1712044800^{date_short_pretty} {time}|Tue 2 Apr 2024 08:00 UTC>)")
    assert "*Meeting 0*" in first and "Paris" in first and "Confirmed" in first
    assert "Tentative" in second


def test_cancelled_events_are_struck_through_and_marked():
    view = home_view(dashboard([event(0, status=Status.CANCELLED)]), newsroom_tz=PARIS)
    line = part(view, "Next 7 days").splitlines()[1]
    assert "~Meeting 0~" in line and "CANCELLED" in line


def test_a_day_known_without_its_time_says_so():
    day = event(0, precision=Precision.DAY, starts_at=START, ends_at=START + timedelta(days=1))
    view = home_view(dashboard([day]), newsroom_tz=PARIS)
    assert "time TBC" in part(view, "Next 7 days")


def test_user_text_is_escaped_everywhere():
    hostile = event(0, title=HOSTILE, city="<!here>")
    feed = FeedHealth(
        name="<!channel>",
        url="https://example.com/a.ics",
        last_success_at=None,
        last_error="<@U1>",
        failing_since=START,
    )
    view = home_view(
        dashboard([hostile], mine=[hostile], gaps=[hostile], follows=[("<!everyone>", hostile)], feeds=[feed]),
        newsroom_tz=PARIS,
    )
    whole = "\n".join(texts(view))
    for token in ("<!channel>", "<@U123>", "<!here>", "<!everyone>", "<@U1>"):
        assert token not in whole
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in whole
    assert view_problems(view) == []


def test_the_buttons_are_there_for_everyone():
    view = home_view(dashboard(editor=False), newsroom_tz=PARIS)
    (actions,) = [b for b in view["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [ADD_ACTION, DRAFT_ACTION]
    assert "Calendar feeds" not in str(view)


def test_empty_parts_say_what_to_do():
    view = home_view(dashboard(feeds=[]), newsroom_tz=PARIS)
    assert "Nothing on the schedule in the next 7 days." in part(view, "Next 7 days")
    assert "has someone covering it" in part(view, "Coverage gaps")
    assert "You cover no upcoming events" in part(view, "What you cover")
    assert "`/trip follow blinken`" in part(view, "Your follows")
    assert "`/trip feeds add https://… name`" in part(view, "Calendar feeds")


def test_hundreds_of_long_events_fifty_follows_and_many_feeds_fit():
    longest = "Sommet & <réunion> " * (MAX_LENGTH["title"] // 19)
    events = [
        event(i, title=longest, city="C" * MAX_LENGTH["city"], starts_at=START + timedelta(minutes=20 * i))
        for i in range(300)
    ]
    follows = [("q" * MAX_LENGTH["title"], events[i]) for i in range(50)]
    feeds = [
        FeedHealth(
            name="F" * MAX_LENGTH["participant"],
            url="https://example.com/" + "x" * 1900,
            last_success_at=START,
            last_error="E" * 500,
            failing_since=START,
        )
        for _ in range(40)
    ]
    board = dashboard(events, total=1001, mine=events, gaps=events, follows=follows, feeds=feeds)
    view = home_view(board, newsroom_tz=PARIS)
    assert view_problems(view) == []
    assert len(view["blocks"]) <= 100
    whole = "\n".join(texts(view))
    assert "more — `/trip week`" in whole
    assert "more — `/trip mine`" in whole
    assert "more — `/trip following`" in whole
    assert "more — `/trip feeds`" in whole


def test_the_refusal_modal_fits():
    view = notice_view("Add event", "Only the desk's editors can change the schedule.")
    assert view_problems(view) == []
    assert view["type"] == "modal" and "submit" not in view
