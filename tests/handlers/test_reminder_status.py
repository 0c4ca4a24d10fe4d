"""`/trip reminders` and the reminder's "Open event" button, through signed requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.support.schedule import add_event
from tests.support.waiting import wait_for_calls

START = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)


def test_reminders_lists_each_state_with_its_reason(bot, engine, clock, fake_slack, make_deliverer):
    clock.moment = START - timedelta(days=3)
    add_event(engine, clock, start=START, lead_times=(1440, 60))
    fake_slack.channel_errors["C0FOREIGN"] = "not_in_channel"
    clock.moment = START - timedelta(days=1)
    make_deliverer().run_once()
    message = json.loads(bot.command("reminders macron").text)
    text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert "1 day before" in text and ":warning: failed: not_in_channel" in text
    assert "1 hour before" in text and ":hourglass_flowing_sand: pending" in text
    assert "<#C0FOREIGN>" in text and "<!date^" in text


def test_reminders_of_an_event_without_any(bot, engine, clock, sample):
    message = json.loads(bot.command("reminders pashinyan").text)
    assert "No reminders: no reminder channel" in json.dumps(message)


def test_open_event_from_a_reminder(bot, engine, clock, fake_slack, make_deliverer):
    event = add_event(engine, clock, start=START)
    bot.action(
        {"type": "button", "action_id": "event_open", "value": str(event.id)},
        response_url=fake_slack.response_url("open"),
    )
    (reply,) = [c.payload for c in wait_for_calls(fake_slack, "response_url")]
    assert reply["response_type"] == "ephemeral"
    actions = [b for b in reply["blocks"] if b["type"] == "actions"]
    assert actions and reply["blocks"][0]["accessory"]["action_id"] == "event_menu"
