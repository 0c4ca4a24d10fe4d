"""Edit, postpone, cancel and delete from an event card; coverage; history; concurrent edits."""

from __future__ import annotations

import json
import threading

import pytest
from sqlmodel import select

from storage.db import session
from storage.models import Event
from tests.support.cards import card_controls, choose
from tests.support.forms import answer, open_form
from tests.support.views import submission
from tests.support.waiting import wait_for_calls


def add(bot, fake_slack, **values) -> None:
    assert answer(bot, open_form(bot, fake_slack)["view"], **values)["response_action"] == "update"


def the_event(engine) -> Event:
    with session(engine) as db:
        (event,) = db.exec(select(Event)).unique()
        return event


@pytest.fixture
def added(bot, fake_slack):
    add(bot, fake_slack, start_time="10:00", end_date="2024-04-02", end_time="11:00")
    wait_for_calls(fake_slack, "chat.postMessage")


def open_edit(bot, fake_slack, count=1) -> dict:
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["edit"])
    return wait_for_calls(fake_slack, "views.open", 1 + count)[-1].payload["view"]


def test_edit_opens_the_same_modal_prefilled(bot, fake_slack, added, engine):
    view = open_edit(bot, fake_slack)
    blocks = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert blocks["title"]["initial_value"] == "Blinken meets President Macron"
    assert blocks["start_time"]["initial_time"] == "10:00"
    assert blocks["tz"]["initial_option"]["value"] == "Europe/Paris"
    event = the_event(engine)
    assert json.loads(view["private_metadata"]) == {"e": event.id, "v": event.version}


def test_moving_an_event_posts_the_difference_in_its_thread(bot, fake_slack, added, engine):
    view = open_edit(bot, fake_slack)
    reply = bot.submit(submission(view, {"start_time": "15:00", "end_time": "16:00"}))
    assert json.loads(reply.text)["response_action"] == "update"
    notice = wait_for_calls(fake_slack, "chat.postMessage", 2)[1].payload
    thread = the_event(engine).thread_ts
    assert notice["thread_ts"] == thread and notice["reply_broadcast"] is True
    assert "Moved: Tue 2 Apr 2024, 10:00–11:00 → 15:00–16:00 CEST" in notice["blocks"][0]["text"]["text"]
    assert "15:00–16:00 CEST" in json.loads(bot.command("macron").text)["text"]


def test_a_stale_edit_is_refused(bot, fake_slack, added, engine):
    first = open_edit(bot, fake_slack, 1)
    second = open_edit(bot, fake_slack, 2)
    assert json.loads(bot.submit(submission(first, {"venue": "Quai d'Orsay"})).text)["response_action"] == "update"
    reply = json.loads(bot.submit(submission(second, {"start_time": "09:00"})).text)
    assert reply["response_action"] == "errors", reply
    assert "changed since you opened it" in reply["errors"]["title"]
    event = the_event(engine)
    assert event.venue == "Quai d'Orsay" and event.version == 2


def test_concurrent_saves_one_wins(bot, fake_slack, added, engine):
    views = [open_edit(bot, fake_slack, n) for n in (1, 2, 3, 4)]
    results = []

    def save(view, time):
        results.append(json.loads(bot.submit(submission(view, {"start_time": time})).text)["response_action"])

    threads = [threading.Thread(target=save, args=(view, f"0{6 + n}:00")) for n, view in enumerate(views)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["errors", "errors", "errors", "update"]
    assert the_event(engine).version == 2


def test_cancel_asks_first_then_marks_and_announces(bot, fake_slack, added, engine):
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["cancel"])
    dialog = wait_for_calls(fake_slack, "views.open", 2)[-1].payload["view"]
    assert dialog["callback_id"] == "event_confirm" and "Cancel this event?" in json.dumps(dialog)
    assert the_event(engine).status.value == "confirmed"  # only the dialog is open
    response = bot.submit(submission(dialog, {}))
    assert response.status_code == 200 and response.text == ""
    assert the_event(engine).status.value == "cancelled"
    notice = wait_for_calls(fake_slack, "chat.postMessage", 2)[1].payload
    assert "*Cancelled:* Blinken meets President Macron" in notice["blocks"][0]["text"]["text"]
    assert notice["reply_broadcast"] is True
    assert "CANCELLED" in json.dumps(json.loads(bot.command("macron").text))


def test_postpone(bot, fake_slack, added, engine):
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["postpone"])
    notice = wait_for_calls(fake_slack, "chat.postMessage", 2)[1].payload
    assert "Postponed, new date TBC" in notice["blocks"][0]["text"]["text"]
    assert the_event(engine).status.value == "postponed"
    menu, _ = card_controls(bot, "macron")
    assert "postpone" not in menu


def test_delete_takes_it_off_the_schedule_and_keeps_its_history(bot, fake_slack, added, engine):
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["delete"])
    dialog = wait_for_calls(fake_slack, "views.open", 2)[-1].payload["view"]
    bot.submit(submission(dialog, {}))
    assert "no events" in json.loads(bot.command("macron").text)["text"]
    history = json.loads(bot.command("history macron").text)
    assert "deleted it" in json.dumps(history) and "added it to the schedule" in json.dumps(history)


