"""`/trip changes` through signed requests: a colleague's edits, grouped by event, with who made
them; the marker that makes the next ask show only what is new; windows; the Home tab."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from domain.vocabulary import Status
from services.editing import change_coverage, delete_event, set_status
from services.importing import import_calendar
from storage.db import session
from storage.models import ChangesSeen, Event, EventChange
from tests.handlers.test_app_home import home_of, part
from tests.support.block_kit_limits import message_problems
from tests.support.calendars import Stop, calendar
from tests.support.cards import card_controls, choose
from tests.support.schedule import TEAM, add_event
from tests.support.views import submission
from tests.support.waiting import logged, wait_for_calls

pytestmark = pytest.mark.usefixtures("sample")

MACRON = "Blinken meets President Macron"
KNDS = "Visit to the KNDS artillery plant with Sébastien Lecornu"
PASHINYAN = "US–EU–Armenia meeting with Prime Minister Nikol Pashinyan"
LUNCH = "Lunch with Jean-Noël Barrot"
COLLEAGUE, ME = "U0EDITOR", "U0ALICE"


def ask(bot, fake_slack, text: str = "changes", user: str = ME) -> dict:
    """The reply to `/trip changes`: through the response_url after an empty acknowledgement, or
    in the acknowledgement for bad input. Returns once the marker has moved."""
    before = len(fake_slack.calls_to("response_url"))
    response = bot.command(text, user_id=user, response_url=fake_slack.response_url("changes"))
    assert response.status_code == 200, response.text
    if response.text:
        message = json.loads(response.text)
    else:
        message = wait_for_calls(fake_slack, "response_url", before + 1)[before].payload
        bot.settle()
    assert message["response_type"] == "ephemeral"
    assert message_problems(message) == []
    return message


def entries(message: dict) -> list[str]:
    """Each event's entry: the sections after the header and the span."""
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def contexts(message: dict) -> str:
    return "\n".join(e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"])


def the_event(engine, title: str) -> Event:
    with session(engine) as db:
        return db.exec(select(Event).where(Event.title == title)).unique().one()


def set_to(engine, clock, title: str, status: Status, actor: str = COLLEAGUE) -> None:
    event = the_event(engine, title)
    assert event.id is not None
    set_status(
        engine,
        team_id=TEAM,
        actor=actor,
        event_id=event.id,
        version=event.version,
        status=status,
        now=clock(),
        default_channel=None,
    )


def move_macron_in_the_form(bot, fake_slack, user: str = COLLEAGUE) -> None:
    """The colleague opens Edit from the card's ⋯ menu and moves the meeting to 15:00."""
    before = len(fake_slack.calls_to("views.open"))
    menu, _ = card_controls(bot, "macron", user_id=user)
    choose(bot, fake_slack, menu["edit"], user_id=user)
    view = wait_for_calls(fake_slack, "views.open", before + 1)[-1].payload["view"]
    reply = bot.submit(submission(view, {"start_time": "15:00", "end_time": "16:00"}), user_id=user)
    assert json.loads(reply.text)["response_action"] == "update", reply.text


@pytest.fixture
def colleague_edits(bot, fake_slack, engine, clock):
    """A colleague's morning: Macron moved, KNDS confirmed, Pashinyan cancelled, a lunch added."""
    move_macron_in_the_form(bot, fake_slack)
    clock.advance(timedelta(minutes=1))
    set_to(engine, clock, KNDS, Status.CONFIRMED)
    clock.advance(timedelta(minutes=1))
    set_to(engine, clock, PASHINYAN, Status.CANCELLED)
    clock.advance(timedelta(minutes=1))
    add_event(engine, clock, title=LUNCH, start=datetime(2024, 4, 4, 11, 0, tzinfo=UTC), actor=COLLEAGUE)
    clock.advance(timedelta(minutes=5))


def test_lists_exactly_the_colleagues_edits_grouped_with_who(fake_slack, bot, colleague_edits):
    message = ask(bot, fake_slack)
    shown = entries(message)
    assert len(shown) == 4
    # In the schedule's order: the soonest event first.
    macron, knds, lunch, pashinyan = shown
    assert macron.startswith(":arrow_right: Moved — *Blinken meets President Macron*")
    assert "Moved: Tue 2 Apr 2024, 10:00–11:00 → 15:00–16:00 CEST" in macron
    assert "Tue 2 Apr 2024, 15:00–16:00 CEST (<!date^" in macron  # venue time now, and the reader's
    assert knds.startswith(":white_check_mark: Confirmed — *Visit to the KNDS")
    assert "confirmed it" in knds
    assert lunch.startswith(":new: New — *Lunch with Jean-Noël Barrot*\nThu 4 Apr 2024, 13:00 CEST")
    assert pashinyan.startswith(":x: Cancelled — ~US–EU–Armenia meeting")
    for entry in shown:
        assert f"<@{COLLEAGUE}>, <!date^" in entry
    assert "in the last 24 hours" in contexts(message) and "the first time you asked" in contexts(message)
    assert "Séjourné" not in json.dumps(message, ensure_ascii=False)  # unchanged events are not there
    assert message["text"].startswith("What changed, in the last 24 hours: 4 events")


def test_asking_again_shows_only_what_is_new(fake_slack, bot, engine, clock, colleague_edits):
    assert len(entries(ask(bot, fake_slack))) == 4
    again = ask(bot, fake_slack)
    assert entries(again) == ["Nothing changed on the schedule."]
    assert "after the newest change you were last shown" in contexts(again)
    clock.advance(timedelta(minutes=10))
    set_to(engine, clock, MACRON, Status.TENTATIVE)
    (only,) = entries(ask(bot, fake_slack))
    assert MACRON in only and "Status: Confirmed → Tentative" not in only and "marked it tentative" in only
    assert entries(ask(bot, fake_slack)) == ["Nothing changed on the schedule."]


def test_a_change_at_the_same_instant_as_the_last_one_shown_is_not_skipped(
    fake_slack, bot, engine, clock, colleague_edits
):
    ask(bot, fake_slack)
    # The clock has not moved: a change made at the very instant of the last one shown.
    clock.advance(timedelta(minutes=-5))
    set_to(engine, clock, MACRON, Status.TENTATIVE)
    (only,) = entries(ask(bot, fake_slack))
    assert MACRON in only


def test_a_window_shows_its_span_and_leaves_the_marker(fake_slack, bot, engine, clock, colleague_edits):
    assert len(entries(ask(bot, fake_slack))) == 4
    with session(engine) as db:
        marker = db.get(ChangesSeen, (TEAM, ME))
        assert marker is not None
    window = ask(bot, fake_slack, "changes 24h")
    assert len(entries(window)) == 4
    assert "in the last 24 hours, since <!date^" in contexts(window)
    assert "the first time" not in contexts(window)
    # The colleague cancelled at 08:02 and added the lunch at 08:03; it is 08:08.
    assert entries(ask(bot, fake_slack, "changes 2 min")) == ["Nothing changed on the schedule."]
    assert [e.split("\n")[0] for e in entries(ask(bot, fake_slack, "changes 6m"))] == [
        ":new: New — *Lunch with Jean-Noël Barrot*",
        ":x: Cancelled — ~US–EU–Armenia meeting with Prime Minister Nikol Pashinyan~",
    ]
    with session(engine) as db:
        assert db.get(ChangesSeen, (TEAM, ME)) == marker
    assert entries(ask(bot, fake_slack)) == ["Nothing changed on the schedule."]
    clock.advance(timedelta(days=2))
    assert entries(ask(bot, fake_slack, "changes 24h")) == ["Nothing changed on the schedule."]
    assert len(entries(ask(bot, fake_slack, "changes 3d"))) == 4


def test_my_own_changes_are_left_out_and_counted(fake_slack, bot, engine, clock, colleague_edits):
    clock.advance(timedelta(minutes=1))
    set_to(engine, clock, MACRON, Status.TENTATIVE, actor=ME)
    mine = ask(bot, fake_slack)
    assert len(entries(mine)) == 4  # Macron stays, for the colleague's move: only that is listed
    macron = next(e for e in entries(mine) if MACRON in e)
    assert "marked it tentative" not in macron and f"<@{ME}>" not in macron
    assert "Your own changes (1 event) are not listed." in contexts(mine)
    theirs = ask(bot, fake_slack, user=COLLEAGUE)
    assert [e for e in entries(theirs)] == [next(e for e in entries(theirs) if MACRON in e)]
    assert "marked it tentative" in entries(theirs)[0]
    assert "Your own changes (4 events) are not listed." in contexts(theirs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("changes soon", "I can't read 'soon' as a span of time"),
        ("changes 24 parsecs", "I can't read '24 parsecs'"),
        ("changes 0h", "from 1 minute to 30 days"),
        ("changes 2months", "I can't read"),
        ("changes 45d", "from 1 minute to 30 days"),
    ],
)
def test_bad_input_gets_one_clear_line(fake_slack, bot, engine, text, expected):
    message = ask(bot, fake_slack, text)
    assert len(message["blocks"]) == 1 and expected in message["text"]
    with session(engine) as db:
        assert db.get(ChangesSeen, (TEAM, ME)) is None


