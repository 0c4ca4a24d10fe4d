"""Keys of requests that have had their effect: the first to record a key wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, col

from storage.models import HandledRequest, table_of


def remember(session: Session, *, key: str, now: datetime, event_id: int | None = None) -> bool:
    """Record `key`; False if it was already there (or another transaction recorded it first).

    One INSERT … ON CONFLICT DO NOTHING: it runs for every request from Slack, so it goes
    without the ORM's flush and a savepoint."""
    table = table_of(HandledRequest)
    values = {"key": key, "handled_at": now, "event_id": event_id}
    dialect = session.connection().dialect.name
    statement: Insert
    if dialect == "postgresql":
        statement = postgresql_insert(table).values(values).on_conflict_do_nothing(index_elements=["key"])
    elif dialect == "sqlite":
        statement = sqlite_insert(table).values(values).on_conflict_do_nothing(index_elements=["key"])
    else:
        raise NotImplementedError(f"no INSERT … ON CONFLICT for {dialect}")
    # RETURNING rather than rowcount, which the PostgreSQL driver does not report here.
    return session.exec(statement.returning(table.c.key)).first() is not None


def recall(session: Session, *, key: str) -> HandledRequest | None:
    return session.get(HandledRequest, key)


def forget_before(session: Session, *, cutoff: datetime) -> int:
    result = session.exec(delete(HandledRequest).where(col(HandledRequest.handled_at) < cutoff))
    return result.rowcount
