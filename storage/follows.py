"""Follows, who follows an event, and the DMs that tell them of its changes.

Notices are written by `notify_followers` in the transaction of the change itself (through
storage.editing's `record` and `record_many`, which every change of the schedule passes
through): a committed change has its notices, a rolled-back one has none, and the unique
(user, event, version) makes one change one DM. They are claimed like reminders (see
storage.reminders): FOR UPDATE SKIP LOCKED on PostgreSQL, SQLite's single writer, a lease.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlmodel import Session, col, select

from domain.follows import MAX_NOTICES_PER_CHANGE, MORE, key_words, matches, more_summary, notice_for
from domain.snapshot import FieldChange
from domain.vocabulary import ReminderStatus
from storage.db import IN_CHUNK, insert_for
from storage.leases import claim_first, finish_held
from storage.models import Event, EventTerm, Follow, FollowNotice, NewEvent, saved_id


class TooManyFollows(Exception):
    pass


# -- follows -----------------------------------------------------------------------------------
def save_follow(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    query: str,
    key: str,
    lead_minutes: int,
    tz: str,
    now: datetime,
    cap: int,
) -> tuple[Follow, int | None]:
    """Follow `key`, or change the lead time and zone of the follow of it; the follow and, if
    it existed, its lead time before. TooManyFollows past `cap` follows."""
    found = _follow(session, team_id=team_id, user_id=user_id, key=key)
    if found is not None:
        lead_before = found.lead_minutes
        found.query, found.lead_minutes, found.tz = query, lead_minutes, tz
        session.flush()
        return found, lead_before
    if len(follows_of(session, team_id=team_id, user_id=user_id)) >= cap:
        raise TooManyFollows
    follow = Follow(
        team_id=team_id, user_id=user_id, query=query, query_key=key, lead_minutes=lead_minutes, tz=tz, created_at=now
    )
    session.add(follow)
    session.flush()
    return follow, None


def remove_follow(session: Session, *, team_id: str, user_id: str, key: str) -> Follow | None:
    follow = _follow(session, team_id=team_id, user_id=user_id, key=key)
    if follow is not None:
        session.delete(follow)
        session.flush()
    return follow


def follows_of(session: Session, *, team_id: str, user_id: str) -> list[Follow]:
    return list(
        session.exec(
            select(Follow)
            .where(col(Follow.team_id) == team_id, col(Follow.user_id) == user_id)
            .order_by(col(Follow.created_at), col(Follow.id))
        )
    )


def follower_zone(session: Session, *, team_id: str, user_id: str) -> str | None:
    """The zone the user gave when they last followed something."""
    return session.exec(
        select(Follow.tz)
        .where(col(Follow.team_id) == team_id, col(Follow.user_id) == user_id)
        .order_by(col(Follow.created_at).desc(), col(Follow.id).desc())
        .limit(1)
    ).first()


def _follow(session: Session, *, team_id: str, user_id: str, key: str) -> Follow | None:
    return session.exec(
        select(Follow).where(
            col(Follow.team_id) == team_id, col(Follow.user_id) == user_id, col(Follow.query_key) == key
        )
    ).first()


def followers(session: Session, *, events: Sequence[Event | NewEvent]) -> dict[int, list[Follow]]:
    """The follows matching each event (by id), as `/trip <query>` would find it. Costs one
    query when nobody in the workspace follows anything."""
    found: dict[int, list[Follow]] = {}
    by_team: dict[str, list[Event | NewEvent]] = {}
    for event in events:
        by_team.setdefault(event.team_id, []).append(event)
    for team_id, team_events in by_team.items():
        follows = list(session.exec(select(Follow).where(col(Follow.team_id) == team_id)))
        if not follows:
            continue
        wanted = [(follow, key_words(follow.query_key)) for follow in follows]
        terms = _terms(session, event_ids=[saved_id(event) for event in team_events])
        for event_id, event_terms in terms.items():
            matching = [follow for follow, words in wanted if matches(words, event_terms)]
            if matching:
                found[event_id] = matching
    return found


def _terms(session: Session, *, event_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for start in range(0, len(event_ids), IN_CHUNK):
        chunk = event_ids[start : start + IN_CHUNK]
        for event_id, term in session.exec(
            select(EventTerm.event_id, EventTerm.term).where(col(EventTerm.event_id).in_(chunk))
        ):
            found.setdefault(event_id, []).append(term)
    for terms in found.values():
        terms.sort()
    return found


# -- notices -----------------------------------------------------------------------------------
def notify_followers(
    session: Session,
    *,
    entries: Iterable[tuple[Event | NewEvent, str, Sequence[FieldChange]]],
    actor: str,
    now: datetime,
) -> int:
    """Write the DMs that the changes `entries` (event, action, changes, as the history records
    them) owe the events' followers: one per follower and event version, none to `actor` for
    their own change, none about what is already over. Returns how many were written."""
    told: list[tuple[Event | NewEvent, str, str]] = []
    for event, action, changes in entries:
        notice = notice_for(action, changes)
        if notice is not None and event.finishes_at > now:
            told.append((event, notice.action, notice.summary))
    if not told:
        return 0
    following = followers(session, events=[event for event, _action, _summary in told])
    rows: dict[tuple[str, int, int], dict[str, Any]] = {}
    starts: dict[tuple[str, int, int], datetime] = {}
    for event, action, summary in told:
        for follow in following.get(saved_id(event), []):
            key = (follow.user_id, saved_id(event), event.version)
            if follow.user_id == actor or key in rows:
                continue
            starts[key] = event.starts_at
            rows[key] = {
                "team_id": event.team_id,
                "user_id": follow.user_id,
                "event_id": saved_id(event),
                "version": event.version,
                "query": follow.query,
                "action": action,
                "summary": summary,
                "created_at": now,
                "status": ReminderStatus.PENDING,
                "attempts": 0,
                "may_have_posted": False,
            }
    rows = _at_most_per_user(rows, starts)
    if rows:
        values = list(rows.values())
        for start in range(0, len(values), 1000):
            session.execute(
                insert_for(session)(FollowNotice)
                .values(values[start : start + 1000])
                .on_conflict_do_nothing(index_elements=["user_id", "event_id", "version"])
            )
    return len(rows)


def _at_most_per_user(
    rows: dict[tuple[str, int, int], dict[str, Any]], starts: dict[tuple[str, int, int], datetime]
) -> dict[tuple[str, int, int], dict[str, Any]]:
    """One change that owes a follower more than MAX_NOTICES_PER_CHANGE DMs (an import, a feed's
    first sync) sends the soonest events one by one and the rest as one "and 240 more"."""
    by_user: dict[str, list[tuple[str, int, int]]] = {}
    for key in rows:
        by_user.setdefault(key[0], []).append(key)
    kept: dict[tuple[str, int, int], dict[str, Any]] = {}
    for keys in by_user.values():
        keys.sort(key=lambda key: (starts[key], key[1]))
        if len(keys) <= MAX_NOTICES_PER_CHANGE:
            kept.update((key, rows[key]) for key in keys)
            continue
        shown = MAX_NOTICES_PER_CHANGE - 1
        kept.update((key, rows[key]) for key in keys[:shown])
        rest = keys[shown]
        kept[rest] = {**rows[rest], "action": MORE, "summary": more_summary(len(keys) - shown)}
    return kept


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(
            col(FollowNotice.status) == ReminderStatus.PENDING,
            or_(col(FollowNotice.next_attempt_at).is_(None), col(FollowNotice.next_attempt_at) <= now),
        ),
        and_(col(FollowNotice.status) == ReminderStatus.SENDING, col(FollowNotice.claimed_until) < now),
    )


def claim_notice(session: Session, *, now: datetime, lease_until: datetime, replica: str) -> int | None:
    """Claim the oldest notice due; its id, or None when there is none."""
    order = (col(FollowNotice.created_at), col(FollowNotice.id))
    return claim_first(
        session, model=FollowNotice, due=_due(now), order_by=order, lease_until=lease_until, replica=replica
    )


def finish_notice(session: Session, *, notice_id: int, replica: str, status: ReminderStatus, **fields: Any) -> bool:
    """Record the outcome of a DM this replica still holds the claim for."""
    return finish_held(session, model=FollowNotice, row_id=notice_id, replica=replica, status=status, **fields)


def release_notices(session: Session, *, replica: str, keep: Sequence[int] = ()) -> int:
    """Give back this replica's claims (on shutdown), except those on their way to Slack."""
    result = session.exec(
        update(FollowNotice)
        .where(
            col(FollowNotice.status) == ReminderStatus.SENDING,
            col(FollowNotice.claimed_by) == replica,
            col(FollowNotice.id).not_in(list(keep)),
        )
        .values(
            status=ReminderStatus.PENDING,
            claimed_until=None,
            claimed_by=None,
            attempts=col(FollowNotice.attempts) - 1,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def next_notice_at(session: Session) -> datetime | None:
    """The earliest moment a notice waiting on a retry or a lease becomes due."""
    pending = session.exec(
        select(func.min(FollowNotice.next_attempt_at)).where(col(FollowNotice.status) == ReminderStatus.PENDING)
    ).one()
    leased = session.exec(
        select(func.min(FollowNotice.claimed_until)).where(col(FollowNotice.status) == ReminderStatus.SENDING)
    ).one()
    candidates = [moment for moment in (pending, leased) if moment is not None]
    return min(candidates) if candidates else None
