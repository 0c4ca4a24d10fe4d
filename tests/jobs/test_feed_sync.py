"""The feed sync job: due feeds synced once across replicas, one feed's failure leaving the
others alone, and a feed failing for an hour posted once to the desk's channel."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from jobs.agenda import DailyAgenda
from jobs.feeds import FeedSyncer
from jobs.reminders import ReminderDeliverer
from jobs.scheduler import Jobs
from services.subscriptions import SyncOptions, add_feed
from storage.db import session
from storage.models import Event, FeedSubscription
from tests.support.calendars import Stop, calendar
from tests.support.feed_server import FeedServer
from tests.support.schedule import TEAM, client_for

MACRON = Stop("macron@feed.test", "Blinken meets Macron", "20240402T100000", "20240402T110000")
NATO = Stop("nato@feed.test", "NATO foreign ministers", "20240404T090000", "20240404T120000")
OPTIONS = SyncOptions(
    fallback_tz="Europe/Paris",
    default_channel="C0FOREIGN",
    every=timedelta(minutes=15),
    deadline=2.0,
    private=True,  # the publisher is on 127.0.0.1
)


@pytest.fixture
def publisher():
    server = FeedServer().start()
    server.etag = None
    yield server
    server.stop()


@pytest.fixture
def make_syncer(engine, fake_slack, clock):
    def make(replica: str = "replica-a", options: SyncOptions = OPTIONS) -> FeedSyncer:
        return FeedSyncer(engine=engine, client=client_for(fake_slack), clock=clock, options=options, replica=replica)

    return make


def subscribe(engine, clock, url: str, name: str) -> int:
    return add_feed(engine, team_id=TEAM, address=url, name=name, added_by="U0EDITOR", now=clock()).id


def feed_row(engine, feed_id: int) -> FeedSubscription:
    with session(engine) as db:
        row = db.get(FeedSubscription, feed_id)
        assert row is not None
        return row


def event_uids(engine) -> list[str]:
    with session(engine) as db:
        return sorted(e.uid for e in db.exec(select(Event)).unique())


def failure_posts(fake_slack) -> list:
    return [p for p in fake_slack.posts("C0FOREIGN") if "calendar feed" in p.payload["text"]]


def test_due_feeds_are_synced_and_then_wait_for_their_interval(engine, clock, publisher, make_syncer):
    publisher.files["/a.ics"] = calendar(MACRON)
    publisher.files["/b.ics"] = calendar(NATO)
    subscribe(engine, clock, f"{publisher.url}/a.ics", "Feed A")
    subscribe(engine, clock, f"{publisher.url}/b.ics", "Feed B")
    syncer = make_syncer()

    run = syncer.run_once()

    assert sorted(r.name for r in run.results) == ["Feed A", "Feed B"]
    assert event_uids(engine) == [MACRON.uid, NATO.uid]
    clock.advance(timedelta(minutes=14))
    assert syncer.run_once().results == []
    clock.advance(timedelta(minutes=1))
    assert [r.line for r in syncer.run_once().results] == ["Unchanged since the last sync"] * 2
    assert len(publisher.requests) == 4


def test_one_failing_feed_leaves_the_others_to_sync(engine, clock, publisher, make_syncer):
    publisher.statuses["/a.ics"] = 500
    publisher.files["/b.ics"] = calendar(NATO)
    subscribe(engine, clock, f"{publisher.url}/a.ics", "Feed A")
    subscribe(engine, clock, f"{publisher.url}/b.ics", "Feed B")

    run = make_syncer().run_once()

    assert [(r.name, r.ok) for r in run.results] == [("Feed A", False), ("Feed B", True)]
    assert event_uids(engine) == [NATO.uid]


@pytest.mark.parametrize("feeds", [1, 4])
def test_two_replicas_sync_each_feed_once(engine, clock, publisher, make_syncer, feeds):
    for n in range(feeds):
        publisher.files[f"/{n}.ics"] = calendar(Stop(f"e{n}@feed.test", f"Event {n}", "20240402T100000"))
        # Slow enough that both replicas look for due feeds while the first fetch is under way.
        publisher.delays[f"/{n}.ics"] = 0.5
        subscribe(engine, clock, f"{publisher.url}/{n}.ics", f"Feed {n}")
    replicas = [make_syncer("replica-a"), make_syncer("replica-b")]
    runs: dict[str, object] = {}
    start = threading.Barrier(2)

    def run(syncer: FeedSyncer) -> None:
        start.wait()
        runs[syncer.replica] = syncer.run_once()

    threads = [threading.Thread(target=run, args=(syncer,)) for syncer in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(path for path, _headers in publisher.requests) == sorted(f"/{n}.ics" for n in range(feeds))
    synced = [r.name for replica_run in runs.values() for r in replica_run.results]  # type: ignore[attr-defined]
    assert sorted(synced) == sorted(f"Feed {n}" for n in range(feeds))
    assert event_uids(engine) == sorted(f"e{n}@feed.test" for n in range(feeds))
    if feeds > 1:  # both replicas took a share
        assert all(replica_run.results for replica_run in runs.values())  # type: ignore[attr-defined]


def test_a_feed_failing_for_an_hour_is_posted_once_a_streak(engine, clock, publisher, make_syncer, fake_slack):
    publisher.files["/a.ics"] = calendar(MACRON)
    publisher.files["/b.ics"] = calendar(NATO)
    feed = subscribe(engine, clock, f"{publisher.url}/a.ics?token=s3cr3t", "Ministry <!channel> feed")
    publisher.files["/a.ics?token=s3cr3t"] = calendar(MACRON)
    subscribe(engine, clock, f"{publisher.url}/b.ics", "Summit feed")
    syncer = make_syncer()
    syncer.run_once()
    publisher.statuses["/a.ics?token=s3cr3t"] = 502

    for _ in range(4):  # 15, 30, 45 and 60 minutes: failing, but not yet for an hour
        clock.advance(timedelta(minutes=15))
        syncer.run_once()
        assert failure_posts(fake_slack) == []
    assert feed_row(engine, feed).failing_since == clock() - timedelta(minutes=45)
    clock.advance(timedelta(minutes=15))
    syncer.run_once()
    (post,) = failure_posts(fake_slack)
    text = post.payload["blocks"][0]["text"]["text"]
    assert "Ministry &lt;!channel&gt; feed" in text and "HTTP 502" in text
    assert "s3cr3t" not in str(post.payload) and "<!channel>" not in str(post.payload)
    for _ in range(4):
        clock.advance(timedelta(minutes=15))
        syncer.run_once()
    assert len(failure_posts(fake_slack)) == 1

    del publisher.statuses["/a.ics?token=s3cr3t"]  # recovered: the streak ends
    clock.advance(timedelta(minutes=15))
    syncer.run_once()
    assert feed_row(engine, feed).failure_posted_at is None
    publisher.statuses["/a.ics?token=s3cr3t"] = 500  # a new streak is posted after its own hour
    for _ in range(5):
        clock.advance(timedelta(minutes=15))
        syncer.run_once()
    assert len(failure_posts(fake_slack)) == 2
    assert "HTTP 500" in failure_posts(fake_slack)[-1].payload["text"]


def test_a_failure_post_slack_refused_is_tried_again(engine, clock, publisher, make_syncer, fake_slack):
    publisher.statuses["/a.ics"] = 500
    subscribe(engine, clock, f"{publisher.url}/a.ics", "Ministry feed")
    syncer = make_syncer()
    syncer.run_once()
    clock.advance(timedelta(minutes=61))
    fake_slack.fail("chat.postMessage", "channel_not_found")

    assert syncer.run_once().posted == 0
    assert feed_row(engine, 1).failure_posted_at is None
    del fake_slack.failures["chat.postMessage"]
    clock.advance(timedelta(minutes=1))
    assert syncer.run_once().posted == 1


def test_no_channel_no_post(engine, clock, publisher, make_syncer, fake_slack):
    publisher.statuses["/a.ics"] = 500
    feed = subscribe(engine, clock, f"{publisher.url}/a.ics", "Ministry feed")
    syncer = make_syncer(options=replace(OPTIONS, default_channel=None))
    syncer.run_once()
    clock.advance(timedelta(hours=2))

    assert syncer.run_once().posted == 0
    assert fake_slack.posts() == [] and feed_row(engine, feed).failure_posted_at is None


def test_the_scheduler_runs_the_feed_sync_every_minute(engine, clock, fake_slack, make_syncer, settings):
    agenda = DailyAgenda(
        engine=engine,
        client=client_for(fake_slack),
        clock=clock,
        newsroom_tz=settings.newsroom_tz,
        channel_id=None,
        team_id=lambda: TEAM,
        replica="replica-a",
    )
    deliverer = ReminderDeliverer(engine=engine, client=client_for(fake_slack), clock=clock, replica="replica-a")
    jobs = Jobs(deliverer=deliverer, agenda=agenda, settings=settings, feeds=make_syncer())
    jobs.start()
    try:
        job = jobs.scheduler.get_job("feed-sync")
        assert job is not None and job.trigger.interval == timedelta(minutes=1)
    finally:
        jobs.stop()


def test_a_stopped_syncer_takes_up_no_more_feeds(engine, clock, publisher, make_syncer):
    publisher.files["/a.ics"] = calendar(MACRON)
    subscribe(engine, clock, f"{publisher.url}/a.ics", "Feed A")
    syncer = make_syncer()
    syncer.stop()

    assert syncer.run_once().results == []
    assert publisher.requests == [] and feed_row(engine, 1).claimed_by is None
