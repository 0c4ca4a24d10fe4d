"""TRIPDESK_EDITORS: only listed users and members of listed user groups change the schedule."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlmodel import select

from handlers.context import AppContext
from storage.db import session
from storage.models import Event
from tests.support.bot_server import BotServer
from tests.support.cards import card_controls, choose
from tests.support.forms import answer, open_form
from tests.support.views import submission
from tests.support.waiting import wait_for_calls
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app


@pytest.fixture
def desk(settings, engine, clock, fake_slack):
    fake_slack.groups["S0DESK"] = ["U0GROUPIE"]
    ctx = AppContext(settings=replace(settings, editors=frozenset({"U0EDITOR", "S0DESK"})), engine=engine, clock=clock)
    server = BotServer(asgi_app(engine=engine, bolt=create_app(ctx))).start()
    yield server
    server.stop()


def events(engine) -> list[Event]:
    with session(engine) as db:
        return list(db.exec(select(Event)).unique())


def test_non_editors_are_refused_politely_and_no_modal_opens(desk, fake_slack):
    reply = json.loads(desk.command("add", user_id="U0READER").text)
    assert reply["response_type"] == "ephemeral"
    assert "Only the desk's editors can change the schedule" in reply["text"]
    assert fake_slack.calls_to("views.open") == []


def test_listed_users_and_group_members_may_add(desk, fake_slack, engine):
    open_form(desk, fake_slack, user_id="U0EDITOR")
    view = open_form(desk, fake_slack, user_id="U0GROUPIE")["view"]
    assert [c.payload["usergroup"] for c in fake_slack.calls_to("usergroups.users.list")] == ["S0DESK"]
    response = desk.submit(
        submission(
            view, {"title": "Séjourné talks", "start_date": "2024-04-02", "start_time": "12:00", "city": "Paris"}
        ),
        user_id="U0GROUPIE",
    )
    assert json.loads(response.text)["response_action"] == "update"
    assert [e.created_by for e in events(engine)] == ["U0GROUPIE"]


def test_a_submission_from_a_non_editor_is_refused(desk, fake_slack, engine):
    view = open_form(desk, fake_slack)["view"]
    reply = json.loads(
        desk.submit(
            submission(view, {"title": "Forged", "start_date": "2024-04-02", "start_time": "12:00"}), user_id="U0READER"
        ).text
    )
    assert reply["response_action"] == "errors" and "editors" in reply["errors"]["title"]
    assert events(engine) == []


def test_non_editors_cannot_use_the_menu_but_can_cover(desk, fake_slack, engine):
    answer(desk, open_form(desk, fake_slack)["view"])
    menu, buttons = card_controls(desk, "macron", user_id="U0READER")
    choose(desk, fake_slack, menu["cancel"], user_id="U0READER")
    refusal = wait_for_calls(fake_slack, "response_url")[0].payload
    assert "Only the desk's editors" in refusal["text"]
    assert len(fake_slack.calls_to("views.open")) == 1
    desk.action(
        {"type": "button", "action_id": "cover_me", "value": buttons["cover_me"]["value"]},
        user_id="U0READER",
        response_url=fake_slack.response_url("c"),
    )
    wait_for_calls(fake_slack, "response_url", 2)
    assert [c.user_id for c in events(engine)[0].coverage] == ["U0READER"]


def test_a_failing_group_lookup_refuses(desk, fake_slack):
    fake_slack.fail("usergroups.users.list", "ratelimited", status=429)
    reply = json.loads(desk.command("add", user_id="U0GROUPIE").text)
    assert "Only the desk's editors" in reply["text"]
