"""Claiming feeds for a sync and their failure notices: each once, a lease that runs out, and a
finish only by the replica holding the claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import session
from storage.models import FeedSubscription
from storage.subscriptions import add_subscription, claim, claim_failure_notices, finish, unmark_failure_notice

NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=5)


def add(engine, url: str, *, due: datetime = NOW, failing_since: datetime | None = None) -> int:
    with session(engine) as db, db.begin():
        row = add_subscription(db, team_id="T0NEWSROOM", url=url, name=url, added_by="U0EDITOR", now=NOW)
        assert row is not None and row.id is not None
        row.next_sync_at, row.failing_since = due, failing_since
        return row.id


def claimed(engine, **arguments) -> int | None:
    with session(engine) as db, db.begin():
        return claim(db, **arguments)


def test_the_feed_longest_due_is_claimed_once(engine):
    later = add(engine, "https://a.example.org/a.ics", due=NOW - timedelta(minutes=1))
    first = add(engine, "https://b.example.org/b.ics", due=NOW - timedelta(minutes=5))
    add(engine, "https://c.example.org/c.ics", due=NOW + timedelta(minutes=1))  # not yet due

    assert claimed(engine, now=NOW, lease_until=LEASE, replica="a") == first
    assert claimed(engine, now=NOW, lease_until=LEASE, replica="b") == later
    assert claimed(engine, now=NOW, lease_until=LEASE, replica="c") is None
    # A claim asked for by id ignores the due time, never another's lease.
    assert claimed(engine, now=NOW, lease_until=LEASE, replica="c", subscription_id=first) is None


def test_a_lease_that_ran_out_can_be_taken_over_and_only_the_holder_finishes(engine):
    feed = add(engine, "https://a.example.org/a.ics")
    assert claimed(engine, now=NOW, lease_until=LEASE, replica="a") == feed
    after = LEASE + timedelta(seconds=1)

    assert claimed(engine, now=after, lease_until=after + timedelta(minutes=5), replica="b") == feed

    with session(engine) as db, db.begin():
        assert not finish(db, subscription_id=feed, replica="a", last_report="late")
        assert finish(db, subscription_id=feed, replica="b", last_report="done", next_sync_at=after)
    with session(engine) as db:
        row = db.get(FeedSubscription, feed)
        assert row is not None and (row.last_report, row.claimed_by, row.claimed_until) == ("done", None, None)


def test_a_feed_is_added_once_per_workspace(engine):
    add(engine, "https://a.example.org/a.ics")
    with session(engine) as db, db.begin():
        assert (
            add_subscription(
                db, team_id="T0NEWSROOM", url="https://a.example.org/a.ics", name="x", added_by="U0", now=NOW
            )
            is None
        )
        assert add_subscription(
            db, team_id="T0OTHER", url="https://a.example.org/a.ics", name="x", added_by="U0", now=NOW
        )


def test_a_failure_notice_is_claimed_once_and_given_back_if_not_posted(engine):
    old = add(engine, "https://a.example.org/a.ics", failing_since=NOW - timedelta(hours=2))
    add(engine, "https://b.example.org/b.ics", failing_since=NOW - timedelta(minutes=30))
    add(engine, "https://c.example.org/c.ics")
    cutoff = NOW - timedelta(hours=1)

    with session(engine) as db, db.begin():
        assert [row.id for row in claim_failure_notices(db, failing_before=cutoff, now=NOW)] == [old]
    with session(engine) as db, db.begin():
        assert claim_failure_notices(db, failing_before=cutoff, now=NOW) == []
        unmark_failure_notice(db, subscription_id=old)
    with session(engine) as db, db.begin():
        assert [row.id for row in claim_failure_notices(db, failing_before=cutoff, now=NOW)] == [old]
