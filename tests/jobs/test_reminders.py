"""Reminders: exactly once, on time or honestly late, never for a cancelled meeting, whatever
restarts, replicas and Slack's bad days bring. The clock is injected; Slack is the fake."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, ReminderStatus, Status
from services.editing import save_event, set_status
from storage.db import session
from storage.models import Reminder
from storage.reminders import claim_next, due_channels, finish, hold_channel, let_go_channel, next_wakeup
from tests.support.clock import at
from tests.support.schedule import START, add_event
from tests.support.waiting import wait_until


def rows(engine) -> dict[int, Reminder]:
    with session(engine) as db:
        return {r.lead_minutes: r for r in db.exec(select(Reminder))}


def test_a_summit_gets_a_week_a_day_and_an_hour(engine, clock):
    add_event(
        engine,
        clock,
        title="NATO summit",
        kind=Kind.SUMMIT,
        lead_times=None,
        start=datetime(2024, 7, 9, 13, 0, tzinfo=UTC),
        tz="America/New_York",
    )
    found = rows(engine)
    assert {lead: r.due_at for lead, r in found.items()} == {
        10080: datetime(2024, 7, 2, 13, 0, tzinfo=UTC),
        1440: datetime(2024, 7, 8, 13, 0, tzinfo=UTC),
        60: datetime(2024, 7, 9, 12, 0, tzinfo=UTC),
    }
    assert {r.status for r in found.values()} == {ReminderStatus.PENDING}


def test_due_times_are_computed_in_utc_across_dst_changes(engine, clock):
    clock.moment = datetime(2024, 3, 1, tzinfo=UTC)
    # Sunday 31 March 2024, 12:00 in Paris (CEST, UTC+2); the day before was still CET.
    add_event(engine, clock, title="Paris", start=datetime(2024, 3, 31, 10, 0, tzinfo=UTC), lead_times=(1440, 10080))
    paris = rows(engine)
    assert paris[1440].due_at == datetime(2024, 3, 30, 10, 0, tzinfo=UTC)  # 11:00 CET: 24 hours before
    assert paris[10080].due_at == datetime(2024, 3, 24, 10, 0, tzinfo=UTC)
    # New York changed on 10 March: Monday 11 March 09:00 EDT is 13:00 UTC.
    event = add_event(
        engine,
        clock,
        title="UN",
        start=datetime(2024, 3, 11, 13, 0, tzinfo=UTC),
        tz="America/New_York",
        lead_times=(1440,),
    )
    with session(engine) as db:
        (ny,) = db.exec(select(Reminder).where(Reminder.event_id == event.id)).all()
    assert ny.due_at == datetime(2024, 3, 10, 13, 0, tzinfo=UTC)


def test_sent_once_when_due(engine, clock, fake_slack, deliverer):
    add_event(engine, clock, start=START)
    at(clock, START - timedelta(hours=1, seconds=1))
    deliverer.run_once()
    assert fake_slack.posts() == []
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    deliverer.run_once()
    (post,) = fake_slack.posts()
    message = post.payload
    assert message["channel"] == "C0FOREIGN"
    assert message["text"] == "In 1 hour: Blinken meets Macron — Élysée Palace, Paris — Tue 2 Apr 2024, 10:00 CEST"
    section = message["blocks"][0]
    assert "<!date^1712044800^" in section["text"]["text"] and "No one covering yet" in section["text"]["text"]
    assert section["accessory"]["action_id"] == "event_open"
    reminder = rows(engine)[60]
    assert (reminder.status, reminder.attempts, reminder.late) == (ReminderStatus.SENT, 1, False)
    assert reminder.message_ts and reminder.sent_at == START - timedelta(hours=1)


def test_reminder_goes_to_the_event_thread_and_names_who_covers(engine, clock, fake_slack, deliverer):
    from services.editing import change_coverage
    from storage.editing import set_thread

    event = add_event(engine, clock, start=START)
    with session(engine) as db, db.begin():
        set_thread(db, event_id=event.id, ts="1711900000.000100")
    change_coverage(engine, team_id="T0NEWSROOM", actor="U0EDITOR", event_id=event.id, users=["U0ALICE"], now=clock())
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    (post,) = fake_slack.posts()
    assert post.payload["thread_ts"] == "1711900000.000100"
    assert "Covering: <@U0ALICE>" in post.payload["blocks"][0]["text"]["text"]


def test_a_restart_before_the_due_time_loses_nothing(engine, clock, fake_slack, make_deliverer):
    add_event(engine, clock, start=START)
    first = make_deliverer()
    first.run_once()
    first.stop()
    at(clock, START - timedelta(minutes=59))
    make_deliverer().run_once()
    assert len(fake_slack.posts()) == 1


def test_after_downtime_only_the_newest_overdue_reminder_goes_and_is_marked_late(engine, clock, fake_slack, deliverer):
    at(clock, START - timedelta(days=2))
    add_event(engine, clock, start=START, lead_times=(1440, 60))
    at(clock, START - timedelta(minutes=40))  # the 1-hour reminder is 20 minutes late
    deliverer.run_once()
    (post,) = fake_slack.posts()
    assert post.payload["text"].startswith("In 40 minutes: Blinken meets Macron")
    assert "(late:" in post.payload["text"]
    found = rows(engine)
    assert (found[60].status, found[60].late) == (ReminderStatus.SENT, True)
    assert found[1440].status == ReminderStatus.SKIPPED and "superseded" in found[1440].last_error


def test_too_late_is_skipped_with_its_reason(engine, clock, fake_slack, deliverer):
    add_event(engine, clock, start=START)
    at(clock, START - timedelta(minutes=20))  # 40 minutes late: over half the lead
    deliverer.run_once()
    assert fake_slack.posts() == []
    reminder = rows(engine)[60]
    assert reminder.status == ReminderStatus.SKIPPED and reminder.last_error.startswith("too late: 40 min")


def test_nothing_after_the_event_started(engine, clock, fake_slack, deliverer):
    add_event(engine, clock, start=START, lead_times=(15,))
    at(clock, START + timedelta(minutes=1))
    deliverer.run_once()
    assert fake_slack.posts() == []
    assert rows(engine)[15].last_error == "the event had already started"


def test_reminders_already_past_when_scheduled_are_skipped(engine, clock, fake_slack, deliverer):
    at(clock, START - timedelta(hours=2))
    add_event(engine, clock, start=START, lead_times=(1440, 60))
    found = rows(engine)
    assert found[1440].status == ReminderStatus.SKIPPED
    assert found[1440].last_error == "already past when the event was scheduled"
    assert found[60].status == ReminderStatus.PENDING


def test_a_cancelled_meeting_posts_nothing(engine, clock, fake_slack, deliverer):
    at(clock, START - timedelta(days=2))
    event = add_event(engine, clock, start=START, lead_times=(1440, 60))
    set_status(
        engine,
        team_id="T0NEWSROOM",
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    )
    assert {r.status for r in rows(engine).values()} == {ReminderStatus.SKIPPED}
    assert rows(engine)[60].last_error == "event cancelled"
    for moment in (START - timedelta(days=1), START - timedelta(hours=1)):
        at(clock, moment)
        deliverer.run_once()
    assert fake_slack.posts() == []


def test_cancelled_while_claimed_is_not_posted(engine, clock, fake_slack, deliverer):
    event = add_event(engine, clock, start=START)
    at(clock, START - timedelta(hours=1))
    with session(engine) as db, db.begin():
        claimed = claim_next(
            db, channel_id="C0FOREIGN", now=clock(), lease_until=clock() - timedelta(seconds=1), replica="dead"
        )
    set_status(
        engine,
        team_id="T0NEWSROOM",
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    )
    deliverer.run_once()  # the lease has passed: this replica takes the row over, and re-reads the event
    assert claimed is not None and fake_slack.posts() == []
    assert rows(engine)[60].last_error == "event cancelled"


def test_a_rescheduled_event_is_reminded_at_its_new_time(engine, clock, fake_slack, deliverer):
    at(clock, START - timedelta(days=2))
    event = add_event(engine, clock, start=START, lead_times=(1440,))
    at(clock, START - timedelta(days=1))
    deliverer.run_once()
    assert len(fake_slack.posts()) == 1
    later = START + timedelta(days=3)
    form = EventInput(
        draft=EventDraft(
            uid=event.uid,
            title=event.title,
            starts_at=later,
            tz=event.tz,
            kind=event.kind,
            status=event.status,
            city="Paris",
            venue="Élysée Palace",
            participants=("Antony Blinken", "Emmanuel Macron"),
        ),
        trip_id=None,
        channel_id="C0FOREIGN",
        lead_times=(1440,),
        past_record=False,
    )
    save_event(
        engine,
        team_id="T0NEWSROOM",
        actor="U0EDITOR",
        form=form,
        now=clock(),
        default_channel=None,
        event_id=event.id,
        version=event.version,
    )
    reminder = rows(engine)[1440]
    assert (reminder.status, reminder.due_at) == (ReminderStatus.PENDING, later - timedelta(days=1))
    at(clock, later - timedelta(days=1))
    deliverer.run_once()
    assert len(fake_slack.posts()) == 2


def test_rate_limit_storms_lose_nothing_and_double_nothing(engine, clock, fake_slack, make_deliverer):
    fake_slack.post_interval, fake_slack.retry_after = 0.3, 1
    for n in range(12):
        add_event(
            engine,
            clock,
            title=f"Meeting {n}",
            start=START + timedelta(seconds=n),
            channel=("C0FOREIGN", "C0PUBLIC")[n % 2],
        )
    at(clock, START - timedelta(minutes=59))
    # Pacing faster than Slack allows makes Slack answer 429 with Retry-After.
    make_deliverer(interval=0.05).run_once()
    posts = fake_slack.posts()
    assert sorted(p.payload["text"].split(": ", 1)[1].split(" —")[0] for p in posts) == sorted(
        f"Meeting {n}" for n in range(12)
    )
    assert fake_slack.rate_limited > 0
    assert {r.status for r in _all(engine)} == {ReminderStatus.SENT}


def _all(engine) -> list[Reminder]:
    with session(engine) as db:
        return list(db.exec(select(Reminder)))


def test_one_message_a_second_per_channel(engine, clock, fake_slack, make_deliverer):
    fake_slack.post_interval = 1.0
    for n in range(3):
        add_event(engine, clock, title=f"Meeting {n}", start=START + timedelta(seconds=n))
    at(clock, START - timedelta(minutes=59))
    make_deliverer(interval=None).run_once()  # the production pacing
    assert len(fake_slack.posts("C0FOREIGN")) == 3
    assert fake_slack.rate_limited == 0


def test_a_channel_that_is_gone_fails_and_the_creator_is_told(engine, clock, fake_slack, deliverer):
    fake_slack.channel_errors["C0FOREIGN"] = "is_archived"
    add_event(engine, clock, start=START, actor="U0CREATOR")
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    reminder = rows(engine)[60]
    assert (reminder.status, reminder.last_error) == (ReminderStatus.FAILED, "is_archived")
    (dm,) = fake_slack.posts("U0CREATOR")
    assert "could not be posted in <#C0FOREIGN>: the channel is archived" in dm.payload["blocks"][0]["text"]["text"]


def test_a_revoked_token_pauses_all_sending_until_it_works_again(engine, clock, fake_slack, deliverer):
    add_event(engine, clock, start=START)
    fake_slack.fail("chat.postMessage", "token_revoked")
    fake_slack.fail("auth.test", "token_revoked")
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    assert deliverer.paused == "token_revoked"
    assert rows(engine)[60].status == ReminderStatus.PENDING
    deliverer.run_once()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # paused: no second try
    fake_slack.failures.clear()
    deliverer.run_once()
    assert deliverer.paused is None and rows(engine)[60].status == ReminderStatus.SENT


def test_server_errors_are_retried_with_backoff_then_fail(engine, clock, fake_slack, deliverer):
    add_event(engine, clock, start=START)
    fake_slack.fail("chat.postMessage", "internal_error", status=500)
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    reminder = rows(engine)[60]
    assert reminder.status == ReminderStatus.PENDING and reminder.next_attempt_at == clock() + timedelta(seconds=5)
    fake_slack.failures.clear()
    at(clock, clock() + timedelta(seconds=5))
    deliverer.run_once()
    assert rows(engine)[60].status == ReminderStatus.SENT and len(fake_slack.posts()) == 1


def test_retries_are_bounded_by_attempts(engine, clock, fake_slack, deliverer):
    at(clock, START - timedelta(days=2))
    add_event(engine, clock, start=START, lead_times=(1440,))
    fake_slack.fail("chat.postMessage", "service_unavailable", status=503)
    at(clock, START - timedelta(days=1))
    for _ in range(40):
        deliverer.run_once()
        at(clock, clock() + timedelta(minutes=5))
    reminder = rows(engine)[1440]
    assert reminder.status == ReminderStatus.FAILED and reminder.last_error.startswith("gave up after 30 attempts")
    assert len(fake_slack.calls_to("chat.postMessage")) == 30


def test_retries_stop_when_the_reminder_would_be_too_late(engine, clock, fake_slack, deliverer):
    add_event(engine, clock, start=START)
    fake_slack.fail("chat.postMessage", "internal_error", status=500)
    at(clock, START - timedelta(hours=1))
    for _ in range(20):
        deliverer.run_once()
        at(clock, clock() + timedelta(minutes=3))
    reminder = rows(engine)[60]
    assert reminder.status == ReminderStatus.FAILED and reminder.last_error.startswith("gave up after")
    # It gave up once the next try would have come more than the 30 minutes a 1-hour reminder may be late.
    assert 5 <= reminder.attempts < 30 and len(fake_slack.calls_to("chat.postMessage")) == reminder.attempts


def test_an_outage_of_several_minutes_delays_but_does_not_lose(engine, clock, fake_slack, deliverer):
    add_event(engine, clock, start=START)
    fake_slack.fail("chat.postMessage", "service_unavailable", status=503)
    at(clock, START - timedelta(hours=1))
    for _ in range(4):  # five minutes of outage
        deliverer.run_once()
        at(clock, clock() + timedelta(seconds=75))
    fake_slack.failures.clear()
    at(clock, clock() + timedelta(minutes=2))
    deliverer.run_once()
    reminder = rows(engine)[60]
    assert (reminder.status, reminder.late) == (ReminderStatus.SENT, True)
    assert len(fake_slack.posts()) == 1


def test_network_errors_are_retried(engine, clock, fake_slack, make_deliverer):
    from slack_sdk import WebClient

    from jobs.reminders import ReminderDeliverer

    add_event(engine, clock, start=START)
    at(clock, START - timedelta(hours=1))
    dead = ReminderDeliverer(
        engine=engine, client=WebClient(token="x", base_url="http://127.0.0.1:9/api/", retry_handlers=[]), clock=clock
    )
    dead.run_once()
    reminder = rows(engine)[60]
    assert reminder.status == ReminderStatus.PENDING and reminder.last_error.startswith("network:")
    assert not reminder.may_have_posted  # a refused connection never reached Slack
    at(clock, clock() + timedelta(seconds=5))
    make_deliverer().run_once()
    assert rows(engine)[60].status == ReminderStatus.SENT


def test_a_replica_killed_after_claiming_hands_over_when_its_lease_expires(engine, clock, fake_slack, deliverer):
    add_event(engine, clock, start=START)
    at(clock, START - timedelta(hours=1))
    with session(engine) as db, db.begin():
        claimed = claim_next(
            db, channel_id="C0FOREIGN", now=clock(), lease_until=clock() + timedelta(seconds=60), replica="killed"
        )
    assert claimed is not None
    deliverer.run_once()
    assert fake_slack.posts() == []  # the lease still holds
    at(clock, clock() + timedelta(seconds=61))
    deliverer.run_once()
    deliverer.run_once()
    assert len(fake_slack.posts()) == 1
    with session(engine) as db, db.begin():
        assert (
            finish(db, reminder_id=claimed, replica="killed", status=ReminderStatus.SENT) is False
        )  # too late to claim it was sent


def test_shutdown_releases_what_was_claimed(engine, clock, deliverer):
    add_event(engine, clock, start=START)
    at(clock, START - timedelta(hours=1))
    with session(engine) as db, db.begin():
        claim_next(
            db,
            channel_id="C0FOREIGN",
            now=clock(),
            lease_until=clock() + timedelta(minutes=5),
            replica=deliverer.replica,
        )
    assert rows(engine)[60].status == ReminderStatus.SENDING
    assert deliverer.stop() == 1
    reminder = rows(engine)[60]
    assert (reminder.status, reminder.claimed_by, reminder.attempts) == (ReminderStatus.PENDING, None, 0)


def run_two_replicas(make_deliverer, database_url, *, interval: float) -> None:
    """Two deliverers, each with an engine of its own as two processes would have, at once."""
    from storage.db import make_engine

    second_engine = make_engine(database_url)
    replicas = [
        make_deliverer(interval=interval, replica="replica-a"),
        make_deliverer(interval=interval, engine_=second_engine, replica="replica-b"),
    ]
    threads = [threading.Thread(target=r.run_once) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    second_engine.dispose()


def test_two_replicas_deliver_hundreds_exactly_once(engine, clock, fake_slack, make_deliverer, database_url):
    fake_slack.post_interval = 0.05
    channels = [f"C0DESK{n:02d}" for n in range(20)]
    for n in range(200):
        add_event(
            engine, clock, title=f"Meeting {n:03d}", start=START + timedelta(seconds=n % 7), channel=channels[n % 20]
        )
    at(clock, START - timedelta(minutes=59))
    run_two_replicas(make_deliverer, database_url, interval=0.05)
    titles = [p.payload["text"].split(": ", 1)[1].split(" —")[0] for p in fake_slack.posts()]
    assert len(titles) == 200 and len(set(titles)) == 200
    assert {r.status for r in _all(engine)} == {ReminderStatus.SENT}


def test_one_replica_at_a_time_posts_to_a_channel(engine, clock):
    now = clock()
    with session(engine) as db, db.begin():
        assert hold_channel(db, channel_id="C0DESK", replica="a", now=now, until=now + timedelta(seconds=60))
        assert not hold_channel(db, channel_id="C0DESK", replica="b", now=now, until=now + timedelta(seconds=60))
        assert hold_channel(db, channel_id="C0OTHER", replica="b", now=now, until=now + timedelta(seconds=60))
        assert hold_channel(db, channel_id="C0DESK", replica="a", now=now, until=now + timedelta(seconds=90))
    later = now + timedelta(seconds=91)  # replica a died: its hold lapses
    with session(engine) as db, db.begin():
        assert hold_channel(db, channel_id="C0DESK", replica="b", now=later, until=later + timedelta(seconds=60))
        let_go_channel(db, channel_id="C0DESK", replica="a", until=later)  # too late: not a's to let go any more
        assert not hold_channel(db, channel_id="C0DESK", replica="a", now=later, until=later + timedelta(seconds=60))
        # Let go, b keeps the channel for its last post's second: a must not follow it closer.
        let_go_channel(db, channel_id="C0DESK", replica="b", until=later + timedelta(seconds=1))
        assert not hold_channel(db, channel_id="C0DESK", replica="a", now=later, until=later + timedelta(seconds=60))
        assert hold_channel(db, channel_id="C0DESK", replica="b", now=later, until=later + timedelta(seconds=60))
        let_go_channel(db, channel_id="C0DESK", replica="b", until=later + timedelta(seconds=1))
        after = later + timedelta(seconds=2)
        assert hold_channel(db, channel_id="C0DESK", replica="a", now=after, until=after + timedelta(seconds=60))


def test_a_channel_another_replica_holds_is_neither_due_nor_waited_for_here(engine, clock):
    """Otherwise the replica that does not hold it would find it due again after every pass
    and go round without pause while the other posts."""
    add_event(engine, clock, start=START, channel="C0DESK")
    now = START - timedelta(minutes=59)
    with session(engine) as db, db.begin():
        assert hold_channel(db, channel_id="C0DESK", replica="a", now=now, until=now + timedelta(seconds=60))
    with session(engine) as db:
        assert due_channels(db, now=now, replica="a") == ["C0DESK"]
        assert next_wakeup(db, now=now, replica="a") == START - timedelta(hours=1)
        assert due_channels(db, now=now, replica="b") == []
        assert next_wakeup(db, now=now, replica="b") is None
    lapsed = now + timedelta(seconds=61)  # a died: its hold lapses, and b takes the channel up
    with session(engine) as db:
        assert due_channels(db, now=lapsed, replica="b") == ["C0DESK"]


def test_two_replicas_never_post_to_one_channel_at_once(engine, clock, fake_slack, make_deliverer, database_url):
    """Each replica paces its own posts; two posting to one channel would be twice Slack's rate."""
    fake_slack.post_interval = 0.2
    for n in range(24):
        add_event(engine, clock, title=f"Meeting {n:02d}", start=START, channel=f"C0DESK{n % 3}")
    at(clock, START - timedelta(minutes=59))
    run_two_replicas(make_deliverer, database_url, interval=0.2)
    titles = sorted(p.payload["text"].split(": ", 1)[1].split(" —")[0] for p in fake_slack.posts())
    assert titles == [f"Meeting {n:02d}" for n in range(24)]
    assert fake_slack.rate_limited == 0


