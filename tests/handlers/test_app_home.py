from __future__ import annotations

import time

import pytest

from tests.support.waiting import wait_for_calls

pytestmark = pytest.mark.usefixtures("sample")


def test_home_tab_shows_the_week(bot, fake_slack):
    response = bot.event(
        {
            "type": "app_home_opened",
            "user": "U0EDITOR",
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
    )
    assert response.status_code == 200
    wait_for_calls(fake_slack, "views.publish")
    bot.settle()
    (call,) = fake_slack.calls_to("views.publish")
    assert call.payload["user_id"] == "U0EDITOR"
    view = call.payload["view"]
    assert view["type"] == "home"
    text = str(view["blocks"])
    assert "This week, Mon 1 Apr – Sun 7 Apr 2024" in text
    assert "Blinken meets President Macron" in text
    assert "/trip blinken" in text


def test_messages_tab_is_ignored(bot, fake_slack):
    response = bot.event(
        {"type": "app_home_opened", "user": "U0EDITOR", "channel": "D0HOME", "tab": "messages", "event_ts": "1.0"}
    )
    assert response.status_code == 200
    bot.settle()  # the listener has run and returned
    assert fake_slack.calls_to("views.publish") == []
