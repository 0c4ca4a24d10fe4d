"""The chase for coverage: a key event no one covers is chased in the desk's channel 48 and 24
hours before it starts, each once, whatever restarts and replicas; never when it is cancelled,
postponed or covered. The clock is injected; Slack is the fake."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import event as sa_event
from sqlmodel import select

from domain.vocabulary import Kind, Precision, Status
from jobs.coverage import CoverageChaser
from services.editing import change_coverage
from storage.coverage import claim_chase
from storage.db import make_engine, session
from storage.models import CoverageChase, Event
from tests.support.clock import at
from tests.support.schedule import TEAM, add_event, client_for
from tests.support.waiting import wait_for_calls

SUMMIT_START = datetime(2024, 6, 20, 8, 0, tzinfo=UTC)  # 10:00 in Paris


def chaser(engine, fake_slack, clock, *, replica="replica-a", channel="C0FOREIGN") -> CoverageChaser:
    return CoverageChaser(
        engine=engine,
        client=client_for(fake_slack),
        clock=clock,
        channel_id=channel,
        team_id=lambda: TEAM,
        replica=replica,
    )


def chases(fake_slack) -> list[dict]:
    return [p.payload for p in fake_slack.posts() if p.payload["text"].startswith("Key events nobody covers yet")]


def chased_titles(message: dict) -> list[str]:
    return [
        block["text"]["text"].split("*")[1]
        for block in message["blocks"]
        if block["type"] == "section" and block.get("accessory", {}).get("action_id") == "cover_me"
    ]


def rows(engine) -> dict[tuple[int, int], CoverageChase]:
    with session(engine) as db:
        return {(r.event_id, r.lead_hours): r for r in db.exec(select(CoverageChase))}


def summit(engine, clock, *, title="EU–China summit", start=SUMMIT_START, **fields):
    return add_event(engine, clock, title=title, start=start, kind=Kind.SUMMIT, **fields)


def test_48_and_24_hours_before_each_once(engine, fake_slack, clock):
    event = summit(engine, clock)
    job = chaser(engine, fake_slack, clock)
    at(clock, SUMMIT_START - timedelta(hours=48, seconds=1))
    assert job.run_once() == "nothing owed"
    at(clock, SUMMIT_START - timedelta(hours=48))
    assert job.run_once() == "posted 1"
    assert job.run_once() == "nothing owed"
    at(clock, SUMMIT_START - timedelta(hours=30))
    assert job.run_once() == "nothing owed"
    # After a restart: a new chaser on the same database finds the 48-hour chase sent.
    assert chaser(engine, fake_slack, clock, replica="replica-b").run_once() == "nothing owed"
    at(clock, SUMMIT_START - timedelta(hours=24))
    assert job.run_once() == "posted 1"
    at(clock, SUMMIT_START - timedelta(hours=1))
    assert job.run_once() == "nothing owed"
    assert chaser(engine, fake_slack, clock, replica="replica-c").run_once() == "nothing owed"

    first, second = chases(fake_slack)
    assert first["channel"] == second["channel"] == "C0FOREIGN"
    assert chased_titles(first) == chased_titles(second) == ["EU–China summit"]
    assert "starts in 48 hours" in json.dumps(first, ensure_ascii=False)
    assert "starts in 24 hours" in json.dumps(second, ensure_ascii=False)
    assert set(rows(engine)) == {(event.id, 48), (event.id, 24)}
    assert {r.status for r in rows(engine).values()} == {"sent"}


def test_the_sample_summit_24_hours_away_with_no_one_covering_is_chased_once(engine, fake_slack, clock, sample):
    # The NATO summit in Washington: 9–11 July 2024, the day known, so from 00:00 EDT (04:00 UTC).
    at(clock, datetime(2024, 7, 8, 4, 0, tzinfo=UTC))
    replicas = [chaser(engine, fake_slack, clock, replica=f"replica-{n}") for n in range(3)]
    assert [r.run_once() for r in replicas] == ["posted 1", "nothing owed", "nothing owed"]
    clock.advance(timedelta(minutes=5))
    assert replicas[0].run_once() == "nothing owed"
    (message,) = chases(fake_slack)
    assert chased_titles(message) == ["NATO 75th-anniversary summit"]
    assert "in 24 hours" in message["text"] and "Tue 9 – Thu 11 Jul 2024" in message["text"]
    (section,) = [b for b in message["blocks"] if b.get("accessory")]
    button = section["accessory"]
    assert (button["action_id"], button["text"]["text"]) == ("cover_me", "I'll cover")
    with session(engine) as db:
        nato = db.exec(select(Event).where(Event.title == "NATO 75th-anniversary summit")).unique().one()
    assert button["value"] == str(nato.id)
    assert set(rows(engine)) == {(nato.id, 24)}  # the 48-hour chase was never owed at this moment


def test_after_downtime_past_the_48_hour_mark_only_the_24_hour_chase_goes(engine, fake_slack, clock):
    event = summit(engine, clock)
    at(clock, SUMMIT_START - timedelta(hours=20))
    assert chaser(engine, fake_slack, clock).run_once() == "posted 1"
    (message,) = chases(fake_slack)
    assert "in 20 hours" in message["text"]
    assert set(rows(engine)) == {(event.id, 24)}


def test_never_for_cancelled_postponed_covered_or_ordinary_events(engine, fake_slack, clock):
    summit(engine, clock, title="Cancelled summit", status=Status.CANCELLED)
    summit(engine, clock, title="Postponed summit", status=Status.POSTPONED)
    covered = summit(engine, clock, title="Covered summit")
    change_coverage(engine, team_id=TEAM, actor="U0EDITOR", event_id=covered.id, users=["U0ALICE"], now=clock())
    add_event(engine, clock, title="Ordinary bilateral", start=SUMMIT_START)
    summit(engine, clock, title="Deleted summit")
    with session(engine) as db, db.begin():
        db.exec(select(Event).where(Event.title == "Deleted summit")).unique().one().deleted_at = clock()
    add_event(engine, clock, title="Marked bilateral", start=SUMMIT_START, marked_key=True)
    add_event(engine, clock, title="NATO ministerial", start=SUMMIT_START, kind=Kind.MINISTERIAL)
    add_event(engine, clock, title="Month-only summit", start=datetime(2024, 6, 1, 22, 0, tzinfo=UTC), kind=Kind.SUMMIT)
    with session(engine) as db, db.begin():
        db.exec(select(Event).where(Event.title == "Month-only summit")).unique().one().precision = Precision.MONTH
    at(clock, SUMMIT_START - timedelta(hours=24))
    assert chaser(engine, fake_slack, clock).run_once() == "posted 2"
    (message,) = chases(fake_slack)
    assert sorted(chased_titles(message)) == ["Marked bilateral", "NATO ministerial"]


def test_covered_after_the_48_hour_chase_is_not_chased_at_24(engine, fake_slack, clock):
    event = summit(engine, clock)
    job = chaser(engine, fake_slack, clock)
    at(clock, SUMMIT_START - timedelta(hours=48))
    assert job.run_once() == "posted 1"
    change_coverage(engine, team_id=TEAM, actor="U0BOB", event_id=event.id, add="U0BOB", now=clock())
    at(clock, SUMMIT_START - timedelta(hours=24))
    assert job.run_once() == "nothing owed"
    assert len(chases(fake_slack)) == 1


def move(engine, event_id: int, by: timedelta) -> None:
    with session(engine) as db, db.begin():
        event = db.get(Event, event_id)
        assert event is not None
        event.starts_at, event.finishes_at = event.starts_at + by, event.finishes_at + by


def test_moved_later_after_its_chase_it_is_chased_again_at_the_new_48_hours(engine, fake_slack, clock):
    event = summit(engine, clock)
    job = chaser(engine, fake_slack, clock)
    at(clock, SUMMIT_START - timedelta(hours=48))
    assert job.run_once() == "posted 1"
    move(engine, event.id, timedelta(days=3))
    at(clock, SUMMIT_START + timedelta(days=3) - timedelta(hours=48, minutes=1))
    assert job.run_once() == "nothing owed"
    clock.advance(timedelta(minutes=1))
    assert job.run_once() == "posted 1"
    assert job.run_once() == "nothing owed"
    assert len(chases(fake_slack)) == 2


def test_moved_a_little_later_after_its_chase_it_is_not_chased_again(engine, fake_slack, clock):
    event = summit(engine, clock)
    job = chaser(engine, fake_slack, clock)
    at(clock, SUMMIT_START - timedelta(hours=24))
    assert job.run_once() == "posted 1"
    # Put back by less than a quarter of the lead (6 hours of 24): its thread says so, the
    # channel is not chased twice.
    move(engine, event.id, timedelta(hours=5, minutes=59))
    at(clock, SUMMIT_START + timedelta(hours=5, minutes=59) - timedelta(hours=24))
    assert job.run_once() == "nothing owed"
    move(engine, event.id, timedelta(minutes=1))  # 6 hours later than when it was chased
    at(clock, SUMMIT_START + timedelta(hours=6) - timedelta(hours=24, minutes=1))
    assert job.run_once() == "nothing owed"
    clock.advance(timedelta(minutes=1))
    assert job.run_once() == "posted 1"
    assert len(chases(fake_slack)) == 2


def test_a_pass_with_nothing_owed_writes_nothing(engine, fake_slack, clock):
    summit(engine, clock)
    summit(engine, clock, title="G20 summit", start=SUMMIT_START + timedelta(hours=30))
    job = chaser(engine, fake_slack, clock)
    at(clock, SUMMIT_START - timedelta(hours=18))
    assert job.run_once() == "posted 2"  # the first at 24 hours, the second at 48
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", seen)
    try:
        for replica in ("replica-a", "replica-b"):
            clock.advance(timedelta(seconds=30))
            assert chaser(engine, fake_slack, clock, replica=replica).run_once() == "nothing owed"
    finally:
        sa_event.remove(engine, "before_cursor_execute", seen)
    assert any(s.lstrip().upper().startswith("SELECT") for s in statements)  # it did look
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_moved_earlier_after_its_chase_it_is_not_chased_again_at_48_hours(engine, fake_slack, clock):
    event = summit(engine, clock)
    job = chaser(engine, fake_slack, clock)
    at(clock, SUMMIT_START - timedelta(hours=48))
    assert job.run_once() == "posted 1"
    move(engine, event.id, -timedelta(hours=2))
    clock.advance(timedelta(minutes=10))
    assert job.run_once() == "nothing owed"
    assert len(chases(fake_slack)) == 1


def test_48_hours_before_an_event_just_after_a_dst_change_are_48_real_hours(engine, fake_slack, clock):
    # Paris springs forward on Sunday 30 March 2025: Monday 10:00 CEST is 08:00 UTC, and 48 real
    # hours earlier is Saturday 09:00 CET (08:00 UTC) — 49 hours on the wall clock.
    start = datetime(2025, 3, 31, 8, 0, tzinfo=UTC)
    at(clock, datetime(2025, 3, 20, 8, 0, tzinfo=UTC))
    summit(engine, clock, start=start)
    job = chaser(engine, fake_slack, clock)
    at(clock, datetime(2025, 3, 29, 7, 59, tzinfo=UTC))
    assert job.run_once() == "nothing owed"
    at(clock, datetime(2025, 3, 29, 8, 0, tzinfo=UTC))
    assert job.run_once() == "posted 1"


def test_a_failed_post_is_logged_released_and_sent_on_the_next_pass(engine, fake_slack, clock, caplog):
    event = summit(engine, clock)
    job = chaser(engine, fake_slack, clock)
    at(clock, SUMMIT_START - timedelta(hours=24))
    fake_slack.fail("chat.postMessage", "internal_error", status=500)
    with caplog.at_level(logging.ERROR, logger="jobs.coverage"):
        assert job.run_once() == "failed"
    assert f"chases={event.id}@24h" in caplog.text and "internal_error" in caplog.text
    assert rows(engine)[(event.id, 24)].status == "pending"
    fake_slack.failures.clear()
    clock.advance(timedelta(seconds=30))
    assert chaser(engine, fake_slack, clock, replica="replica-b").run_once() == "posted 1"
    assert job.run_once() == "nothing owed"
    assert len(chases(fake_slack)) == 1


def test_a_claim_left_by_a_dead_replica_is_taken_over_after_its_lease(engine, fake_slack, clock):
    event = summit(engine, clock)
    at(clock, SUMMIT_START - timedelta(hours=24))
    with session(engine) as db, db.begin():  # claimed, then the process was killed before posting
        assert claim_chase(
            db,
            team_id=TEAM,
            event_id=event.id,
            lead_hours=24,
            last=None,
            channel_id="C0FOREIGN",
            starts_at=event.starts_at,
            now=clock(),
            lease_until=clock() + timedelta(minutes=5),
            replica="replica-dead",
        )
    other = chaser(engine, fake_slack, clock, replica="replica-b")
    assert other.run_once() == "nothing owed"
    clock.advance(timedelta(minutes=6))
    assert other.run_once() == "posted 1"
    assert rows(engine)[(event.id, 24)].claimed_by == "replica-b"


def test_without_a_channel_nothing_is_chased(engine, fake_slack, clock):
    summit(engine, clock)
    at(clock, SUMMIT_START - timedelta(hours=24))
    assert chaser(engine, fake_slack, clock, channel=None).run_once() == "no channel"
    assert fake_slack.calls == []


def test_two_replicas_with_their_own_engines_chase_each_event_once(engine, fake_slack, clock, database_url):
    for n in range(30):
        summit(engine, clock, title=f"Summit {n:02d}", start=SUMMIT_START + timedelta(minutes=n))
    at(clock, SUMMIT_START - timedelta(hours=24))
    second_engine = make_engine(database_url)
    replicas = [
        chaser(engine, fake_slack, clock, replica="replica-a"),
        chaser(second_engine, fake_slack, clock, replica="replica-b"),
    ]
    results: list[str] = []
    threads = [threading.Thread(target=lambda r=r: results.append(r.run_once())) for r in replicas * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    second_engine.dispose()
    titles = [title for message in chases(fake_slack) for title in chased_titles(message)]
    assert sorted(titles) == [f"Summit {n:02d}" for n in range(30)]


def test_ill_cover_in_the_chase_covers_the_event(bot, engine, fake_slack, clock):
    event = summit(engine, clock)
    at(clock, SUMMIT_START - timedelta(hours=24))
    assert chaser(engine, fake_slack, clock).run_once() == "posted 1"
    (message,) = chases(fake_slack)
    (button,) = [b["accessory"] for b in message["blocks"] if b.get("accessory")]
    bot.action(
        {"type": "button", "action_id": button["action_id"], "value": button["value"]},
        user_id="U0CORRESP",
        response_url=fake_slack.response_url("chase"),
        container={"type": "message", "message_ts": "1719000000.000100", "channel_id": "C0FOREIGN"},
    )
    reply = wait_for_calls(fake_slack, "response_url")[0].payload
    assert "You cover" in reply["text"] and reply.get("replace_original") is False
    with session(engine) as db:
        found = db.get(Event, event.id)
        assert found is not None and [c.user_id for c in found.coverage] == ["U0CORRESP"]
    clock.advance(timedelta(hours=1))
    assert chaser(engine, fake_slack, clock).run_once() == "nothing owed"


def test_at_the_samples_own_moment_the_nato_ministerial_is_chased_48_hours_ahead(engine, fake_slack, clock, sample):
    job = chaser(engine, fake_slack, clock)  # the clock: 1 April 2024, 08:00 UTC
    assert job.run_once() == "posted 1"
    (message,) = chases(fake_slack)
    assert chased_titles(message) == ["NATO foreign ministers' meeting"]
    assert "starts in 38 hours" in json.dumps(message, ensure_ascii=False)
    at(clock, datetime(2024, 4, 1, 22, 0, tzinfo=UTC))  # 00:00 in Brussels on 2 April
    assert job.run_once() == "posted 1"
    assert "starts in 24 hours" in json.dumps(chases(fake_slack)[1], ensure_ascii=False)
