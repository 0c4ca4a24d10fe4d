"""The buttons under a `/trip` reply, clicked as Slack sends the clicks."""

from __future__ import annotations

import json

import pytest

from tests.support.cards import buttons
from tests.support.samples import load_ics
from tests.support.waiting import wait_for_calls

pytestmark = pytest.mark.usefixtures("sample")


def replies(bot, fake_slack, count: int) -> list[dict]:
    """The response_url posts, once `count` have come and every listener has returned: button
    handlers acknowledge first and reply afterwards, and an extra reply would be among these."""
    wait_for_calls(fake_slack, "response_url", count)
    bot.settle()
    return [call.payload for call in fake_slack.calls_to("response_url")]


def test_share_posts_the_listing_in_the_channel(bot, fake_slack):
    message = json.loads(bot.command("sejourne").text)
    share = buttons(message)["trip_share"]
    response = bot.action(
        {"type": "button", "action_id": "trip_share", "value": share["value"]},
        user_id="U0CORRESP",
        response_url=fake_slack.response_url("share"),
    )
    assert response.status_code == 200
    (posted,) = replies(bot, fake_slack, 1)
    assert posted["response_type"] == "in_channel"
    assert posted["replace_original"] is False
    assert "shared by <@U0CORRESP>" in json.dumps(posted["blocks"])
    assert "Stéphane Séjourné" in json.dumps(posted["blocks"], ensure_ascii=False)
    assert not any(b["type"] == "actions" for b in posted["blocks"])


def test_show_more_replaces_the_reply_with_the_next_page(bot, engine, fake_slack):
    events = "".join(
        f"BEGIN:VEVENT\nUID:g7-{i}@test\nDTSTAMP:20240301T000000Z\nSUMMARY:G7 meeting {i}\n"
        f"DTSTART;TZID=Europe/Rome:202405{1 + i:02d}T090000\nLOCATION:Rome, Italy\nEND:VEVENT\n"
        for i in range(25)
    )
    load_ics(engine, f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n{events}END:VCALENDAR\n".encode())
    first = json.loads(bot.command("g7").text)
    more = buttons(first)["trip_more"]
    bot.action(
        {"type": "button", "action_id": "trip_more", "value": more["value"]},
        response_url=fake_slack.response_url("more"),
    )
    (page,) = replies(bot, fake_slack, 1)
    assert page["replace_original"] is True
    assert "Showing 11–20 of 25" in json.dumps(page["blocks"], ensure_ascii=False)
    assert "G7 meeting 10" in page["text"] and "G7 meeting 9\n" not in page["text"]
    last = buttons(page)["trip_more"]
    bot.action(
        {"type": "button", "action_id": "trip_more", "value": last["value"]},
        response_url=fake_slack.response_url("more"),
    )
    final = replies(bot, fake_slack, 2)[1]
    assert "Showing 21–25 of 25" in json.dumps(final["blocks"], ensure_ascii=False)
    assert "trip_more" not in buttons(final)


def test_suggestion_button_runs_the_search(bot, fake_slack):
    message = json.loads(bot.command("blinkin").text)
    suggestion = buttons(message)["trip_suggest_0"]
    bot.action(
        {"type": "button", "action_id": "trip_suggest_0", "value": suggestion["value"]},
        response_url=fake_slack.response_url("s"),
    )
    (page,) = replies(bot, fake_slack, 1)
    assert page["text"].startswith("Blinken: 8 upcoming events")


def test_a_tampered_button_value_gets_a_clear_line(bot, fake_slack):
    bot.action(
        {"type": "button", "action_id": "trip_more", "value": "{not json"}, response_url=fake_slack.response_url("x")
    )
    (page,) = replies(bot, fake_slack, 1)
    assert "no longer works" in page["text"]


def test_buttons_only_see_their_own_workspace(bot, fake_slack):
    message = json.loads(bot.command("blinken").text)
    share = buttons(message)["trip_share"]
    bot.action(
        {"type": "button", "action_id": "trip_share", "value": share["value"]},
        team_id="T0OTHER",
        response_url=fake_slack.response_url("o"),
    )
    (page,) = replies(bot, fake_slack, 1)
    assert "Macron" not in json.dumps(page)
