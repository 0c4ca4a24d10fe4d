"""Keys of requests that have had their effect: the first to record a key wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.models import HandledRequest


def remember(session: Session, *, key: str, now: datetime, event_id: int | None = None) -> bool:
    """Record `key`; False if it was already there (or another transaction recorded it first).

    One INSERT … ON CONFLICT DO NOTHING: it runs for every request from Slack, so it goes
    without the ORM's flush and a savepoint."""
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[session.connection().dialect.name]
    table = HandledRequest.__table__
    statement = (
        insert(table).values(key=key, handled_at=now, event_id=event_id).on_conflict_do_nothing(index_elements=["key"])
    )
    # RETURNING rather than rowcount, which the PostgreSQL driver does not report here.
    return session.execute(statement.returning(table.c.key)).first() is not None


def recall(session: Session, *, key: str) -> HandledRequest | None:
    return session.get(HandledRequest, key)


def forget_before(session: Session, *, cutoff: datetime) -> int:
    result = session.execute(delete(HandledRequest).where(HandledRequest.handled_at < cutoff))
    return result.rowcount
