"""Follow notices and personal reminders delivered: once each, across replicas and restarts,
through Slack's failures, in the follower's DM and zone. The clock is injected; Slack is the fake."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from domain.vocabulary import ReminderStatus, Status
from services.editing import StaleEdit, change_coverage, set_status
from services.follows import follow, unfollow
from storage.db import session
from storage.models import FollowNotice, Reminder
from tests.support.clock import at
from tests.support.follows import dms, notifier_for
from tests.support.samples import SAMPLE, load_ics
from tests.support.schedule import START, TEAM, add_event


def follow_as(engine, clock, user: str, query: str, *, lead: int = 60, tz: str = "Europe/Paris"):
    return follow(
        engine,
        team_id=TEAM,
        user_id=user,
        query=query,
        lead_minutes=lead,
        tz=tz,
        fallback_tz="Europe/Paris",
        now=clock(),
        default_channel="C0FOREIGN",
    )


def notices(engine) -> list[FollowNotice]:
    with session(engine) as db:
        return list(db.exec(select(FollowNotice).order_by(FollowNotice.id)))


def personal(engine, user: str) -> list[Reminder]:
    with session(engine) as db:
        return list(db.exec(select(Reminder).where(Reminder.channel_id == user).order_by(Reminder.due_at)))


# -- notices -----------------------------------------------------------------------------------
def test_two_replicas_deliver_each_notice_once(engine, clock, fake_slack):
    for user in ("U0ANNA", "U0BEN", "U0CARL"):
        follow_as(engine, clock, user, "macron")
    for hour in range(4):
        add_event(engine, clock, start=START + timedelta(hours=hour))
    assert len(notices(engine)) == 12
    first, second = notifier_for(engine, fake_slack, clock), notifier_for(engine, fake_slack, clock)
    assert first.replica != second.replica
    runs = [threading.Thread(target=n.run_once) for n in (first, second)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=30)
    posted = [call.payload["metadata"]["event_payload"]["notice_id"] for call in fake_slack.posts()]
    assert sorted(posted) == [n.id for n in notices(engine)]
    assert {n.status for n in notices(engine)} == {ReminderStatus.SENT}


def test_a_change_refused_as_stale_owes_no_notice(engine, clock, fake_slack):
    follow_as(engine, clock, "U0ANNA", "macron")
    event = add_event(engine, clock, start=START)
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.POSTPONED,
        now=clock(),
        default_channel=None,
    )
    with pytest.raises(StaleEdit):
        set_status(
            engine,
            team_id=TEAM,
            actor="U0OTHER",
            event_id=event.id,
            version=event.version,
            status=Status.CANCELLED,
            now=clock(),
            default_channel=None,
        )
    assert [(n.action, n.version) for n in notices(engine)] == [("added", 1), ("postponed", 2)]
    assert notices(engine)[1].summary == "Status: Confirmed → Postponed"


def test_coverage_and_a_status_unchanged_tell_nobody(engine, clock, fake_slack):
    event = add_event(engine, clock, start=START)
    follow_as(engine, clock, "U0ANNA", "macron")
    change_coverage(engine, team_id=TEAM, actor="U0EDITOR", event_id=event.id, users=["U0BEN"], now=clock())
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.CONFIRMED,
        now=clock(),
        default_channel=None,
    )
    assert notices(engine) == []


def test_an_import_tells_followers_of_what_it_adds_and_moves(engine, clock, fake_slack):
    follow_as(engine, clock, "U0ANNA", "nato")
    data = SAMPLE.read_bytes()
    load_ics(engine, data, now=clock())
    assert [n.action for n in notices(engine)] == ["added"] * 3
    load_ics(engine, data, now=clock())  # unchanged: nothing new
    assert len(notices(engine)) == 3
    load_ics(engine, data.replace(b"DTSTART;VALUE=DATE:20240709", b"DTSTART;VALUE=DATE:20240708"), now=clock())
    moved = notices(engine)[3:]
    assert [(n.action, n.summary) for n in moved] == [("changed", "Time: Tue 9 → Mon 8 – Thu 11 Jul 2024, time TBC")]
    assert notifier_for(engine, fake_slack, clock).run_once().sent == 4


def calendar(count: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Ministry//EN"]
    for n in range(count):
        lines += [
            "BEGIN:VEVENT",
            f"UID:ukraine-{n}@ministry.example",
            "DTSTAMP:20240101T000000Z",
            f"SUMMARY:Ukraine talks, round {n + 1}",
            f"DTSTART;TZID=Europe/Paris:202405{n + 1:02d}T100000",
            "DURATION:PT1H",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def test_a_change_of_many_followed_events_sends_ten_dms_not_one_each(engine, clock, fake_slack):
    follow_as(engine, clock, "U0ANNA", "ukraine")
    follow_as(engine, clock, "U0BEN", "ukraine talks")
    load_ics(engine, calendar(25), now=clock())
    for user in ("U0ANNA", "U0BEN"):
        found = [n for n in notices(engine) if n.user_id == user]
        assert [n.action for n in found] == ["added"] * 9 + ["more"]
        assert found[-1].summary == "16 more events you follow were added or changed at the same time"
    notifier_for(engine, fake_slack, clock).run_once()
    sent = dms(fake_slack, "U0ANNA")
    assert len(sent) == 10
    # The soonest events one by one, in order, then the rest in one.
    assert [dm["text"].split(" — ")[0] for dm in sent[:2]] == [
        "New on the schedule: Ukraine talks, round 1",
        "New on the schedule: Ukraine talks, round 2",
    ]
    assert sent[-1]["text"] == (
        "16 more events you follow were added or changed at the same time. /trip ukraine lists them."
    )
    assert "You follow *ukraine talks*" in dms(fake_slack, "U0BEN")[-1]["blocks"][1]["elements"][0]["text"]


def test_slack_failures_are_retried_and_a_dm_that_went_out_is_not_sent_twice(engine, clock, fake_slack, caplog):
    caplog.set_level(logging.INFO, logger="jobs.follows")
    follow_as(engine, clock, "U0ANNA", "macron")
    add_event(engine, clock, start=START)
    notifier = notifier_for(engine, fake_slack, clock)
    # Slack's internal_error "may have" posted it: the next attempt looks in the DM first.
    fake_slack.fail("chat.postMessage", "internal_error")
    assert notifier.run_once().retried == 1
    (notice,) = notices(engine)
    assert (notice.status, notice.may_have_posted) == (ReminderStatus.PENDING, True)
    assert notice.next_attempt_at == clock() + timedelta(seconds=5)
    assert notifier.run_once().retried == 0  # not before its backoff
    fake_slack.failures.clear()
    clock.advance(timedelta(seconds=5))
    assert notifier.run_once().sent == 1
    assert fake_slack.calls_to("conversations.open")[-1].payload["users"] == "U0ANNA"
    assert fake_slack.calls_to("conversations.history")[-1].payload["channel"] == "D0ANNA"
    assert len(dms(fake_slack, "U0ANNA")) == 1
    # This time the post went out but its answer was lost: found in the DM, not posted again.
    with session(engine) as db, db.begin():
        db.exec(update(FollowNotice).values(status=ReminderStatus.PENDING, may_have_posted=True, next_attempt_at=None))
    assert notifier.run_once().sent == 1
    assert len(dms(fake_slack, "U0ANNA")) == 1
    assert "follow notice had been sent after all" in caplog.text


def test_a_follower_who_left_is_given_up_with_a_log_line(engine, clock, fake_slack, caplog):
    caplog.set_level(logging.WARNING)
    follow_as(engine, clock, "U0GONE", "macron")
    follow_as(engine, clock, "U0ANNA", "macron")
    fake_slack.channel_errors["U0GONE"] = "user_not_found"
    add_event(engine, clock, start=START)
    report = notifier_for(engine, fake_slack, clock).run_once()
    assert (report.sent, report.failed) == (1, 1)
    gone = next(n for n in notices(engine) if n.user_id == "U0GONE")
    assert (gone.status, gone.last_error) == (ReminderStatus.FAILED, "user_not_found")
    assert "follow notice given up: the user cannot get DMs" in caplog.text and "U0GONE" in caplog.text


def test_a_notice_about_an_event_deleted_since_is_not_sent_but_its_deletion_is(engine, clock, fake_slack):
    from services.editing import delete_event, load_event

    follow_as(engine, clock, "U0ANNA", "macron")
    event = add_event(engine, clock, start=START)
    current = load_event(engine, team_id=TEAM, event_id=event.id)
    delete_event(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=current.version,
        now=clock(),
        default_channel=None,
    )
    report = notifier_for(engine, fake_slack, clock).run_once()
    assert (report.sent, report.skipped) == (1, 1)
    (dm,) = dms(fake_slack, "U0ANNA")
    assert dm["text"].startswith("Taken off the schedule: Blinken meets Macron")


# -- personal reminders ------------------------------------------------------------------------
def test_a_personal_reminder_comes_at_the_followers_lead_in_their_dm_and_zone(engine, clock, fake_slack, deliverer):
    follow_as(engine, clock, "U0ANNA", "macron", lead=120, tz="America/New_York")
    add_event(engine, clock, start=START)
    (row,) = personal(engine, "U0ANNA")
    assert (row.lead_minutes, row.due_at) == (120, START - timedelta(hours=2))
    at(clock, START - timedelta(hours=2, seconds=1))
    deliverer.run_once()
    assert dms(fake_slack, "U0ANNA") == []
    at(clock, START - timedelta(hours=2))
    deliverer.run_once()
    deliverer.run_once()
    (dm,) = dms(fake_slack, "U0ANNA")
    assert dm["text"] == (
        "In 2 hours: Blinken meets Macron — Élysée Palace, Paris — Tue 2 Apr 2024, 10:00 CEST "
        "(Tue 2 Apr 2024, 04:00 EDT your time)"
    )
    assert dm.get("thread_ts") is None
    # The channel's own reminder is untouched, an hour before.
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    assert len(fake_slack.posts("C0FOREIGN")) == 1 and len(dms(fake_slack, "U0ANNA")) == 1


def test_no_personal_reminder_for_a_cancelled_event_nor_after_unfollowing(engine, clock, fake_slack, deliverer):
    follow_as(engine, clock, "U0ANNA", "macron")
    follow_as(engine, clock, "U0BEN", "élysée")
    event = add_event(engine, clock, start=START, channel=None, lead_times=())
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    )
    assert [(r.status, r.last_error) for r in personal(engine, "U0ANNA")] == [
        (ReminderStatus.SKIPPED, "event cancelled")
    ]
    other = add_event(engine, clock, title="Blinken meets Séjourné", start=START + timedelta(hours=3))
    assert len(personal(engine, "U0BEN")) == 2
    unfollow(engine, team_id=TEAM, user_id="U0BEN", query="Elysee", now=clock(), default_channel="C0FOREIGN")
    assert {(r.event_id, r.status) for r in personal(engine, "U0BEN")} == {
        (event.id, ReminderStatus.SKIPPED),
        (other.id, ReminderStatus.SKIPPED),
    }
    at(clock, START + timedelta(hours=2))
    deliverer.run_once()
    assert dms(fake_slack, "U0BEN") == []
    assert len(dms(fake_slack, "U0ANNA")) == 1  # the Séjourné meeting, which she still follows


def test_a_personal_reminder_survives_a_restart_and_goes_once_across_replicas(
    engine, clock, fake_slack, make_deliverer
):
    follow_as(engine, clock, "U0ANNA", "macron")
    add_event(engine, clock, start=START, lead_times=())
    first = make_deliverer()
    first.run_once()
    first.stop()
    at(clock, START - timedelta(minutes=59))
    replicas = [make_deliverer(), make_deliverer()]
    runs = [threading.Thread(target=d.run_once) for d in replicas]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=30)
    assert len(dms(fake_slack, "U0ANNA")) == 1
    assert [r.status for r in personal(engine, "U0ANNA")] == [ReminderStatus.SENT]


def test_a_reminder_whose_answer_was_lost_is_looked_for_in_the_dm(engine, clock, fake_slack, deliverer):
    follow_as(engine, clock, "U0ANNA", "macron")
    add_event(engine, clock, start=START, lead_times=())
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    with session(engine) as db, db.begin():
        db.exec(update(Reminder).values(status=ReminderStatus.PENDING, may_have_posted=True))
    deliverer.run_once()
    assert len(dms(fake_slack, "U0ANNA")) == 1
    assert fake_slack.calls_to("conversations.history")[-1].payload["channel"] == "D0ANNA"
    assert [r.status for r in personal(engine, "U0ANNA")] == [ReminderStatus.SENT]


def test_a_personal_reminder_to_a_user_who_left_is_given_up(engine, clock, fake_slack, deliverer, caplog):
    caplog.set_level(logging.WARNING)
    follow_as(engine, clock, "U0GONE", "macron")
    add_event(engine, clock, start=START)
    fake_slack.channel_errors["U0GONE"] = "user_not_found"
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    assert [(r.status, r.last_error) for r in personal(engine, "U0GONE")] == [(ReminderStatus.FAILED, "user_not_found")]
    assert "personal reminder given up" in caplog.text
    # The channel's reminder went; nobody was told about a channel problem that is not one.
    assert len(fake_slack.posts("C0FOREIGN")) == 1 and fake_slack.posts("U0EDITOR") == []


def test_lead_times_are_counted_in_utc_across_a_daylight_saving_change(engine, clock):
    clock.moment = datetime(2024, 3, 1, tzinfo=UTC)
    follow_as(engine, clock, "U0ANNA", "macron", lead=1440)
    follow_as(engine, clock, "U0BEN", "macron", lead=720, tz="America/New_York")
    # Sunday 31 March 2024, 12:00 in Paris (CEST, UTC+2); the day before was still CET.
    add_event(engine, clock, start=datetime(2024, 3, 31, 10, 0, tzinfo=UTC))
    # Twenty-four hours before: 11:00 on the Saturday's Paris clock, not 12:00.
    assert [r.due_at for r in personal(engine, "U0ANNA")] == [datetime(2024, 3, 30, 10, 0, tzinfo=UTC)]
    # Twelve hours before 12:00 CEST is 23:00 CET on the Saturday (22:00 UTC), not midnight: the
    # night was an hour shorter.
    assert [r.due_at for r in personal(engine, "U0BEN")] == [datetime(2024, 3, 30, 22, 0, tzinfo=UTC)]


# -- the scheduler -----------------------------------------------------------------------------
def test_a_change_wakes_the_notifier_and_the_dm_follows_within_seconds(settings, engine, fake_slack):
    from dataclasses import replace

    from handlers.context import AppContext, system_clock
    from jobs.agenda import DailyAgenda
    from jobs.follows import FollowNotifier
    from jobs.reminders import ReminderDeliverer
    from jobs.scheduler import Jobs
    from tests.support.bot_server import BotServer
    from tests.support.forms import answer, open_form
    from tests.support.schedule import client_for
    from tests.support.waiting import wait_until
    from tripdesk.server import asgi_app
    from tripdesk.slack_app import create_app

    if engine.dialect.name != "sqlite":
        pytest.skip("the scheduler's wake-up is database-independent; delivery on PostgreSQL is tested above")
    client = client_for(fake_slack)
    jobs = Jobs(
        deliverer=ReminderDeliverer(engine=engine, client=client, clock=system_clock),
        agenda=DailyAgenda(
            engine=engine,
            client=client,
            clock=system_clock,
            newsroom_tz=settings.newsroom_tz,
            channel_id=None,
            team_id=lambda: TEAM,
            replica="r",
        ),
        settings=replace(settings, sweep_seconds=600),
        notifier=FollowNotifier(engine=engine, client=client, clock=system_clock, newsroom_tz="Europe/Paris"),
    )
    ctx = AppContext(settings=settings, engine=engine, clock=system_clock, on_schedule_change=jobs.wake)
    server = BotServer(asgi_app(engine=engine, bolt=create_app(ctx))).start()
    jobs.start()
    try:
        server.command("follow macron", user_id="U0ANNA")
        next_year = datetime.now(UTC).year + 1
        view = open_form(server, fake_slack)["view"]
        # The zone given, not looked up from the city: a first lookup can take seconds on a busy machine.
        answer(server, view, start_date=f"{next_year}-04-02", tz="Europe/Paris")
        wait_until(lambda: len(dms(fake_slack, "U0ANNA")) == 1, timeout=5)
    finally:
        jobs.stop()
        server.stop()
    assert dms(fake_slack, "U0ANNA")[0]["text"].startswith("New on the schedule: Blinken meets President Macron")
