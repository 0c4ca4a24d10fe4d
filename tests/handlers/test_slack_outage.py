"""Slack failing for minutes: every request is still answered in time, the user is told what
could not be done, and nothing is lost or doubled once Slack is back."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from storage.db import session
from storage.models import Coverage, Reminder
from tests.support.clock import at
from tests.support.forms import VALID, open_form, stored
from tests.support.schedule import START, add_event, client_for
from tests.support.views import submission
from tests.support.waiting import logged, wait_for_calls

ACK_LIMIT = 3.0
# 500s answered at once, and a Slack that accepts connections but answers only after the
# listeners' 2-second client timeout.
OUTAGES = [pytest.param({"status": 500}, id="500"), pytest.param({"status": 503, "hang": 2.5}, id="timeout")]


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.usefixtures("sample")
@pytest.mark.parametrize("outage", OUTAGES)
def test_queries_are_answered_in_time_while_slack_is_down(bot, fake_slack, outage):
    fake_slack.outage(**outage)
    response, elapsed = timed(lambda: bot.command("blinken"))
    assert response.status_code == 200 and elapsed < ACK_LIMIT
    assert "Paris" in json.loads(response.text)["text"]


@pytest.mark.parametrize(
    ("outage", "said"),
    [({"status": 500}, "internal_error"), ({"status": 503, "hang": 2.5}, "no answer in time")],
    ids=["500", "timeout"],
)
def test_add_says_slack_could_not_open_the_form(bot, fake_slack, outage, said):
    fake_slack.outage(**outage)
    response, elapsed = timed(lambda: bot.command("add"))
    assert response.status_code == 200 and elapsed < ACK_LIMIT
    message = json.loads(response.text)
    assert message["response_type"] == "ephemeral"
    assert f"Slack could not open the form ({said}). Try `/trip add` again in a moment." in message["text"]
    fake_slack.recover()
    bot.command("add")
    assert wait_for_calls(fake_slack, "views.open", len(fake_slack.calls_to("views.open")))[-1].accepted


@pytest.mark.parametrize("outage", OUTAGES)
def test_a_form_submitted_while_slack_is_down_is_saved_and_the_lost_notice_logged(
    bot, fake_slack, engine, caplog, outage
):
    view = open_form(bot, fake_slack)["view"]
    fake_slack.outage(**outage)
    caplog.set_level(logging.WARNING)
    response, elapsed = timed(lambda: bot.submit(submission(view, {**VALID, "channel": "C0PUBLIC"})))
    assert response.status_code == 200 and elapsed < ACK_LIMIT
    assert json.loads(response.text)["response_action"] == "update"
    assert len(stored(engine)) == 1
    lost = logged(caplog, "notice not posted")
    assert lost and "channel=C0PUBLIC" in lost[0]


@pytest.mark.parametrize("outage", OUTAGES)
def test_a_button_reply_slack_did_not_take_is_logged(bot, fake_slack, engine, clock, caplog, outage):
    event = add_event(engine, clock, start=START + timedelta(days=30))
    fake_slack.outage(**outage)
    caplog.set_level(logging.WARNING)
    response, elapsed = timed(
        lambda: bot.action(
            {"type": "button", "action_id": "cover_me", "value": str(event.id)},
            user_id="U0CORRESP",
            response_url=fake_slack.response_url("c"),
        )
    )
    assert response.status_code == 200 and elapsed < ACK_LIMIT
    assert logged(caplog, "reply not delivered")
    with session(engine) as db:
        assert [c.user_id for c in db.exec(select(Coverage))] == ["U0CORRESP"]


def test_reminders_due_during_a_long_outage_are_delivered_once_after_it(engine, clock, fake_slack, make_deliverer):
    """Four minutes of Slack timing out, then recovery: every reminder arrives once, marked late
    only if it is, within its lateness limit."""
    for minutes in range(0, 30, 3):
        add_event(engine, clock, title=f"Meeting {minutes}", start=START + timedelta(minutes=minutes))
    deliverer = make_deliverer(client=client_for(fake_slack, timeout=0.2))
    # Answered after the client gave up, and not posted: a Slack that times out.
    fake_slack.outage(status=503, hang=0.4)
    at(clock, START - timedelta(hours=1))
    for _ in range(8):  # 4 minutes, every 30 seconds
        deliverer.run_once()
        at(clock, clock() + timedelta(seconds=30))
    tries = [c for c in fake_slack.calls if c.method in ("chat.postMessage", "conversations.history")]
    assert (
        fake_slack.posts() == [] and len(tries) >= 5
    )  # tried, backing off; after a timeout, looking before posting again
    fake_slack.recover()
    while clock() < START + timedelta(minutes=30):
        deliverer.run_once()
        at(clock, clock() + timedelta(seconds=30))
    sent = _all(engine)
    assert {r.status for r in sent} == {"sent"}
    posted = [p.payload["text"] for p in fake_slack.posts()]
    assert len(posted) == len(set(posted)) == 10
    for reminder in sent:
        assert reminder.sent_at - reminder.due_at <= max(
            timedelta(minutes=5), timedelta(minutes=reminder.lead_minutes) / 2
        )


def _all(engine) -> list[Reminder]:
    with session(engine) as db:
        return list(db.exec(select(Reminder)))
