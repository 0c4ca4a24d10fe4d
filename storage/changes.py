"""What changed on a workspace's schedule after a point in its history, and how far each user
has read it. Every function takes a session and keyword arguments and is scoped by `team_id`.

A point in the history is an instant and a change id: the changes after it are those later
than the instant, and those at that very instant with a larger id (one save records several
rows at one instant; a test's clock may give two saves the same one).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from storage.db import insert_for
from storage.events import COUNT_CAP
from storage.models import ChangesSeen, Event, EventChange, table_of


@dataclass(frozen=True)
class Point:
    """A place in the history: after the change `change_id` made at `at` (0: before any made then)."""

    at: datetime
    change_id: int = 0


@dataclass(frozen=True)
class ChangedEvents:
    """The events others changed in a span, in the order the desk reads them (first `limit`),
    how many there are in all (counting stops after COUNT_CAP), and how many events the
    reader changed themselves."""

    event_ids: list[int]
    total: int
    own: int


def seen_point(session: Session, *, team_id: str, user_id: str) -> Point | None:
    row = session.get(ChangesSeen, (team_id, user_id))
    return Point(row.seen_until, row.seen_change_id) if row is not None else None


def mark_seen(session: Session, *, team_id: str, user_id: str, point: Point) -> None:
    """Remember that the user has read the changes up to `point`. A marker never moves back:
    of two reads at once, the one that saw further wins."""
    statement = insert_for(session)(table_of(ChangesSeen)).values(
        team_id=team_id, user_id=user_id, seen_until=point.at, seen_change_id=point.change_id
    )
    current = table_of(ChangesSeen).c
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["team_id", "user_id"],
            set_={"seen_until": statement.excluded.seen_until, "seen_change_id": statement.excluded.seen_change_id},
            where=or_(
                current.seen_until < statement.excluded.seen_until,
                and_(
                    current.seen_until == statement.excluded.seen_until,
                    current.seen_change_id < statement.excluded.seen_change_id,
                ),
            ),
        )
    )


def _in_span(team_id: str, after: Point, until: datetime | Point, without_fields: Collection[str]) -> list:
    """After `after`, and up to `until`: an instant (all changes made then), or a change."""
    last = until.at if isinstance(until, Point) else until
    conditions = [
        col(EventChange.team_id) == team_id,
        # The range on (team_id, at) first, so that both databases read it from the index.
        col(EventChange.at) >= after.at,
        or_(col(EventChange.at) > after.at, col(EventChange.id) > after.change_id),
        col(EventChange.at) <= last,
    ]
    if isinstance(until, Point):
        conditions.append(or_(col(EventChange.at) < last, col(EventChange.id) <= until.change_id))
    if without_fields:
        conditions.append(or_(col(EventChange.field).is_(None), col(EventChange.field).not_in(list(without_fields))))
    return conditions


def _by_others(user_id: str):
    # An import's changes are the import's, whoever ran it.
    return or_(col(EventChange.actor) != user_id, col(EventChange.imported_from).is_not(None))


def newest_point(session: Session, *, team_id: str, after: Point, until: datetime) -> Point | None:
    """The newest change after `after` and not later than `until`, anyone's and of any field."""
    row = session.exec(
        select(EventChange.at, EventChange.id)
        .where(*_in_span(team_id, after, until, ()))
        .order_by(col(EventChange.at).desc(), col(EventChange.id).desc())
        .limit(1)
    ).first()
    return Point(row[0], row[1] or 0) if row is not None else None


def changed_events(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    after: Point,
    until: datetime | Point,
    now: datetime,
    limit: int,
    without_fields: Collection[str] = (),
    include_deleted: bool = True,
) -> ChangedEvents:
    """The events changed by others than `user_id` after `after` and up to `until`:
    those not over at `now` first, soonest first, then those over, latest first."""
    span = _in_span(team_id, after, until, without_fields)
    changed = select(EventChange.event_id).where(*span, _by_others(user_id)).distinct().subquery()
    alive = [col(Event.deleted_at).is_(None)] if not include_deleted else []
    conditions = [col(Event.id).in_(select(changed.c.event_id)), col(Event.team_id) == team_id, *alive]
    counted = select(Event.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
    total = session.exec(select(func.count()).select_from(counted)).one()
    over = case((col(Event.finishes_at) <= now, 1), else_=0)
    ids = session.exec(
        select(Event.id)
        .where(*conditions)
        .order_by(
            over,
            case((col(Event.finishes_at) <= now, None), else_=col(Event.starts_at)),
            col(Event.starts_at).desc(),
            col(Event.id),
        )
        .limit(limit)
    )
    own_events = (
        select(EventChange.event_id)
        .where(*span, col(EventChange.actor) == user_id, col(EventChange.imported_from).is_(None))
        .distinct()
        .subquery()
    )
    own_conditions = [col(Event.id).in_(select(own_events.c.event_id)), col(Event.team_id) == team_id, *alive]
    own = session.exec(select(func.count()).select_from(Event).where(*own_conditions)).one()
    return ChangedEvents(event_ids=[i for i in ids if i is not None], total=total, own=own)


def changes_of(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    event_ids: Sequence[int],
    after: Point,
    until: datetime | Point,
    limit: int,
    without_fields: Collection[str] = (),
) -> list[EventChange]:
    """Others' changes of `event_ids` in the span, oldest first; the newest `limit` of them."""
    if not event_ids:
        return []
    rows = session.exec(
        select(EventChange)
        .where(
            *_in_span(team_id, after, until, without_fields),
            _by_others(user_id),
            col(EventChange.event_id).in_(list(event_ids)),
        )
        .order_by(col(EventChange.at).desc(), col(EventChange.id).desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


def events_by_id(session: Session, *, team_id: str, event_ids: Sequence[int]) -> dict[int, Event]:
    if not event_ids:
        return {}
    rows = session.exec(select(Event).where(col(Event.team_id) == team_id, col(Event.id).in_(list(event_ids))))
    return {event.id: event for event in rows.unique() if event.id is not None}
