"""Key events no one covers, and the chases that tell the desk so: one row per event and lead
time, claimed before posting so that any number of replicas chase each once.

Looking is one read: the key events needing coverage in the next 48 hours, each with its chase
row for the lead time the clock owes it and the row for the nearer lead (domain/coverage.py
decides from them whether it is owed). Only a chase that is owed is written. A claim is an
INSERT that the primary key lets only one replica make, or, for a row already there (owed
again: the event moved a good deal later, its post failed, or the replica that claimed it
died), an UPDATE of the row as it was read, so that of two replicas that read it only the
first takes it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, or_, tuple_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.coverage import KEY_KINDS, LIVE_STATUSES, PENDING, SENDING, SENT
from domain.vocabulary import Precision
from storage.db import insert_for
from storage.models import Coverage, CoverageChase, Event, table_of


def needing_coverage(*, team_id: str) -> list[ColumnElement[bool]]:
    """domain/coverage.py `needs_coverage` in SQL: the conditions on `Event` of a key event
    still expected to happen, known at least to the day, no record of the past, that no one
    covers. The chase and the coverage gaps (Home tab, daily agenda) share them."""
    return [
        col(Event.team_id) == team_id,
        col(Event.deleted_at).is_(None),
        or_(col(Event.marked_key), col(Event.kind).in_(list(KEY_KINDS))),
        col(Event.status).in_(list(LIVE_STATUSES)),
        col(Event.precision) != Precision.MONTH,
        col(Event.past_record).is_(False),
        ~exists().where(col(Coverage.event_id) == col(Event.id)),
    ]


def key_uncovered(
    session: Session,
    *,
    team_id: str,
    starts_after: datetime,
    leads: Sequence[tuple[datetime, int]],
    limit: int,
) -> list[tuple[Event, CoverageChase | None, CoverageChase | None]]:
    """Key events needing coverage that start after `starts_after` and by the last of `leads`,
    in start order, each with its chase row for its lead and the row for the next nearer lead
    (None: no such row). `leads` are (latest start, lead hours), nearest first; an event's lead
    is the first whose latest start it is within."""
    hours = [lead for _, lead in leads]
    owed = case(*[(col(Event.starts_at) <= latest, lead) for latest, lead in leads[:-1]], else_=hours[-1])
    # The lead before the owed one; -1, no lead, for the nearest.
    nearer_of = case(
        *[(col(Event.starts_at) <= latest, hours[i - 1] if i else -1) for i, (latest, _) in enumerate(leads[:-1])],
        else_=hours[-2] if len(hours) > 1 else -1,
    )
    nearer = aliased(CoverageChase)
    rows = session.exec(
        select(Event, CoverageChase, nearer)
        .outerjoin(
            CoverageChase,
            and_(col(CoverageChase.event_id) == col(Event.id), col(CoverageChase.lead_hours) == owed),
        )
        .outerjoin(nearer, and_(col(nearer.event_id) == col(Event.id), col(nearer.lead_hours) == nearer_of))
        .where(
            *needing_coverage(team_id=team_id),
            col(Event.starts_at) > starts_after,
            col(Event.starts_at) <= leads[-1][0],
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
    )
    # No .unique(): an event's collections load by selectin, so the joins repeat no event.
    return [(event, chase, nearer_chase) for event, chase, nearer_chase in rows]


def claim_chase(
    session: Session,
    *,
    team_id: str,
    event_id: int,
    lead_hours: int,
    last: CoverageChase | None,
    channel_id: str,
    starts_at: datetime,
    now: datetime,
    lease_until: datetime,
    replica: str,
) -> bool:
    """Claim the chase of `event_id` `lead_hours` before its start (`starts_at`), owed given
    `last`, its row as read (None: none). False when another replica claimed it since."""
    claim: dict[str, Any] = {
        "team_id": team_id,
        "channel_id": channel_id,
        "starts_at": starts_at,
        "chased_at": now,
        "status": SENDING,
        "claimed_until": lease_until,
        "claimed_by": replica,
        "message_ts": None,
        "last_error": None,
    }
    if last is None:
        inserted = session.exec(
            insert_for(session)(table_of(CoverageChase))
            .values(event_id=event_id, lead_hours=lead_hours, **claim)
            .on_conflict_do_nothing(index_elements=["event_id", "lead_hours"])
            # Its row count reads -1 on PostgreSQL; the row it returns says that it inserted.
            .returning(col(CoverageChase.event_id))
        )
        return inserted.first() is not None
    # Every claim sets chased_at to its own moment and the status to sending: a row whose
    # status and chased_at are still those read has been claimed by no one since.
    taken = session.exec(
        update(CoverageChase)
        .where(
            col(CoverageChase.event_id) == event_id,
            col(CoverageChase.lead_hours) == lead_hours,
            col(CoverageChase.status) == last.status,
            col(CoverageChase.chased_at) == last.chased_at,
        )
        .values(**claim)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def finish_chases(
    session: Session, *, keys: Collection[tuple[int, int]], replica: str, sent: bool, **fields: str | None
) -> int:
    """Mark the chases (event id, lead hours) this replica holds as sent, or release them
    (`sent=False`) so that the next pass tries again."""
    if not keys:
        return 0
    result = session.exec(
        update(CoverageChase)
        .where(
            tuple_(col(CoverageChase.event_id), col(CoverageChase.lead_hours)).in_(list(keys)),
            col(CoverageChase.status) == SENDING,
            col(CoverageChase.claimed_by) == replica,
        )
        .values(status=SENT if sent else PENDING, claimed_until=None, **fields)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