def test_imports_coverage_and_deletions_name_their_source(fake_slack, bot, engine, clock):
    import_calendar(
        engine,
        team_id=TEAM,
        data=calendar(Stop("tirana-1@state", "Blinken in Tirana", "20240403T090000", place="Tirana\\, Albania")),
        fallback_tz="Europe/Paris",
        actor="import",
        now=clock(),
        source="https://example.org/state.ics",
    )
    macron = the_event(engine, MACRON)
    assert macron.id is not None
    change_coverage(engine, team_id=TEAM, actor=COLLEAGUE, event_id=macron.id, users=["U0BOB"], now=clock())
    knds = the_event(engine, KNDS)
    assert knds.id is not None
    delete_event(
        engine,
        team_id=TEAM,
        actor=COLLEAGUE,
        event_id=knds.id,
        version=knds.version,
        now=clock(),
        default_channel=None,
    )
    shown = entries(ask(bot, fake_slack))
    tirana = next(e for e in shown if "Tirana" in e)
    assert tirana.startswith(":new: New") and "by import of https://example.org/state.ics" in tirana
    cover = next(e for e in shown if MACRON in e)
    assert cover.startswith(":writing_hand: Coverage") and "coverage: nobody → <@U0BOB>" in cover
    gone = next(e for e in shown if "KNDS" in e)
    assert gone.startswith(":wastebasket: Taken off the schedule — ~Visit to the KNDS")


