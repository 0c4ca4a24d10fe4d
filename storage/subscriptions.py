"""Subscribed calendar feeds: added, listed and removed per workspace, and claimed for a sync.

A sync is claimed the way a reminder is (storage.reminders): one statement picks and marks the
row, PostgreSQL skipping rows another replica has locked (FOR UPDATE SKIP LOCKED) and SQLite
running it under its single write lock, so that any number of replicas fetch a feed once. The
claim is a lease: if its replica dies mid-sync, the feed is due again when `claimed_until` passes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, update
from sqlmodel import Session, col, select

from storage.models import Event, FeedSubscription


def add_subscription(
    session: Session, *, team_id: str, url: str, name: str, added_by: str, now: datetime
) -> FeedSubscription | None:
    """The new subscription, due at once; None when the workspace already follows `url`."""
    if find_by_url(session, team_id=team_id, url=url) is not None:
        return None
    row = FeedSubscription(team_id=team_id, url=url, name=name, added_by=added_by, added_at=now, next_sync_at=now)
    session.add(row)
    session.flush()
    return row


def find_by_url(session: Session, *, team_id: str, url: str) -> FeedSubscription | None:
    return session.exec(
        select(FeedSubscription).where(FeedSubscription.team_id == team_id, FeedSubscription.url == url)
    ).first()


def list_subscriptions(session: Session, *, team_id: str) -> list[FeedSubscription]:
    """The workspace's feeds in the order they were added: `/trip feeds` numbers them so."""
    rows = session.exec(
        select(FeedSubscription).where(FeedSubscription.team_id == team_id).order_by(col(FeedSubscription.id))
    )
    return list(rows)


def get_subscription(session: Session, *, subscription_id: int) -> FeedSubscription | None:
    return session.get(FeedSubscription, subscription_id)


def remove_subscription(session: Session, *, team_id: str, subscription_id: int) -> int:
    """Delete the subscription; its events stay on the schedule as if imported once. Returns
    how many events it had brought."""
    released = session.exec(
        update(Event)
        .where(col(Event.team_id) == team_id, col(Event.feed_id) == subscription_id)
        .values(feed_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    row = session.get(FeedSubscription, subscription_id)
    if row is not None and row.team_id == team_id:
        session.delete(row)
        session.flush()
    return released


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(col(FeedSubscription.claimed_until).is_(None), col(FeedSubscription.claimed_until) < now)


def claim(
    session: Session,
    *,
    now: datetime,
    lease_until: datetime,
    replica: str,
    subscription_id: int | None = None,
) -> int | None:
    """Claim a feed for a sync; its id, or None. Without `subscription_id`, the feed longest
    due (`next_sync_at` passed); with it, that feed whenever it is due, unless another sync
    holds it."""
    conditions = [_free(now)]
    if subscription_id is None:
        conditions.append(col(FeedSubscription.next_sync_at) <= now)
    else:
        conditions.append(col(FeedSubscription.id) == subscription_id)
    pick = (
        select(FeedSubscription.id)
        .where(*conditions)
        .order_by(col(FeedSubscription.next_sync_at), col(FeedSubscription.id))
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    result = session.exec(
        update(FeedSubscription)
        # The conditions again: on PostgreSQL, a row another replica claimed while this one
        # waited is read anew after the wait, and must not be claimed twice.
        .where(col(FeedSubscription.id) == pick.scalar_subquery(), *conditions)
        .values(claimed_until=lease_until, claimed_by=replica, last_attempt_at=now)
        .returning(col(FeedSubscription.id))
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none()


def finish(session: Session, *, subscription_id: int, replica: str, **fields: Any) -> bool:
    """Record a sync's outcome and let the claim go; False if this replica no longer held it
    (its lease ran out and another replica took the feed)."""
    result = session.exec(
        update(FeedSubscription)
        .where(col(FeedSubscription.id) == subscription_id, col(FeedSubscription.claimed_by) == replica)
        .values(claimed_until=None, claimed_by=None, **fields)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_failure_notices(session: Session, *, failing_before: datetime, now: datetime) -> list[FeedSubscription]:
    """Feeds failing since before `failing_before` whose failure nobody has posted yet, marked
    as posted at `now` in the same statement: one replica gets each, and posts it."""
    ids = session.exec(
        update(FeedSubscription)
        .where(
            col(FeedSubscription.failing_since).is_not(None),
            col(FeedSubscription.failing_since) <= failing_before,
            col(FeedSubscription.failure_posted_at).is_(None),
        )
        .values(failure_posted_at=now)
        .returning(col(FeedSubscription.id))
        .execution_options(synchronize_session=False)
    ).all()
    if not ids:
        return []
    return list(session.exec(select(FeedSubscription).where(col(FeedSubscription.id).in_([i for (i,) in ids]))))


def unmark_failure_notice(session: Session, *, subscription_id: int) -> None:
    """The post did not go out: the next run tries again."""
    session.exec(
        update(FeedSubscription)
        .where(col(FeedSubscription.id) == subscription_id)
        .values(failure_posted_at=None)
        .execution_options(synchronize_session=False)
    )
