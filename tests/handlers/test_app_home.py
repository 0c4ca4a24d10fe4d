"""The Home tab through Slack: each user's dashboard on `app_home_opened`, and its buttons."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from blocks.drafts import PASTE_CALLBACK
from blocks.event_form import CALLBACK_ID as EVENT_FORM
from blocks.home import ADD_ACTION, DRAFT_ACTION
from domain.vocabulary import Kind, Precision, Status
from services.editing import change_coverage, set_status
from storage.db import session
from storage.models import Event, FeedSubscription, Follow, HomeViewer
from tests.support.block_kit_limits import view_problems
from tests.support.schedule import TEAM, add_event
from tests.support.waiting import logged, wait_for_calls

MACRON = "Blinken meets President Macron"
MINISTERS = "NATO foreign ministers' meeting"
PASHINYAN = "US–EU–Armenia meeting with Prime Minister Nikol Pashinyan"
HOME_VIEW = {"id": "V0HOME", "type": "home"}


def home_of(server, fake_slack, user: str = "U0EDITOR") -> dict:
    """The Home tab `user` gets on opening it."""
    before = len(fake_slack.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    assert server.event({**event, "event_ts": f"{time.time():.6f}"}).status_code == 200
    call = wait_for_calls(fake_slack, "views.publish", before + 1)[-1]
    assert call.payload["user_id"] == user
    assert view_problems(call.payload["view"]) == []
    return call.payload["view"]


def part(view: dict, heading: str) -> str:
    """The text under the header that starts with `heading`, up to the next divider."""
    inside, found = False, []
    for block in view["blocks"]:
        if block["type"] == "header":
            inside = block["text"]["text"].startswith(heading)
            continue
        if block["type"] == "divider":
            inside = False
        if inside and "text" in block:
            found.append(block["text"]["text"])
        if inside and block["type"] == "context":
            found += [element["text"] for element in block["elements"]]
    return "\n".join(found)


def event_id(engine, title: str) -> int:
    with session(engine) as db:
        found = db.exec(select(Event).where(Event.title == title)).one()
        assert found.id is not None
        return found.id


def version(engine, title: str) -> int:
    with session(engine) as db:
        return db.exec(select(Event.version).where(Event.title == title)).one()


@pytest.mark.usefixtures("sample")
def test_the_next_seven_days_one_line_each_by_day(bot, fake_slack):
    view = home_of(bot, fake_slack)
    assert view["type"] == "home"
    week = part(view, "Next 7 days")
    assert "Next 7 days" in str(view) and "Mon 1 Apr – Sun 7 Apr 2024" in str(view)
    tuesday = week.split("*Tue 2 Apr 2024*")[1].split("*Wed 3 Apr 2024*")[0]
    macron = next(line for line in tuesday.splitlines() if MACRON in line)
    # Venue time, the reader's own time, the city, how firm it is.
    assert macron.startswith("10:00 CEST (<!date^1712044800^")
    assert "Paris" in macron and "Confirmed" in macron
    assert "Tentative" in next(line for line in tuesday.splitlines() if "KNDS" in line)
    assert MINISTERS in week.split("*Wed 3 Apr 2024*")[1]
    assert "Wed 3 – Thu 4 Apr 2024, time TBC" in week
    assert PASHINYAN in week.split("*Fri 5 Apr 2024*")[1]
    assert "75th-anniversary" not in week  # July


def test_a_cancelled_event_is_marked(bot, fake_slack, engine, clock, sample):
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event_id(engine, MACRON),
        version=version(engine, MACRON),
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    )
    line = next(line for line in part(home_of(bot, fake_slack), "Next 7 days").splitlines() if MACRON in line)
    assert f"~{MACRON}~" in line and "CANCELLED" in line


def test_what_i_cover(bot, fake_slack, engine, clock, sample):
    change_coverage(
        engine, team_id=TEAM, actor="U0EDITOR", event_id=event_id(engine, MACRON), users=["U0ALICE"], now=clock()
    )
    mine = part(home_of(bot, fake_slack, "U0ALICE"), "What you cover")
    assert MACRON in mine and "Tue 2 Apr 2024, 10:00–11:00 CEST" in mine
    assert "You cover no upcoming events" in part(home_of(bot, fake_slack, "U0BOB"), "What you cover")


def test_my_follows_and_their_next_events(bot, fake_slack, engine, clock, sample):
    with session(engine) as db, db.begin():
        for n, query in enumerate(["Séjourné", "pashinyan", "obama"]):
            db.add(
                Follow(
                    team_id=TEAM,
                    user_id="U0ALICE",
                    query=query,
                    query_key=query.lower(),
                    tz="Europe/Paris",
                    created_at=clock() + timedelta(seconds=n),
                )
            )
    follows = part(home_of(bot, fake_slack, "U0ALICE"), "Your follows").splitlines()
    assert follows[0].startswith("*Séjourné*  →  ") and "Blinken and Séjourné: talks at the Quai d'Orsay" in follows[0]
    assert follows[1].startswith("*pashinyan*  →  ") and PASHINYAN in follows[1]
    assert follows[2] == "*obama*  →  nothing upcoming"
    assert "You follow nothing yet" in part(home_of(bot, fake_slack, "U0BOB"), "Your follows")


def test_a_coverage_gap_is_shown_until_someone_covers_it(bot, fake_slack, engine, clock, sample):
    # A summit in two days and a half is not a gap yet; a cancelled one tomorrow is none at all.
    add_event(engine, clock, title="Far summit", kind=Kind.SUMMIT, start=clock() + timedelta(hours=60))
    add_event(
        engine,
        clock,
        title="Called-off summit",
        kind=Kind.SUMMIT,
        status=Status.CANCELLED,
        start=clock() + timedelta(hours=20),
    )
    add_event(engine, clock, title="Marked dinner", start=clock() + timedelta(hours=30), marked_key=True)
    # Known only to the month, as the chase never chases it (the same rule).
    add_event(engine, clock, title="Month-only ministerial", kind=Kind.MINISTERIAL, start=clock() + timedelta(hours=20))
    with session(engine) as db, db.begin():
        db.exec(select(Event).where(Event.title == "Month-only ministerial")).unique().one().precision = Precision.MONTH
    gaps = part(home_of(bot, fake_slack), "Coverage gaps")
    assert "Month-only ministerial" not in gaps
    assert MINISTERS in gaps  # Wednesday in Brussels, within 48 hours
    assert MACRON not in gaps  # a bilateral meeting: not a key event
    assert "Marked dinner" in gaps  # an editor marked it key
    assert PASHINYAN not in gaps and "Far summit" not in gaps and "Called-off summit" not in gaps

    change_coverage(
        engine, team_id=TEAM, actor="U0EDITOR", event_id=event_id(engine, MINISTERS), users=["U0BOB"], now=clock()
    )
    gaps = part(home_of(bot, fake_slack), "Coverage gaps")
    assert MINISTERS not in gaps and "Marked dinner" in gaps
    change_coverage(
        engine, team_id=TEAM, actor="U0EDITOR", event_id=event_id(engine, "Marked dinner"), users=["U0BOB"], now=clock()
    )
    gaps = part(home_of(bot, fake_slack), "Coverage gaps")
    assert "has someone covering it" in gaps


def test_the_feeds_health_is_for_editors_only(desk, fake_slack, engine, clock):
    with session(engine) as db, db.begin():
        for name, error in (("Quai d'Orsay", None), ("NATO press office", "HTTP 500 from www.nato.int")):
            db.add(
                FeedSubscription(
                    team_id=TEAM,
                    url=f"https://example.org/{len(name)}.ics",
                    name=name,
                    added_by="U0EDITOR",
                    added_at=clock(),
                    next_sync_at=clock(),
                    last_success_at=datetime(2024, 3, 31, 22, 0, tzinfo=UTC),
                    last_error=error,
                    failing_since=clock() - timedelta(hours=2) if error else None,
                )
            )
    feeds = part(home_of(desk, fake_slack, "U0EDITOR"), "Calendar feeds").splitlines()
    # The failing one first.
    assert feeds[0].startswith(":warning: *NATO press office*") and "HTTP 500 from www.nato.int" in feeds[0]
    assert "failing since <!date^1711951200^" in feeds[0]
    assert feeds[1].startswith(":white_check_mark: *Quai d'Orsay*") and "last good sync <!date^1711922400^" in feeds[1]
    assert "Calendar feeds" not in str(home_of(desk, fake_slack, "U0READER"))


def test_opening_the_tab_records_the_viewer(bot, fake_slack, engine, clock):
    home_of(bot, fake_slack, "U0ALICE")
    clock.advance(timedelta(minutes=5))
    home_of(bot, fake_slack, "U0ALICE")
    with session(engine) as db:
        (viewer,) = db.exec(select(HomeViewer)).all()
    assert (viewer.team_id, viewer.user_id, viewer.opened_at) == (TEAM, "U0ALICE", clock())


def test_within_limits_with_hundreds_of_long_events_and_fifty_follows(desk, fake_slack, engine, clock):
    long_title = "Sommet & <réunion> des ministres " * 8
    for n in range(120):
        add_event(
            engine,
            clock,
            title=f"{long_title} {n}",
            kind=Kind.SUMMIT if n % 2 else Kind.MINISTERIAL,
            start=clock() + timedelta(minutes=40 * n + 30),
        )
    with session(engine) as db, db.begin():
        for n in range(50):
            db.add(
                Follow(
                    team_id=TEAM,
                    user_id="U0EDITOR",
                    query=f"sommet {n} " + "x" * 250,
                    query_key=f"sommet {n}",
                    tz="Europe/Paris",
                    created_at=clock(),
                )
            )
            db.add(
                FeedSubscription(
                    team_id=TEAM,
                    url=f"https://example.org/{n}/" + "x" * 1500,
                    name="Ministère " * 19,
                    added_by="U0EDITOR",
                    added_at=clock(),
                    next_sync_at=clock(),
                    last_error="E" * 500,
                    failing_since=clock(),
                )
            )
    view = home_of(desk, fake_slack)
    assert view_problems(view) == [] and len(view["blocks"]) <= 100
    assert "more — `/trip week`" in part(view, "Next 7 days")
    assert "more — `/trip week`" in part(view, "Coverage gaps")
    assert re.search(r"and \d+ more — `/trip following`", part(view, "Your follows"))
    assert re.search(r"and \d+ more — `/trip feeds`", part(view, "Calendar feeds"))


def test_messages_tab_is_ignored(bot, fake_slack, engine):
    response = bot.event(
        {"type": "app_home_opened", "user": "U0EDITOR", "channel": "D0HOME", "tab": "messages", "event_ts": "1.0"}
    )
    assert response.status_code == 200
    bot.settle()  # the listener has run and returned
    assert fake_slack.calls_to("views.publish") == []
    with session(engine) as db:
        assert db.exec(select(HomeViewer)).all() == []


def test_add_event_opens_the_event_form_for_an_editor(desk, fake_slack):
    response = desk.action({"action_id": ADD_ACTION}, user_id="U0EDITOR", view=HOME_VIEW, trigger_id="1.trigger")
    assert response.status_code == 200
    (opened,) = wait_for_calls(fake_slack, "views.open")
    assert opened.payload["trigger_id"] == "1.trigger"
    assert opened.payload["view"]["callback_id"] == EVENT_FORM


def test_add_event_is_refused_to_a_non_editor(desk, fake_slack):
    response = desk.action({"action_id": ADD_ACTION}, user_id="U0READER", view=HOME_VIEW)
    assert response.status_code == 200
    (opened,) = wait_for_calls(fake_slack, "views.open")
    view = opened.payload["view"]
    assert view["type"] == "modal" and "callback_id" not in view and "submit" not in view
    assert "Only the desk's editors can change the schedule" in view["blocks"][0]["text"]["text"]


def test_draft_from_a_story_opens_the_story_form(desk, fake_slack):
    response = desk.action({"action_id": DRAFT_ACTION}, user_id="U0READER", view=HOME_VIEW)
    assert response.status_code == 200
    (opened,) = wait_for_calls(fake_slack, "views.open")
    assert opened.payload["view"]["callback_id"] == PASTE_CALLBACK


def test_a_button_whose_form_slack_will_not_open_is_logged(desk, fake_slack, caplog):
    fake_slack.fail("views.open", "expired_trigger_id")
    response = desk.action({"action_id": DRAFT_ACTION}, user_id="U0EDITOR", view=HOME_VIEW)
    assert response.status_code == 200
    assert logged(caplog, "views.open from the Home tab failed user=U0EDITOR error=expired_trigger_id")
