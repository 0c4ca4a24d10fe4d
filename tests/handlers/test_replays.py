"""A request Slack sent once has one effect, however often it arrives."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from handlers.replies import UNAVAILABLE
from jobs.agenda import DailyAgenda
from jobs.scheduler import Jobs
from services.replays import ABANDONED_AFTER
from storage.db import make_engine, session
from storage.models import Event, HandledRequest
from tests.support.bot_server import BotServer
from tests.support.cards import card_controls, choose
from tests.support.forms import VALID, open_form, stored
from tests.support.schedule import START, add_event
from tests.support.slack_requests import (
    block_actions_body,
    command_body,
    event_body,
    new_trigger_id,
    sign,
    view_submission_body,
)
from tests.support.tcp_proxy import TcpProxy
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
    assert ignored() == [f'replayed request ignored replay_id=command:["/trip","{trigger}"]']
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
    assert ignored() == ['replayed request ignored replay_id=event:["Ev0RETRIED"]'] * 3
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


# -- keys that identify the request ---------------------------------------------------------


def test_two_clicks_sharing_a_trigger_are_both_handled(bot, fake_slack, engine, clock, ignored):
    """Slack's trigger_id is a token for opening views, not a request id: it alone is no key."""
    first, second = (add_event(engine, clock, title=title, start=START) for title in ("Macron talks", "NATO dinner"))
    trigger = new_trigger_id()
    bodies = [
        block_actions_body(
            {"type": "button", "action_id": "cover_me", "value": str(event.id)},
            user_id="U0CORRESP",
            response_url=fake_slack.response_url(f"cover-{event.id}"),
            trigger_id=trigger,
        )
        for event in (first, second)
    ]
    for body in bodies:
        assert bot.post_signed(body, FORM).status_code == 200
    wait_for_calls(fake_slack, "response_url", 2)
    replayed = bodies[1]
    assert replay(bot, replayed, sign(replayed)).text == ""  # the very same click again is still a copy
    bot.settle()
    assert len(ignored()) == 1
    with session(engine) as db:
        assert {e.title: [c.user_id for c in e.coverage] for e in db.exec(select(Event)).unique()} == {
            "Macron talks": ["U0CORRESP"],
            "NATO dinner": ["U0CORRESP"],
        }


# -- a first attempt that fails does not swallow the retry ------------------------------------


def sqlite_only(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL's outage is tested below")


def postgres_only(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL cut off behind a relay; SQLite's lock is tested above")


def when_the_channel_is_checked(fake_slack, do) -> None:
    """Run `do` once, when the form's listener checks its channel: after the request's key was
    taken, before the event is saved."""

    def hook(call) -> None:
        if call.method == "conversations.info" and not done:
            done.append(True)
            do()

    done: list[bool] = []
    fake_slack.on_call = hook


def test_a_form_whose_save_met_a_locked_database_is_saved_when_sent_again(bot, fake_slack, engine, ctx):
    sqlite_only(engine)
    view = open_form(bot, fake_slack)["view"]
    other = sqlite3.connect(make_url(ctx.settings.database_url).database, isolation_level=None, check_same_thread=False)
    when_the_channel_is_checked(fake_slack, lambda: other.execute("BEGIN IMMEDIATE"))
    body = view_submission_body(submission(view, {**VALID, "channel": "C0FOREIGN"}))
    headers = sign(body)
    try:
        first = json.loads(replay(bot, body, headers).text)
        assert first == {"response_action": "errors", "errors": {"title": UNAVAILABLE}}
    finally:
        other.execute("ROLLBACK")  # the listener, having failed, is now releasing the request's key
        other.close()
    bot.settle()
    again = json.loads(replay(bot, body, headers).text)
    assert again["response_action"] == "update" and "Added to the schedule" in json.dumps(again["view"])
    assert len(stored(engine)) == 1


@pytest.fixture
def behind_proxy(engine, ctx):
    """A bot whose database connections go through a relay the test can cut."""
    postgres_only(engine)
    url = make_url(ctx.settings.database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    cut_engine = make_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    bolt = create_app(replace(ctx, engine=cut_engine))
    server = BotServer(asgi_app(engine=cut_engine, bolt=bolt), bolt=bolt).start()
    yield proxy, server
    server.stop()
    proxy.down()
    cut_engine.dispose()


def test_a_form_cut_off_from_postgresql_is_saved_by_a_retry_once_its_first_attempt_is_given_up(
    behind_proxy, fake_slack, engine, clock
):
    proxy, bot = behind_proxy
    view = open_form(bot, fake_slack)["view"]
    when_the_channel_is_checked(fake_slack, proxy.down)
    body = view_submission_body(submission(view, {**VALID, "channel": "C0FOREIGN"}))
    headers = sign(body)
    assert json.loads(replay(bot, body, headers).text) == {
        "response_action": "errors",
        "errors": {"title": UNAVAILABLE},
    }
    bot.settle()
    proxy.up()
    # The failure could not be written down either: for a while the key stands, as if the first
    # attempt were still running somewhere.
    assert replay(bot, body, headers).text == ""
    clock.advance(ABANDONED_AFTER + timedelta(seconds=1))
    again = json.loads(replay(bot, body, headers).text)
    assert again["response_action"] == "update"
    assert len(stored(engine)) == 1


# -- the replay store unavailable: changes refused, queries answered --------------------------


@pytest.fixture
def replay_store_gone(engine):
    """The table of request keys cannot be read or written (as after a failed migration), while
    the schedule's own tables work."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE handled_requests RENAME TO handled_requests_away")
    yield
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE handled_requests_away RENAME TO handled_requests")


def test_without_the_replay_store_changes_are_refused_and_queries_answered(
    bot, fake_slack, engine, clock, request, caplog
):
    event = add_event(engine, clock, start=START)
    menu, buttons = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["cancel"])
    dialog = wait_for_calls(fake_slack, "views.open")[-1].payload["view"]
    request.getfixturevalue("replay_store_gone")
    caplog.set_level(logging.WARNING)

    answer = json.loads(bot.submit(submission(dialog, {})).text)
    assert answer["response_action"] == "update" and UNAVAILABLE in json.dumps(answer["view"])
    bot.action(
        {"type": "button", "action_id": "cover_me", "value": buttons["cover_me"]["value"]},
        response_url=fake_slack.response_url("cover"),
    )
    (told,) = [c.payload for c in wait_for_calls(fake_slack, "response_url")]
    assert told["text"] == UNAVAILABLE
    assert "Blinken meets Macron" in json.loads(bot.command("macron").text)["text"]
    bot.settle()
    with session(engine) as db:
        stored_event = db.get(Event, event.id)
        assert stored_event.status.value == "confirmed" and stored_event.coverage == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
