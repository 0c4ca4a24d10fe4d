"""Claiming rows that are delivered once (reminders, follow DMs) with a lease, and finishing them.

A row is claimed by one statement that both picks and marks it, so that any number of
replicas sharing a database deliver it once: PostgreSQL skips rows another replica has locked
(FOR UPDATE SKIP LOCKED); SQLite runs the statement under its single write lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, select

from domain.vocabulary import ReminderStatus
from storage.models import FollowNotice, Reminder

Leased = type[Reminder] | type[FollowNotice]


def claim_first(
    session: Session,
    *,
    model: Leased,
    due: ColumnElement[bool],
    order_by: tuple[Any, ...],
    lease_until: datetime,
    replica: str,
) -> int | None:
    """Mark the first due row (in `order_by`) as being sent by `replica`; its id, or None."""
    pick = select(model.id).where(due).order_by(*order_by).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    result = session.exec(
        update(model)
        .where(col(model.id) == pick.scalar_subquery(), due)
        .values(
            status=ReminderStatus.SENDING,
            claimed_until=lease_until,
            claimed_by=replica,
            attempts=col(model.attempts) + 1,
        )
        .returning(col(model.id))
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none()


def finish_held(
    session: Session, *, model: Leased, row_id: int, replica: str, status: ReminderStatus, **fields: Any
) -> bool:
    """Record the outcome of a row this replica still holds the claim for."""
    result = session.exec(
        update(model)
        .where(
            col(model.id) == row_id,
            col(model.status) == ReminderStatus.SENDING,
            col(model.claimed_by) == replica,
        )
        .values(status=status, claimed_until=None, claimed_by=None, **fields)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
