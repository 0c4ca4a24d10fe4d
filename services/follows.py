"""Following a query: a DM when a matching event is added, moved or cancelled, and a personal
reminder before each, in the follower's own time zone.

A follow (or a new lead time) plans the personal reminders of the matching events to come, and
an unfollow skips them, in the same transaction; from then on every change of an event
re-plans them with its channel reminders (storage.reminders).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from domain.follows import MAX_FOLLOWS, follow_key, key_words
from domain.zones import ZoneError, zone
from storage.db import session
from storage.events import find_events
from storage.follows import TooManyFollows as _TooMany
from storage.follows import follows_of, remove_follow, save_follow
from storage.models import Event, Follow
from storage.reminders import sync_many

_PAGE = 500


def _nothing() -> None:
    pass


class NothingToFollow(Exception):
    """The query has no word of two letters or more: it would match every event."""


class TooManyFollows(Exception):
    def __init__(self, cap: int):
        super().__init__(cap)
        self.cap = cap


@dataclass(frozen=True)
class Followed:
    follow: Follow
    # The lead time it had when the user already followed this query; None for a new follow.
    lead_before: int | None
    # Matching events still to come (counted up to storage.events.COUNT_CAP), and the next one.
    upcoming: int
    next_event: Event | None


def follow(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    query: str,
    lead_minutes: int,
    tz: str | None,
    fallback_tz: str,
    now: datetime,
    default_channel: str | None,
    on_change: Callable[[], None] = _nothing,
) -> Followed:
    """Follow `query` (or change the lead time of its follow) and plan its personal reminders.

    `tz`: the user's zone as Slack gives it; the newsroom's `fallback_tz` when Slack gave none
    (or something that is no zone)."""
    key = follow_key(query)
    if not key:
        raise NothingToFollow
    tz = tz if tz and _is_zone(tz) else fallback_tz
    for attempt in range(2):
        try:
            with session(engine) as db, db.begin():
                saved, lead_before = save_follow(
                    db,
                    team_id=team_id,
                    user_id=user_id,
                    query=query.strip(),
                    key=key,
                    lead_minutes=lead_minutes,
                    tz=tz,
                    now=now,
                    cap=MAX_FOLLOWS,
                )
                _replan(db, team_id=team_id, key=key, now=now, default_channel=default_channel)
                upcoming, next_event = _upcoming(db, team_id=team_id, key=key, now=now)
            break
        except _TooMany:
            raise TooManyFollows(MAX_FOLLOWS) from None
        except IntegrityError:
            # The same follow, sent twice at once (a double click): the second finds the first.
            if attempt == 1:
                raise
    on_change()
    return Followed(saved, lead_before, upcoming, next_event)


def unfollow(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    query: str,
    now: datetime,
    default_channel: str | None,
    on_change: Callable[[], None] = _nothing,
) -> Follow | None:
    """Stop following `query`; the follow that was removed, or None when there was none. Its
    pending personal reminders are skipped."""
    key = follow_key(query)
    if not key:
        return None
    with session(engine) as db, db.begin():
        removed = remove_follow(db, team_id=team_id, user_id=user_id, key=key)
        if removed is not None:
            _replan(db, team_id=team_id, key=key, now=now, default_channel=default_channel)
    if removed is not None:
        on_change()
    return removed


@dataclass(frozen=True)
class FollowLine:
    follow: Follow
    upcoming: int
    next_event: Event | None


def following(engine: Engine, *, team_id: str, user_id: str, now: datetime) -> list[FollowLine]:
    """The user's follows, oldest first, each with its matching events to come."""
    with session(engine) as db:
        lines = []
        for found in follows_of(db, team_id=team_id, user_id=user_id):
            upcoming, next_event = _upcoming(db, team_id=team_id, key=found.query_key, now=now)
            lines.append(FollowLine(found, upcoming, next_event))
        return lines


def _is_zone(name: str) -> bool:
    try:
        zone(name)
    except ZoneError:
        return False
    return True


def _upcoming(db: Session, *, team_id: str, key: str, now: datetime) -> tuple[int, Event | None]:
    page = find_events(db, team_id=team_id, words=key_words(key), not_over_at=now, limit=1)
    return page.total, (page.events[0] if page.events else None)


def _replan(db: Session, *, team_id: str, key: str, now: datetime, default_channel: str | None) -> None:
    """Re-plan the reminders of the events to come that `key` matches: the follow's personal
    reminders appear, move to a new lead time, or are skipped."""
    offset = 0
    while True:
        page = find_events(db, team_id=team_id, words=key_words(key), not_over_at=now, limit=_PAGE, offset=offset)
        if page.events:
            sync_many(db, events=page.events, now=now, default_channel=default_channel)
        if len(page.events) < _PAGE:
            return
        offset += _PAGE