def test_many_changes_stay_within_limits_and_say_how_many_more(fake_slack, bot, engine, clock):
    start = clock() + timedelta(days=3)
    for n in range(40):
        add_event(engine, clock, title=f"Briefing {n:02d} " + "<!channel> & " * 20, start=start + timedelta(hours=n))
    message = ask(bot, fake_slack)
    assert len(entries(message)) == 25
    footer = contexts(message)
    assert "And 15 more events changed: Briefing 25" in footer
    assert "`/trip changes 24h` shows this span again" in footer
    assert "<!channel>" not in json.dumps(message["blocks"]) and "&lt;!channel&gt;" in json.dumps(message["blocks"])
    assert "<!channel>" not in message["text"]
    # All were read: the next ask is empty.
    assert entries(ask(bot, fake_slack)) == ["Nothing changed on the schedule."]


def test_the_home_tab_shows_them_without_moving_the_marker(bot, fake_slack, engine, colleague_edits):
    since = part(home_of(bot, fake_slack, ME), "Since you last looked")
    lines = since.splitlines()
    assert lines[0] == "Changed by others in the last 24 hours: `/trip changes` lists them in full:"
    assert MACRON in lines[1] and "Moved" in lines[1] and f"by <@{COLLEAGUE}>" in lines[1]
    assert [line for line in lines[1:5] if "Cancelled" in line] == [lines[4]]
    with session(engine) as db:
        assert db.get(ChangesSeen, (TEAM, ME)) is None
    assert len(entries(ask(bot, fake_slack))) == 4
    after = part(home_of(bot, fake_slack, ME), "Since you last looked")
    assert after == "Nothing has changed on the schedule since your last `/trip changes`."
    # The colleague's own tab leaves their own changes out.
    assert "Nothing has changed" in part(home_of(bot, fake_slack, COLLEAGUE), "Since you last looked")


