"""Key events no one covers, and the chases that tell the desk so: one row per event and lead
time, claimed before posting so that any number of replicas chase each once.

A claim is an INSERT that the primary key lets only one replica make; after that the row is
taken again only when it is owed again (the event moved later, so the lead time came round
after the last chase), when its post failed, or when the replica that claimed it died (lease).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, exists, or_, tuple_, update
from sqlmodel import Session, col, select

from domain.coverage import KEY_KINDS, LIVE_STATUSES
from domain.vocabulary import Precision
from storage.db import insert_for
from storage.models import Coverage, CoverageChase, Event, table_of

SENDING, SENT, PENDING = "sending", "sent", "pending"


def key_uncovered(
    session: Session, *, team_id: str, starts_after: datetime, starts_by: datetime, limit: int
) -> list[Event]:
    """Key events still expected to happen, known at least to the day, that start after
    `starts_after` and by `starts_by` and that no one covers, in start order."""
    rows = session.exec(
        select(Event)
        .where(
            col(Event.team_id) == team_id,
            col(Event.deleted_at).is_(None),
            or_(col(Event.marked_key), col(Event.kind).in_(list(KEY_KINDS))),
            col(Event.status).in_(list(LIVE_STATUSES)),
            col(Event.precision) != Precision.MONTH,
            col(Event.past_record).is_(False),
            col(Event.starts_at) > starts_after,
            col(Event.starts_at) <= starts_by,
            ~exists().where(col(Coverage.event_id) == col(Event.id)),
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
    ).unique()
    return list(rows)


def claim_chase(
    session: Session,
    *,
    team_id: str,
    event_id: int,
    lead_hours: int,
    channel_id: str,
    starts_at: datetime,
    opens: datetime,
    now: datetime,
    lease_until: datetime,
    replica: str,
) -> bool:
    """Claim the chase of `event_id` `lead_hours` before its start (`starts_at`; the chase fell
    due at `opens`). False when another replica has it, or it was sent for this start."""
    claim = {
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
    inserted = session.exec(
        insert_for(session)(table_of(CoverageChase))
        .values(event_id=event_id, lead_hours=lead_hours, **claim)
        .on_conflict_do_nothing(index_elements=["event_id", "lead_hours"])
        # Its row count reads -1 on PostgreSQL; the row it returns says that it inserted.
        .returning(col(CoverageChase.event_id))
    )
    if inserted.first() is not None:
        return True
    status, chased_at, until = col(CoverageChase.status), col(CoverageChase.chased_at), col(CoverageChase.claimed_until)
    taken = session.exec(
        update(CoverageChase)
        .where(
            col(CoverageChase.event_id) == event_id,
            col(CoverageChase.lead_hours) == lead_hours,
            or_(
                # Sent before this lead time came round for the current start: for an earlier one.
                and_(status == SENT, chased_at < opens),
                status == PENDING,
                and_(status == SENDING, or_(until.is_(None), until < now)),
            ),
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
