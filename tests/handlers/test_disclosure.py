"""What each reader is shown: notes stay out of channel messages, history says that notes
changed to editors only, deleted events are for editors only, and an open schedule is said."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from jobs.agenda import DailyAgenda
from tests.support.cards import card_controls, choose
from tests.support.forms import answer, open_form
from tests.support.schedule import client_for
from tests.support.views import submission
from tests.support.waiting import wait_for_calls

FIRST_NOTES = "Confirmed by Marie at the Elysee press office, +33 6 12 34 56 78"
SECOND_NOTES = "Off the record: the dinner is the real meeting"
READER = "U0READER"
EVERYONE_EDITS = "Everyone in the workspace can change the schedule: TRIPDESK_EDITORS is empty"


def add_with_notes(bot, fake_slack) -> None:
    assert answer(bot, open_form(bot, fake_slack)["view"], notes=FIRST_NOTES)["response_action"] == "update"
    wait_for_calls(fake_slack, "chat.postMessage")


def edit(bot, fake_slack, **values) -> None:
    opened = len(fake_slack.calls_to("views.open"))
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["edit"])
    view = wait_for_calls(fake_slack, "views.open", opened + 1)[-1].payload["view"]
    assert json.loads(bot.submit(submission(view, values)).text)["response_action"] == "update"
    bot.settle()


def everything_sent(fake_slack) -> str:
    return json.dumps([c.payload for c in fake_slack.calls if c.method == "chat.postMessage"], ensure_ascii=False)


def history(bot, query: str, user_id: str) -> dict:
    return json.loads(bot.command(f"history {query}", user_id=user_id).text)


def test_change_notices_never_show_notes(desk, fake_slack):
    add_with_notes(desk, fake_slack)
    edit(desk, fake_slack, notes=SECOND_NOTES, venue="Quai d'Orsay")
    notices = fake_slack.posts("C0FOREIGN")
    assert len(notices) == 2 and "Place: Élysée Palace" in json.dumps(notices[1].payload, ensure_ascii=False)
    edit(desk, fake_slack, notes="")  # the notes alone: nothing for the channel
    assert len(fake_slack.posts("C0FOREIGN")) == 2
    sent = everything_sent(fake_slack)
    assert "Marie" not in sent and "Off the record" not in sent and "Notes" not in sent


def test_the_daily_agenda_leaves_notes_out(desk, fake_slack, engine, clock, ctx):
    agenda = DailyAgenda(
        engine=engine,
        client=client_for(fake_slack),
        clock=clock,
        newsroom_tz=ctx.settings.newsroom_tz,
        channel_id="C0AGENDA",
        team_id=lambda: "T0NEWSROOM",
        replica="r1",
    )
    clock.moment = datetime(2024, 3, 31, 5, 0, tzinfo=UTC)
    assert agenda.post() == "posted"
    clock.moment = datetime(2024, 3, 31, 9, 0, tzinfo=UTC)
    add_with_notes(desk, fake_slack)
    edit(desk, fake_slack, notes=SECOND_NOTES, status="tentative")
    clock.moment = datetime(2024, 4, 1, 5, 0, tzinfo=UTC)
    assert agenda.post() == "posted"
    posted = json.dumps(fake_slack.posts("C0AGENDA")[-1].payload, ensure_ascii=False)
    assert "Changed since the last agenda" in posted and "Status: Confirmed → Tentative" in posted
    assert "Marie" not in posted and "Off the record" not in posted and "Notes" not in posted


def test_history_tells_editors_that_notes_changed_and_others_nothing(desk, fake_slack):
    add_with_notes(desk, fake_slack)
    edit(desk, fake_slack, notes=SECOND_NOTES, venue="Quai d'Orsay")
    for_editor = json.dumps(history(desk, "macron", "U0EDITOR"), ensure_ascii=False)
    assert "Notes changed" in for_editor and "Place: Élysée Palace" in for_editor
    for_reader = json.dumps(history(desk, "macron", READER), ensure_ascii=False)
    assert "Place: Élysée Palace" in for_reader and "Notes" not in for_reader
    for text in (for_editor, for_reader):
        assert "Marie" not in text and "Off the record" not in text


def test_deleted_events_are_shown_to_editors_only(desk, fake_slack, engine):
    add_with_notes(desk, fake_slack)
    menu, _ = card_controls(desk, "macron")
    choose(desk, fake_slack, menu["delete"])
    dialog = wait_for_calls(fake_slack, "views.open", 2)[-1].payload["view"]
    assert desk.submit(submission(dialog, {})).text == ""
    assert "deleted it" in json.dumps(history(desk, "macron", "U0EDITOR"))
    assert "Macron" in json.dumps(json.loads(desk.command("reminders macron", user_id="U0EDITOR").text))
    for command in ("history", "reminders"):
        unknown = desk.command(f"{command} zzzzzz", user_id=READER).text
        assert desk.command(f"{command} macron", user_id=READER).text == unknown.replace("zzzzzz", "macron")
        assert "No events match." in unknown


def test_help_says_so_when_everyone_may_edit(bot, desk):
    assert EVERYONE_EDITS in json.dumps(json.loads(bot.command("help").text))
    for user in ("U0EDITOR", READER):
        assert "TRIPDESK_EDITORS" not in desk.command("help", user_id=user).text
