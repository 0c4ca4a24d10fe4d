"""What the Home tab reads: coverage gaps, a user's follows, the subscribed feeds, and who has
the tab open. Every function takes a session and keyword arguments and is scoped by `team_id`;
only `record_viewer` writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.drafts import MAX_SPAN
from domain.vocabulary import Status
from domain.zones import earlier
from storage.coverage import needing_coverage
from storage.db import insert_for
from storage.events import COUNT_CAP, Page, matching_words
from storage.models import Event, FeedSubscription, Follow, HomeViewer, Trip, table_of


def uncovered_events(
    session: Session,
    *,
    team_id: str,
    not_over_at: datetime,
    starts_before: datetime,
    limit: int,
) -> Page:
    """Key events needing coverage (the chase's rule, storage/coverage.py) under way at
    `not_over_at` or starting before `starts_before`, in start order."""
    conditions = [
        *needing_coverage(team_id=team_id),
        col(Event.finishes_at) > not_over_at,
        # As in find_events: a lower bound on the start keeps this an index range.
        col(Event.starts_at) > earlier(not_over_at, MAX_SPAN),
        col(Event.starts_at) < starts_before,
    ]
    counted = select(Event.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
    total = session.exec(select(func.count()).select_from(counted)).one()
    rows = session.exec(
        select(Event).where(*conditions).order_by(col(Event.starts_at), col(Event.id)).limit(limit)
    ).unique()
    return Page(events=list(rows), total=total)


def first_matches(
    session: Session, *, team_id: str, queries: Sequence[Sequence[str]], not_over_at: datetime
) -> list[Event | None]:
    """For each query's words, the first event `find_events` would list for them as upcoming at
    `not_over_at` (None: nothing). Without find_events' count and with one load of the events
    found, so that fifty follows cost fifty index lookups and one fetch."""
    first_ids: list[int | None] = []
    for words in queries:
        if not words:
            first_ids.append(None)
            continue
        conditions = [
            col(Event.team_id) == team_id,
            col(Event.deleted_at).is_(None),
            col(Event.finishes_at) > not_over_at,
            col(Event.starts_at) > earlier(not_over_at, MAX_SPAN),
            *matching_words(team_id=team_id, words=words),
        ]
        found = session.exec(
            select(Event.id).where(*conditions).order_by(col(Event.starts_at), col(Event.id)).limit(1)
        ).first()
        first_ids.append(found)
    wanted = {event_id for event_id in first_ids if event_id is not None}
    events = (
        {event.id: event for event in session.exec(select(Event).where(col(Event.id).in_(wanted))).unique()}
        if wanted
        else {}
    )
    return [events.get(event_id) if event_id is not None else None for event_id in first_ids]


@dataclass(frozen=True)
class FollowRows:
    follows: list[Follow]
    total: int


def follows_of(session: Session, *, team_id: str, user_id: str, limit: int) -> FollowRows:
    """The user's follows, oldest first, and how many they have."""
    mine = (col(Follow.team_id) == team_id, col(Follow.user_id) == user_id)
    total = session.exec(select(func.count()).select_from(Follow).where(*mine)).one()
    rows = session.exec(select(Follow).where(*mine).order_by(col(Follow.created_at), col(Follow.id)).limit(limit))
    return FollowRows(follows=list(rows), total=total)


@dataclass(frozen=True)
class SubscriptionRows:
    subscriptions: list[FeedSubscription]
    total: int


def subscriptions_by_health(session: Session, *, team_id: str, limit: int) -> SubscriptionRows:
    """The workspace's subscribed feeds, the failing ones first (longest failing first), then by
    name, and how many there are."""
    team = col(FeedSubscription.team_id) == team_id
    total = session.exec(select(func.count()).select_from(FeedSubscription).where(team)).one()
    failing = col(FeedSubscription.failing_since)
    rows = session.exec(
        select(FeedSubscription)
        .where(team)
        .order_by(failing.is_(None), failing, col(FeedSubscription.name), col(FeedSubscription.id))
        .limit(limit)
    )
    return SubscriptionRows(subscriptions=list(rows), total=total)


def record_viewer(session: Session, *, team_id: str, user_id: str, now: datetime) -> None:
    """Note that the user opened the Home tab at `now` (one row per user, replaced each time)."""
    statement = insert_for(session)(table_of(HomeViewer)).values(team_id=team_id, user_id=user_id, opened_at=now)
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["team_id", "user_id"], set_={"opened_at": statement.excluded.opened_at}
        )
    )


def viewers_since(session: Session, *, team_id: str, since: datetime) -> list[str]:
    """The users who opened the Home tab at `since` or later, the latest first: they are the
    likeliest to still have it in front of them."""
    rows = session.exec(
        select(HomeViewer.user_id)
        .where(col(HomeViewer.team_id) == team_id, col(HomeViewer.opened_at) >= since)
        .order_by(col(HomeViewer.opened_at).desc(), col(HomeViewer.user_id))
    )
    return list(rows)


def principals_named(
    session: Session, *, team_id: str, words: Sequence[str], not_over_at: datetime, limit: int
) -> list[str]:
    """The principals of the trips with a live event (neither cancelled nor postponed) not over
    at `not_over_at` that matches every
    one of `words` as `/trip` matches it (a trip's principal is among its events' terms): at
    most `limit`, each once. The caller keeps those whose name the words are of."""
    if not words:
        return []
    rows = session.exec(
        select(Trip.principal)
        .join(Event, col(Event.trip_id) == col(Trip.id))
        .where(
            col(Event.team_id) == team_id,
            col(Event.deleted_at).is_(None),
            col(Event.finishes_at) > not_over_at,
            col(Event.status).in_([status for status in Status if status.live]),
            *matching_words(team_id=team_id, words=words),
        )
        .distinct()
        .limit(limit)
    )
    return list(rows)
