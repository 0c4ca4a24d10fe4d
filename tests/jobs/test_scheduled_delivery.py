"""Real time, real scheduler: an event saved through the modal is reminded at its due time."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.zones import zone
from handlers.context import AppContext, system_clock
from jobs.agenda import DailyAgenda
from jobs.reminders import ReminderDeliverer
from jobs.scheduler import Jobs
from tests.support.bot_server import BotServer
from tests.support.forms import open_form
from tests.support.schedule import client_for
from tests.support.views import submission
from tests.support.waiting import wait_until
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app


@pytest.fixture
def live_bot(settings, engine, fake_slack):
    ctx = AppContext(settings=settings, engine=engine, clock=system_clock)
    deliverer = ReminderDeliverer(engine=engine, client=client_for(fake_slack), clock=system_clock)
    agenda = DailyAgenda(
        engine=engine,
        client=client_for(fake_slack),
        clock=system_clock,
        newsroom_tz=settings.newsroom_tz,
        channel_id=None,
        team_id=lambda: "T0NEWSROOM",
        replica="r",
    )
    jobs = Jobs(deliverer=deliverer, agenda=agenda, settings=replace(settings, sweep_seconds=600))
    server = BotServer(asgi_app(engine=engine, bolt=create_app(replace(ctx, on_schedule_change=jobs.wake)))).start()
    jobs.start()
    yield server, jobs
    jobs.stop()
    server.stop()


def test_a_one_hour_reminder_arrives_within_two_seconds_of_its_due_time(live_bot, fake_slack, engine):
    if engine.dialect.name != "sqlite":
        # It waits for a real minute boundary; the PostgreSQL delivery paths are in test_reminders.
        pytest.skip("scheduler timing is database-independent and runs once, on SQLite")
    paris = zone("Europe/Paris")
    start = (datetime.now(UTC) + timedelta(hours=1, minutes=1)).replace(second=0, microsecond=0)
    if start - timedelta(hours=1) - datetime.now(UTC) < timedelta(seconds=8):
        start += timedelta(minutes=1)
    local = start.astimezone(paris)
    server, jobs = live_bot
    view = open_form(server, fake_slack)["view"]
    reply = server.submit(
        submission(
            view,
            {
                "title": "Blinken meets Macron",
                "city": "Paris",
                "start_date": local.date().isoformat(),
                "start_time": f"{local:%H:%M}",
                "lead_times": ["60"],
            },
        )
    )
    assert json.loads(reply.text)["response_action"] == "update"
    due = (start - timedelta(hours=1)).timestamp()

    def reminders():
        return [c for c in fake_slack.posts() if c.payload["text"].startswith("In 1 hour: Blinken meets Macron")]

    wait_until(reminders, timeout=due + 5 - time.time())
    # A pass of the deliverer's own, begun once the pass that posted had finished, posts anything
    # still to post; after stop() no pass is running or will run.
    wait_until(lambda: jobs.deliverer.run_once() is not None)
    jobs.deliverer.stop()
    assert len(reminders()) == 1
    assert due <= reminders()[0].received_at < due + 2
