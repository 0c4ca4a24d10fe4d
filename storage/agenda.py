"""The daily agenda's rows: one per workspace and newsroom day, claimed before posting."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import AgendaPost, EventChange

SENDING, SENT = "sending", "sent"


def claim_day(
    session: Session, *, team_id: str, day: date, channel_id: str, now: datetime, lease_until: datetime, replica: str
) -> bool:
    """Claim the day's agenda. The primary key makes the first insert win; a claim whose
    replica died (lease passed) can be taken over."""
    try:
        with session.begin_nested():
            session.add(
                AgendaPost(
                    team_id=team_id,
                    day=day,
                    channel_id=channel_id,
                    status=SENDING,
                    claimed_until=lease_until,
                    claimed_by=replica,
                )
            )
        return True
    except IntegrityError:
        pass
    result = session.exec(
        update(AgendaPost)
        .where(
            col(AgendaPost.team_id) == team_id,
            col(AgendaPost.day) == day,
            col(AgendaPost.status) == SENDING,
            or_(col(AgendaPost.claimed_until).is_(None), col(AgendaPost.claimed_until) < now),
        )
        .values(claimed_until=lease_until, claimed_by=replica)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def finish_day(session: Session, *, team_id: str, day: date, replica: str, **fields) -> None:
    session.exec(
        update(AgendaPost)
        .where(
            col(AgendaPost.team_id) == team_id,
            col(AgendaPost.day) == day,
            col(AgendaPost.claimed_by) == replica,
        )
        .values(claimed_until=None, **fields)
        .execution_options(synchronize_session=False)
    )


def last_posted_at(session: Session, *, team_id: str, before: date) -> datetime | None:
    return session.exec(
        select(AgendaPost.posted_at)
        .where(AgendaPost.team_id == team_id, AgendaPost.day < before, AgendaPost.status == SENT)
        .order_by(col(AgendaPost.day).desc())
        .limit(1)
    ).first()


def changes_since(
    session: Session, *, team_id: str, since: datetime, limit: int, without_fields: Collection[str] = ()
) -> list[EventChange]:
    return list(
        session.exec(
            select(EventChange)
            .where(
                EventChange.team_id == team_id,
                EventChange.at > since,
                or_(col(EventChange.field).is_(None), col(EventChange.field).not_in(list(without_fields))),
            )
            .order_by(col(EventChange.at).desc())
            .limit(limit)
        )
    )
