"""Home tabs republished after a change: for recent viewers only, once per burst of changes,
through Slack's rate limit, one failure not stopping the others."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from blocks.event_card import COVER_ACTION
from domain.zones import zone
from jobs.agenda import DailyAgenda
from jobs.home import RECENT_VIEWER, HomeRefresher
from jobs.scheduler import HOME_JOB, Jobs
from services.home import open_home
from services.permissions import Editors
from storage.db import session
from storage.models import Event
from tests.support.bot_server import BotServer
from tests.support.schedule import TEAM, add_event, client_for
from tests.support.waiting import wait_for_calls
from tripdesk.local_slack import RESPONSE_URL_METHOD, Answer
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app

PARIS = zone("Europe/Paris")
MINISTERS = "NATO foreign ministers' meeting"


class Waits:
    """Stands in for the pause on a rate limit: records it, and lets Slack accept the next call."""

    def __init__(self, fake_slack):
        self.fake_slack, self.seconds = fake_slack, []

    def __call__(self, seconds: float) -> bool:
        self.seconds.append(seconds)
        self.fake_slack.failures.pop("views.publish", None)
        return False


@pytest.fixture
def waits(fake_slack):
    return Waits(fake_slack)


@pytest.fixture
def refresher(engine, fake_slack, clock, waits):
    made = HomeRefresher(
        engine=engine,
        client=client_for(fake_slack),
        clock=clock,
        newsroom_tz=PARIS,
        team_id=lambda: TEAM,
        editors=Editors({"U0EDITOR"}),
        wait=waits,
    )
    yield made
    made.stop()


def opened(engine, clock, user: str, *, ago: timedelta = timedelta(0)) -> None:
    """`user` opened the Home tab `ago` before now (and it was published then)."""
    moment = clock() - ago
    open_home(engine, team_id=TEAM, user_id=user, now=moment, newsroom_tz=PARIS, editor=False)


def published(fake_slack) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for call in fake_slack.calls_to("views.publish"):
        if call.accepted:
            found.setdefault(call.payload["user_id"], []).append(call.payload["view"])
    return found


@pytest.mark.usefixtures("sample")
def test_a_recent_viewer_sees_the_change_and_a_stale_one_is_left_alone(refresher, engine, clock, fake_slack):
    opened(engine, clock, "U0ALICE", ago=timedelta(minutes=50))
    opened(engine, clock, "U0STALE", ago=RECENT_VIEWER + timedelta(minutes=1))
    add_event(engine, clock, title="Blinken and Lecornu dinner", start=clock() + timedelta(days=1, hours=10))
    assert refresher.note_change() is True
    report = refresher.run_pending()
    assert report is not None and (report.viewers, report.published, report.failed) == (1, 1, 0)
    views = published(fake_slack)
    assert list(views) == ["U0ALICE"]
    assert "Blinken and Lecornu dinner" in str(views["U0ALICE"][0]["blocks"])


def test_a_burst_of_changes_is_one_round(refresher, engine, clock, fake_slack):
    opened(engine, clock, "U0ALICE")
    opened(engine, clock, "U0BOB")
    asked = [refresher.note_change() for _ in range(100)]
    assert asked.count(True) == 1
    refresher.run_pending()
    assert refresher.run_pending() is None  # nothing changed since
    assert {user: len(views) for user, views in published(fake_slack).items()} == {"U0ALICE": 1, "U0BOB": 1}
    # A change after the round asks for the next one.
    assert refresher.note_change() is True


def test_a_change_during_a_round_asks_for_another(refresher, engine, clock, fake_slack):
    opened(engine, clock, "U0ALICE")
    asked_meanwhile = []
    fake_slack.on_call = lambda call: asked_meanwhile.append(refresher.note_change())
    refresher.note_change()
    refresher.run_pending()
    fake_slack.on_call = None
    # The round had already read the schedule: the change made while it published needs another.
    assert asked_meanwhile == [True]
    assert refresher.run_pending() is not None
    assert len(published(fake_slack)["U0ALICE"]) == 2


def test_the_scheduler_queues_one_round_for_a_burst(refresher, settings, engine, clock, fake_slack, deliverer):
    agenda = DailyAgenda(
        engine=engine,
        client=client_for(fake_slack),
        clock=clock,
        newsroom_tz=PARIS,
        channel_id=None,
        team_id=lambda: TEAM,
        replica="r",
    )
    jobs = Jobs(deliverer=deliverer, agenda=agenda, settings=replace(settings, sweep_seconds=600), home=refresher)
    for _ in range(100):
        jobs.wake()  # the scheduler is not started: the jobs wait in its queue
    home_jobs = [job for job in jobs.scheduler.get_jobs() if job.id == HOME_JOB]
    assert len(home_jobs) == 1
    assert home_jobs[0].func == refresher.run_pending


def test_editors_get_the_feeds_on_refresh_and_others_do_not(refresher, engine, clock, fake_slack):
    opened(engine, clock, "U0EDITOR")
    opened(engine, clock, "U0READER")
    refresher.refresh()
    views = published(fake_slack)
    assert "Calendar feeds" in str(views["U0EDITOR"][0])
    assert "Calendar feeds" not in str(views["U0READER"][0])


def test_a_rate_limit_is_waited_out(refresher, engine, clock, fake_slack, waits):
    opened(engine, clock, "U0ALICE")
    fake_slack.failures["views.publish"] = Answer(
        {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "7"}
    )
    report = refresher.refresh()
    assert (report.published, report.rate_limited, report.failed) == (1, 1, 0)
    assert waits.seconds == [7.0]
    assert len(fake_slack.calls_to("views.publish")) == 2


def test_endless_rate_limits_give_up_on_the_viewer(engine, fake_slack, clock, refresher, caplog):
    refresher.wait = lambda seconds: False  # Slack keeps saying wait
    opened(engine, clock, "U0ALICE")
    fake_slack.failures["views.publish"] = Answer(
        {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
    )
    report = refresher.refresh()
    assert (report.published, report.failed) == (0, 1)
    assert "home tab not refreshed team=T0NEWSROOM user=U0ALICE attempts=4 error=ratelimited" in caplog.text


def test_one_failure_is_logged_and_the_others_go_on(refresher, engine, clock, fake_slack, caplog):
    for user in ("U0ALICE", "U0GONE", "U0BOB"):
        opened(engine, clock, user)
        clock.advance(timedelta(seconds=1))
    answer = fake_slack.answer

    def refuse_one(call):
        if call.method == "views.publish" and call.payload.get("user_id") == "U0GONE":
            return Answer({"ok": False, "error": "user_not_found"})
        return answer(call)

    fake_slack.answer = refuse_one
    report = refresher.refresh()
    assert (report.viewers, report.published, report.failed) == (3, 2, 1)
    assert set(published(fake_slack)) == {"U0ALICE", "U0BOB"}
    assert "home tab not refreshed team=T0NEWSROOM user=U0GONE attempts=1 error=user_not_found" in caplog.text


@pytest.mark.usefixtures("sample")
def test_pressing_ill_cover_refreshes_the_gap_away(refresher, ctx, engine, clock, fake_slack):
    """Through the real app: a change made in Slack reaches the refresher by on_schedule_change."""
    bolt = create_app(replace(ctx, on_schedule_change=refresher.note_change))
    server = BotServer(asgi_app(engine=engine, bolt=bolt), bolt=bolt).start()
    try:
        opened(engine, clock, "U0EDITOR")
        refresher.refresh()
        assert MINISTERS in str(published(fake_slack)["U0EDITOR"][-1])
        with session(engine) as db:
            ministers = db.exec(select(Event.id).where(Event.title == MINISTERS)).one()
        server.action(
            {"action_id": COVER_ACTION, "value": str(ministers)},
            user_id="U0BOB",
            response_url=fake_slack.response_url(),
        )
        wait_for_calls(fake_slack, RESPONSE_URL_METHOD)
        server.settle()
        report = refresher.run_pending()
    finally:
        server.stop()
    assert report is not None and report.published == 1
    gaps = str(published(fake_slack)["U0EDITOR"][-1]).split("Coverage gaps")[1].split("What you cover")[0]
    assert MINISTERS not in gaps