def test_a_stale_cancel_dialog_does_nothing(bot, fake_slack, added, engine):
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["cancel"])
    dialog = wait_for_calls(fake_slack, "views.open", 2)[-1].payload["view"]
    view = open_edit(bot, fake_slack, 2)
    bot.submit(submission(view, {"venue": "Quai d'Orsay"}))
    reply = json.loads(bot.submit(submission(dialog, {})).text)
    assert reply["response_action"] == "update" and "Nothing was changed" in json.dumps(reply["view"])
    assert the_event(engine).status.value == "confirmed"


def test_ill_cover_and_mine(bot, fake_slack, added, engine):
    _, buttons = card_controls(bot, "macron")
    bot.action(
        {"type": "button", "action_id": "cover_me", "value": buttons["cover_me"]["value"]},
        user_id="U0CORRESP",
        response_url=fake_slack.response_url("c"),
    )
    reply = wait_for_calls(fake_slack, "response_url")[0].payload
    assert "You cover" in reply["text"]
    notice = wait_for_calls(fake_slack, "chat.postMessage", 2)[1].payload
    assert "<@U0CORRESP> is covering" in notice["blocks"][0]["text"]["text"]
    assert "Covering: <@U0CORRESP>" in json.dumps(json.loads(bot.command("macron").text))
    mine = json.loads(bot.command("mine", user_id="U0CORRESP").text)
    assert mine["text"].startswith("You cover 1 upcoming event") and "Macron" in mine["text"]
    assert json.loads(bot.command("mine", user_id="U0SOMEONE").text)["text"].startswith("You cover 0")


def test_assign_sets_who_covers(bot, fake_slack, added, engine):
    _, buttons = card_controls(bot, "macron")
    bot.action(
        {"type": "button", "action_id": "assign", "value": buttons["assign"]["value"]},
        response_url=fake_slack.response_url("a"),
    )
    dialog = wait_for_calls(fake_slack, "views.open", 2)[-1].payload["view"]
    assert dialog["callback_id"] == "event_assign"
    bot.submit(submission(dialog, {"assignees": ["U0ALICE", "U0BOB"]}))
    assert [c.user_id for c in the_event(engine).coverage] == ["U0ALICE", "U0BOB"]
    notice = wait_for_calls(fake_slack, "chat.postMessage", 2)[1].payload
    assert "<@U0ALICE>, <@U0BOB> now covering" in notice["blocks"][0]["text"]["text"]
    history = json.dumps(json.loads(bot.command("history macron").text), ensure_ascii=False)
    assert "coverage: nobody → <@U0ALICE>, <@U0BOB>" in history


def test_assign_refuses_anything_but_user_ids(bot, fake_slack, added, engine):
    _, buttons = card_controls(bot, "macron")
    bot.action(
        {"type": "button", "action_id": "assign", "value": buttons["assign"]["value"]},
        response_url=fake_slack.response_url("a"),
    )
    dialog = wait_for_calls(fake_slack, "views.open", 2)[-1].payload["view"]
    for chosen in (["<!channel>"], ["U0ALICE", "U0BOB|x"], "U0ALICE", [42]):
        view = submission(dialog, {})
        view["state"] = {
            "values": {"assignees": {"assignees": {"type": "multi_users_select", "selected_users": chosen}}}
        }
        reply = json.loads(bot.submit(view).text)
        assert reply == {"response_action": "errors", "errors": {"assignees": "Choose people from the list."}}
    assert the_event(engine).coverage == []
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # the notice of the new event only


def test_history_is_newest_first(bot, fake_slack, added, engine, clock):
    from datetime import timedelta

    clock.advance(timedelta(minutes=5))
    view = open_edit(bot, fake_slack)
    bot.submit(submission(view, {"status": "tentative", "venue": "Quai d'Orsay"}))
    history = json.loads(bot.command("history macron").text)
    text = "\n".join(b["text"]["text"] for b in history["blocks"] if b["type"] == "section")
    assert text.index("Status: Confirmed → Tentative") < text.index("added it to the schedule")
    assert "Place: Élysée Palace, Paris, France → Quai d&#39;Orsay" not in text
    assert "Place: Élysée Palace, Paris, France → Quai d'Orsay, Paris, France" in text
    assert "<@U0EDITOR>" in text


def test_another_workspace_cannot_touch_the_event(bot, fake_slack, added, engine):
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["edit"], team_id="T0OTHER")
    reply = wait_for_calls(fake_slack, "response_url")[0].payload
    assert "no longer on the schedule" in reply["text"]
    assert len(fake_slack.calls_to("views.open")) == 1


def test_an_editor_marks_an_event_key_on_its_card_and_in_its_history(bot, fake_slack, added, engine):
    assert not the_event(engine).marked_key
    view = open_edit(bot, fake_slack)
    key = next(b for b in view["blocks"] if b["block_id"] == "marked_key")["element"]
    assert key["type"] == "checkboxes" and "initial_options" not in key
    bot.submit(submission(view, {"marked_key": ["yes"]}))
    assert the_event(engine).marked_key
    card = json.dumps(json.loads(bot.command("macron").text), ensure_ascii=False)
    assert ":key: Key event" in card
    history = json.dumps(json.loads(bot.command("history macron").text), ensure_ascii=False)
    assert "Key event: No → Yes" in history
    view = open_edit(bot, fake_slack, 2)
    key = next(b for b in view["blocks"] if b["block_id"] == "marked_key")["element"]
    assert [o["value"] for o in key["initial_options"]] == ["yes"]
    bot.submit(submission(view, {"venue": "Quai d'Orsay"}))  # kept when other fields change
    assert the_event(engine).marked_key