def test_a_slow_answer_delays_the_next_post_to_its_channel(engine, clock, fake_slack, make_deliverer):
    """Slack counts a post when it arrives, somewhere between sending and the answer: pacing
    from the send time lets a post that arrived late be followed too closely."""
    fake_slack.post_interval = 0.3
    arrivals = iter([0.25, 0.0] * 3)
    fake_slack.on_call = lambda call: time.sleep(next(arrivals, 0.0)) if call.method == "chat.postMessage" else None
    for n in range(6):
        add_event(engine, clock, title=f"Meeting {n}", start=START)
    at(clock, START - timedelta(minutes=59))
    make_deliverer(interval=0.3).run_once()
    assert len(fake_slack.posts("C0FOREIGN")) == 6
    assert fake_slack.rate_limited == 0


def test_a_post_whose_answer_was_lost_is_found_and_not_sent_again(engine, clock, fake_slack, make_deliverer):
    """Slack posted the reminder but answered after the client gave up: the retry finds the
    message by its metadata instead of posting a second one."""
    from tests.support.schedule import client_for

    add_event(engine, clock, start=START)
    deliverer = make_deliverer(client=client_for(fake_slack, timeout=0.2))
    fake_slack.outage(status=None, hang=0.5)  # slow, but it does post
    at(clock, START - timedelta(hours=1))
    deliverer.run_once()
    reminder = rows(engine)[60]
    assert reminder.status == ReminderStatus.PENDING and reminder.may_have_posted
    assert reminder.last_error.startswith("network:")
    wait_until(lambda: len(fake_slack.posts()) == 1)
    fake_slack.recover()
    at(clock, clock() + timedelta(seconds=5))
    deliverer.run_once()
    reminder = rows(engine)[60]
    assert reminder.status == ReminderStatus.SENT and reminder.message_ts == fake_slack.posts()[0].answer["ts"]
    assert len(fake_slack.posts()) == 1
    assert fake_slack.posts()[0].payload["metadata"] == {
        "event_type": "tripdesk_reminder",
        "event_payload": {"reminder_id": reminder.id},
    }


def test_an_uncertain_post_is_not_repeated_blindly_when_the_channel_cannot_be_read(
    engine, clock, fake_slack, make_deliverer
):
    add_event(engine, clock, start=START)
    fake_slack.fail("chat.postMessage", "internal_error", status=500)
    at(clock, START - timedelta(hours=1))
    make_deliverer().run_once()
    assert (rows(engine)[60].may_have_posted, rows(engine)[60].last_error) == (True, "internal_error")
    fake_slack.failures.clear()
    fake_slack.fail("conversations.history", "internal_error", status=500)
    at(clock, clock() + timedelta(seconds=5))
    make_deliverer().run_once()
    reminder = rows(engine)[60]
    assert reminder.status == ReminderStatus.PENDING and reminder.may_have_posted
    assert reminder.last_error.startswith("could not check the channel")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    fake_slack.failures.clear()
    at(clock, clock() + timedelta(seconds=10))
    make_deliverer().run_once()
    assert rows(engine)[60].status == ReminderStatus.SENT and len(fake_slack.posts()) == 1
