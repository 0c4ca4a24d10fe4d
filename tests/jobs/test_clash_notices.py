"""Clashes that an import brings are posted once to the channel, whichever replica runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.drafts import EventDraft
from domain.event_form import EventInput
from jobs.feeds import FeedSyncer
from services.clashes import FIRST_RETRY, LEASE, LONGEST_RETRY, MAX_ATTEMPTS, clashes_to_tell
from services.editing import new_uid, save_events
from services.subscriptions import SyncOptions
from tests.support.samples import SAMPLE, load_ics
from tests.support.schedule import TEAM, client_for

NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
OPTIONS = SyncOptions(
    fallback_tz="Europe/Paris", default_channel="C0FOREIGN", every=timedelta(minutes=15), deadline=2.0, private=True
)
ARMENIA_DAY = b"DTSTART;VALUE=DATE:20240405\r\n"


def moved_sample(start: bytes) -> bytes:
    """The sample calendar with the Brussels meeting (US-EU-Armenia) moved to `start`."""
    data = SAMPLE.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert data.count(ARMENIA_DAY) == 1
    return data.replace(ARMENIA_DAY, start + b"\r\n")


@pytest.fixture
def syncer(engine, fake_slack, clock):
    def make(replica: str) -> FeedSyncer:
        return FeedSyncer(engine=engine, client=client_for(fake_slack), clock=clock, options=OPTIONS, replica=replica)

    return make


def clash_posts(fake_slack) -> list[dict]:
    return [
        p.payload for p in fake_slack.posts("C0FOREIGN") if "lash" in p.payload["text"].split(" on the schedule")[0]
    ]


def test_the_sample_trip_has_no_clash(engine, fake_slack, syncer):
    report = load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    assert report.clashes == 0
    assert syncer("replica-a").run_once().clashes == 0


def test_an_imported_clash_is_posted_once_across_replicas_and_runs(engine, fake_slack, syncer):
    load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    report = load_ics(engine, moved_sample(b"DTSTART;TZID=Europe/Brussels:20240402T110000"), now=NOW)
    # Paris 10:00-11:00 before it; after its hour, Paris at 12:00 and at 13:15 (2 h 20 min away).
    assert report.clashes == 3 and "3 new clashes" in report.summary("the sample")
    first, second = syncer("replica-a"), syncer("replica-b")
    assert first.run_once().clashes + second.run_once().clashes == 3
    assert first.run_once().clashes == 0 and second.run_once().clashes == 0
    # The three arrived together: one message lists them, not a post each.
    (post,) = clash_posts(fake_slack)
    assert post["text"].startswith("3 clashes on the schedule")
    lines = "\n".join(b["text"]["text"] for b in post["blocks"] if b["type"] == "section").splitlines()
    assert len(lines) == 3
    assert sum("Antony Blinken: impossible travel: Paris → Brussels (264 km)" in line for line in lines) == 1
    assert sum("Antony Blinken: impossible travel: Brussels → Paris (264 km)" in line for line in lines) == 2
    assert "*Blinken meets President Macron* / *US–EU–Armenia meeting" in lines[0]
    # Importing the same again changes nothing: the clashes were told.
    load_ics(engine, moved_sample(b"DTSTART;TZID=Europe/Brussels:20240402T110000"), now=NOW)
    assert first.run_once().clashes == 0 and len(clash_posts(fake_slack)) == 1


def test_a_clash_post_slack_refused_is_tried_again_after_a_wait(engine, fake_slack, syncer, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    load_ics(engine, moved_sample(b"DTSTART;TZID=Europe/Brussels:20240402T110000"), now=NOW)
    fake_slack.fail("chat.postMessage", "channel_not_found")
    assert syncer("replica-a").run_once().clashes == 0
    del fake_slack.failures["chat.postMessage"]
    # Not at once: a failing post does not hold the others up each minute.
    assert syncer("replica-a").run_once().clashes == 0
    clock.advance(FIRST_RETRY)
    assert syncer("replica-a").run_once().clashes == 3


def test_a_clash_post_that_keeps_failing_is_given_up(engine, fake_slack, syncer, clock, caplog):
    load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    load_ics(engine, moved_sample(b"DTSTART;TZID=Europe/Brussels:20240402T110000"), now=NOW)
    fake_slack.fail("chat.postMessage", "channel_not_found")
    for attempt in range(MAX_ATTEMPTS):
        syncer("replica-a").run_once()
        clock.advance(min(FIRST_RETRY * 2**attempt, LONGEST_RETRY))
    assert "clash given up after 8 failed posts" in caplog.text
    del fake_slack.failures["chat.postMessage"]
    assert syncer("replica-a").run_once().clashes == 0 and clash_posts(fake_slack) == []


def test_a_clash_claimed_by_a_replica_that_died_is_posted_by_another(engine, fake_slack, syncer, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    load_ics(engine, moved_sample(b"DTSTART;TZID=Europe/Brussels:20240402T110000"), now=NOW)
    # Replica a claims them and dies before posting.
    assert len(clashes_to_tell(engine, now=clock(), replica="replica-a")) == 3
    assert syncer("replica-b").run_once().clashes == 0
    clock.advance(LEASE)
    assert syncer("replica-b").run_once().clashes == 3
    assert len(clash_posts(fake_slack)) == 1


def test_a_clash_without_a_channel_is_posted_once_there_is_one(engine, fake_slack, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    load_ics(engine, moved_sample(b"DTSTART;TZID=Europe/Brussels:20240402T110000"), now=NOW)
    homeless = replace(OPTIONS, default_channel=None)
    client = client_for(fake_slack)
    syncer = FeedSyncer(engine=engine, client=client, clock=clock, options=homeless, replica="replica-a")
    assert syncer.run_once().clashes == 0
    # TRIPDESK_CHANNEL set, the bot restarted.
    again = FeedSyncer(engine=engine, client=client, clock=clock, options=OPTIONS, replica="replica-b")
    assert again.run_once().clashes == 3


def test_clashes_between_events_both_over_are_not_posted(engine, fake_slack, syncer, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    load_ics(engine, moved_sample(b"DTSTART;TZID=Europe/Brussels:20240402T110000"), now=NOW)
    clock.advance(timedelta(days=30))
    assert syncer("replica-a").run_once().clashes == 0
    assert clashes_to_tell(engine, now=clock(), replica="replica-b") == []


def test_a_clash_that_drafts_from_a_story_bring_is_posted_once(engine, fake_slack, syncer):
    load_ics(engine, SAMPLE.read_bytes(), now=NOW)
    draft = EventDraft(
        uid=new_uid(),
        title="Blinken meets De Croo",
        starts_at=datetime(2024, 4, 2, 9, 0, tzinfo=UTC),  # 11:00 in Brussels
        tz="Europe/Brussels",
        city="Brussels",
        country="Belgium",
        participants=("Antony Blinken", "Alexander De Croo"),
    )
    form = EventInput(draft=draft, trip_id=None, channel_id="C0FOREIGN", lead_times=(), past_record=False)
    save_events(engine, team_id=TEAM, actor="U0EDITOR", forms=[form], now=NOW, default_channel=None, origin="a story")
    assert syncer("replica-a").run_once().clashes == 3
    assert syncer("replica-b").run_once().clashes == 0
    assert len(clash_posts(fake_slack)) == 1
