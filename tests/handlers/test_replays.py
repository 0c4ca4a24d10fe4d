"""A request Slack sent once has one effect, however often it arrives."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from jobs.agenda import DailyAgenda
from jobs.scheduler import Jobs
from storage.db import session
from storage.models import Event, HandledRequest
from tests.support.bot_server import BotServer
from tests.support.forms import VALID, open_form, stored
from tests.support.slack_requests import command_body, event_body, new_trigger_id, sign, view_submission_body
from tests.support.views import submission
from tests.support.waiting import wait_for_calls
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def ignored(caplog):
    """The replays the app recognised and dropped before any listener saw them, as logged."""
    caplog.set_level(logging.INFO, logger="handlers.replays")
    return lambda: [r.getMessage() for r in caplog.records if r.getMessage().startswith("replayed request ignored")]


def replay(bot, body: str, headers: dict, content_type: str = FORM):
    """The identical request, signature and all, sent again."""
    return bot.http.post("/slack/events", content=body.encode(), headers={"Content-Type": content_type, **headers})


def test_a_replayed_submission_creates_one_event_and_one_notice(bot, fake_slack, engine, ignored):
    view = open_form(bot, fake_slack)["view"]
    body = view_submission_body(submission(view, VALID))
    headers = sign(body)
    first = replay(bot, body, headers)
    assert first.status_code == 200 and json.loads(first.text)["response_action"] == "update"
    second = replay(bot, body, headers)
    assert second.status_code == 200 and second.text == ""
    assert len(ignored()) == 1
    bot.settle()  # the first submission's notice is posted after its answer
    assert len(stored(engine)) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_form_submitted_again_after_a_slow_answer_is_not_saved_twice(bot, fake_slack, engine):
    """Same view id and hash, new trigger: the user pressed Save again after Slack gave up waiting."""
    view = open_form(bot, fake_slack)["view"]
    filled = submission(view, VALID)
    first = json.loads(bot.submit(filled).text)
    again = json.loads(bot.submit(filled).text)
    assert first["response_action"] == again["response_action"] == "update"
    assert "Added to the schedule" in json.dumps(again["view"])
    bot.settle()
    assert len(stored(engine)) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_form_refused_once_can_be_corrected_and_saved(bot, fake_slack, engine):
    """The view keeps its hash after field errors; only a saved form counts as handled."""
    view = open_form(bot, fake_slack)["view"]
    refused = json.loads(
        bot.submit(submission(view, {**VALID, "start_date": None}, view_id="V0SAME", view_hash="h.1")).text
    )
    assert refused["response_action"] == "errors"
    saved = json.loads(bot.submit(submission(view, VALID, view_id="V0SAME", view_hash="h.1")).text)
    assert saved["response_action"] == "update"
    assert len(stored(engine)) == 1


def test_an_edit_submitted_twice_changes_once(bot, fake_slack, engine):
    view = open_form(bot, fake_slack)["view"]
    json.loads(bot.submit(submission(view, VALID)).text)
    (event,) = stored(engine)
    edit_view = dict(view, private_metadata=json.dumps({"e": event.id, "v": event.version}))
    filled = submission(edit_view, {**VALID, "venue": "Quai d'Orsay"})
    assert json.loads(bot.submit(filled).text)["response_action"] == "update"
    again = json.loads(bot.submit(filled).text)
    assert again["response_action"] == "update" and "Changes saved" in json.dumps(
        again["view"]
    )  # not "changed since you opened it"
    with session(engine) as db:
        assert db.exec(select(Event.version)).one() == event.version + 1


def test_a_replayed_slash_command_does_nothing_new(bot, fake_slack, ignored):
    body = command_body("add")
    headers = sign(body)
    assert replay(bot, body, headers).status_code == 200
    wait_for_calls(fake_slack, "views.open", 1)
    again = replay(bot, body, headers)
    assert again.status_code == 200 and again.text == ""
    assert len(ignored()) == 1
    bot.settle()
    assert len(fake_slack.calls_to("views.open")) == 1


def test_a_command_resigned_with_the_same_trigger_does_nothing_new(bot, fake_slack, ignored):
    trigger = new_trigger_id()
    bot.command("add", trigger_id=trigger)
    wait_for_calls(fake_slack, "views.open", 1)
    assert bot.command("add", trigger_id=trigger).text == ""
    assert ignored() == [f"replayed request ignored replay_id=trigger:{trigger}"]
    bot.settle()
    assert len(fake_slack.calls_to("views.open")) == 1


@pytest.mark.usefixtures("sample")
def test_a_replayed_query_gets_no_second_listing(bot):
    body = command_body("blinken")
    headers = sign(body)
    assert "Paris" in json.loads(replay(bot, body, headers).text)["text"]
    assert replay(bot, body, headers).text == ""


def test_events_api_retries_do_no_duplicate_work(bot, fake_slack, ignored):
    event = {
        "type": "app_home_opened",
        "user": "U0EDITOR",
        "channel": "D0HOME",
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
    body = event_body(event, event_id="Ev0RETRIED")
    assert bot.post_signed(body, "application/json").status_code == 200
    wait_for_calls(fake_slack, "views.publish", 1)
    for attempt in (1, 2, 3):
        retry = bot.post_signed(
            body,
            "application/json",
            headers={"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"},
        )
        assert retry.status_code == 200
    assert ignored() == ["replayed request ignored replay_id=event:Ev0RETRIED"] * 3
    bot.settle()
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_a_replay_sent_to_another_replica_is_ignored_there_too(bot, ctx, fake_slack, ignored):
    bolt = create_app(ctx)
    other = BotServer(asgi_app(engine=ctx.engine, bolt=bolt), bolt=bolt).start()
    try:
        body = command_body("add")
        headers = sign(body)
        replay(bot, body, headers)
        wait_for_calls(fake_slack, "views.open", 1)
        assert replay(other, body, headers).text == ""
        assert len(ignored()) == 1
        other.settle()
        bot.settle()
        assert len(fake_slack.calls_to("views.open")) == 1
    finally:
        other.stop()


def test_old_request_keys_are_forgotten(bot, ctx, clock, deliverer):
    bot.command("help")
    clock.advance(timedelta(hours=3))
    bot.command("help")
    jobs = Jobs(
        deliverer=deliverer,
        agenda=DailyAgenda(
            engine=ctx.engine,
            client=None,
            clock=clock,
            newsroom_tz=ctx.settings.newsroom_tz,
            channel_id=None,
            team_id=lambda: "T0NEWSROOM",
            replica="r1",
        ),
        settings=ctx.settings,
    )
    assert jobs.forget_handled_requests() == 1
    with session(ctx.engine) as db:
        assert len(db.exec(select(HandledRequest)).all()) == 1