def test_a_change_of_the_notes_alone_is_not_listed_to_those_who_may_not_see_it(desk, fake_slack, engine):
    before = len(fake_slack.calls_to("views.open"))
    menu, _ = card_controls(desk, "macron", user_id=COLLEAGUE)
    choose(desk, fake_slack, menu["edit"], user_id=COLLEAGUE)
    view = wait_for_calls(fake_slack, "views.open", before + 1)[-1].payload["view"]
    reply = desk.submit(submission(view, {"notes": "Embassy contact: secret"}), user_id=COLLEAGUE)
    assert json.loads(reply.text)["response_action"] == "update", reply.text
    message = ask(desk, fake_slack)
    assert entries(message) == ["Nothing changed on the schedule."]
    assert "secret" not in json.dumps(message)
    with session(engine) as db:
        assert db.get(ChangesSeen, (TEAM, ME)) is not None


def test_a_reply_slack_did_not_take_leaves_the_marker(bot, fake_slack, engine, clock, colleague_edits, caplog):
    fake_slack.fail("response_url", "internal_error", status=500)
    before = len(fake_slack.calls_to("response_url"))
    response = bot.command("changes", user_id=ME, response_url=fake_slack.response_url("changes"))
    assert response.status_code == 200 and response.text == ""
    wait_for_calls(fake_slack, "response_url", before + 1)
    bot.settle()
    with session(engine) as db:
        assert db.get(ChangesSeen, (TEAM, ME)) is None
    assert logged(caplog, "changes not shown, the marker stays user=U0ALICE")
    fake_slack.failures.clear()
    assert len(entries(ask(bot, fake_slack))) == 4
    assert entries(ask(bot, fake_slack)) == ["Nothing changed on the schedule."]


def test_an_event_changed_hundreds_of_times_hides_no_other(bot, fake_slack, engine, clock):
    add_event(engine, clock, title="Quiet but soon", start=clock() + timedelta(days=1), actor=COLLEAGUE)
    clock.advance(timedelta(minutes=1))
    busy = add_event(engine, clock, title="Busy", start=clock() + timedelta(days=5), actor="U0CAROL")
    with session(engine) as db, db.begin():
        for n in range(650):
            db.add(
                EventChange(
                    team_id=TEAM,
                    event_id=busy.id,
                    actor="U0CAROL",
                    at=clock() + timedelta(seconds=n + 1),
                    action="changed",
                    field="title",
                    old=str(n),
                    new=str(n + 1),
                )
            )
    clock.advance(timedelta(hours=1))
    message = ask(bot, fake_slack)
    first, second = entries(message)
    assert first.startswith(":new: New — *Quiet but soon*")
    # The busy one's five latest changes, the rest counted; still "New", from its first change.
    assert second.startswith(":new: New · :pencil2: Edited — *Busy*")
    assert second.count("• <@U0CAROL>") == 5 and "Title: 649 → 650" in second
    assert "• and 646 earlier changes" in second
    assert "more events changed" not in contexts(message)
    assert entries(ask(bot, fake_slack)) == ["Nothing changed on the schedule."]
