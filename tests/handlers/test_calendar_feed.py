"""`/trip feed [query]` and `/trip feed rotate` through signed commands."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from handlers.context import AppContext
from services.calendar_feed import feed_token
from tests.support.block_kit_limits import message_problems
from tests.support.bot_server import BotServer
from tests.support.schedule import TEAM
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app

PUBLIC = "https://tripdesk.example.org"


def bot_with(settings, engine, clock, **changes):
    ctx = AppContext(settings=replace(settings, editors=frozenset({"U0EDITOR"}), **changes), engine=engine, clock=clock)
    bolt = create_app(ctx)
    return BotServer(asgi_app(engine=engine, bolt=bolt), bolt=bolt).start()


@pytest.fixture
def feed_desk(settings, engine, clock):
    server = bot_with(settings, engine, clock, public_url=PUBLIC)
    yield server
    server.stop()


@pytest.fixture
def unaddressed_desk(settings, engine, clock):
    server = bot_with(settings, engine, clock, public_url=None)
    yield server
    server.stop()


def reply(server, text, user_id="U0READER") -> dict:
    answer = json.loads(server.command(text, user_id=user_id).text)
    assert answer["response_type"] == "ephemeral"
    assert message_problems(answer) == []
    return answer


def address(answer: dict) -> str:
    return answer["text"].rsplit(" ", 1)[-1]


def test_anyone_gets_the_https_address_and_how_to_subscribe(feed_desk):
    answer = reply(feed_desk, "feed")
    url = address(answer)
    assert url.startswith(f"{PUBLIC}/calendar/") and url.endswith(".ics")
    shown = json.dumps(answer["blocks"], ensure_ascii=False)
    assert url in shown
    assert "From URL" in shown and "Subscribe from web" in shown
    assert "every 8 to 24 hours" in shown and "Slack" in shown
    # The same address for everyone, each time.
    assert address(reply(feed_desk, "feed", user_id="U0EDITOR")) == url


def test_a_querys_address_carries_the_query(feed_desk):
    whole = address(reply(feed_desk, "feed"))
    answer = reply(feed_desk, "feed Séjourné <!channel>")
    assert address(answer) == whole + "?q=S%C3%A9journ%C3%A9%20%3C%21channel%3E"
    shown = json.dumps(answer["blocks"], ensure_ascii=False)
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown


def test_without_a_public_address_it_says_what_to_set(unaddressed_desk):
    answer = reply(unaddressed_desk, "feed")
    assert "TRIPDESK_PUBLIC_URL" in answer["text"]
    assert "/calendar/" not in answer["text"]


def test_only_editors_rotate(feed_desk):
    before = address(reply(feed_desk, "feed"))
    refused = reply(feed_desk, "feed rotate", user_id="U0READER")
    assert "Only the desk's editors" in refused["text"]
    assert address(reply(feed_desk, "feed")) == before

    rotated = reply(feed_desk, "feed rotate", user_id="U0EDITOR")
    assert "stopped working" in rotated["text"]
    new = address(rotated)
    assert new != before and new.startswith(f"{PUBLIC}/calendar/")
    assert address(reply(feed_desk, "feed")) == new
    assert feed_desk.http.get(before.removeprefix(PUBLIC)).status_code == 404
    assert feed_desk.http.get(new.removeprefix(PUBLIC)).status_code == 200


def test_rotating_without_a_public_address_still_ends_the_old_one(unaddressed_desk, engine, clock):
    old = feed_token(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=clock())
    rotated = reply(unaddressed_desk, "feed rotate", user_id="U0EDITOR")
    assert "stopped working" in rotated["text"] and "TRIPDESK_PUBLIC_URL" in rotated["text"]
    assert "/calendar/" not in rotated["text"]
    assert unaddressed_desk.http.get(f"/calendar/{old}.ics").status_code == 404
    new = feed_token(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=clock())
    assert unaddressed_desk.http.get(f"/calendar/{new}.ics").status_code == 200
