"""Keys of requests from Slack: taken before a request is handled, finished once it has been,
released when it failed. The first to take a key wins."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Executable, and_, bindparam, delete, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from storage.db import dialect_insert
from storage.models import HandledRequest, table_of


def remember(session: Session, *, key: str, now: datetime, event_id: int | None = None) -> bool:
    """Record `key` as finished; False if it was already there (or another transaction recorded it first)."""
    return _insert(session, {"key": key, "handled_at": now, "event_id": event_id, "finished": True})


def take(session: Session, *, key: str, now: datetime, abandoned_before: datetime, finished: bool = False) -> bool:
    """Record `key` as being handled (or, with `finished`, as handled already); False if it is
    finished, or being handled since `abandoned_before` or later.

    One INSERT … ON CONFLICT … DO UPDATE … WHERE: it runs for every request from Slack, so it
    goes without the ORM's flush and a savepoint, and two replicas taking the same key at once
    are decided by the row lock: the second sees the first's row."""
    statement = _take_statement(session.connection().dialect.name)
    values = {"key": key, "handled_at": now, "finished": finished, "abandoned_before": abandoned_before}
    return session.exec(statement, params=values).first() is not None  # type: ignore[call-overload]


@cache
def _take_statement(dialect: str) -> Executable:
    """Built once, with the values bound: building it (and its cache key) cost more than
    running it."""
    table = table_of(HandledRequest)
    statement = dialect_insert(dialect)(table).values(
        key=bindparam("key"), handled_at=bindparam("handled_at"), finished=bindparam("finished")
    )
    stale = and_(table.c.finished.is_(False), table.c.handled_at < bindparam("abandoned_before"))
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"handled_at": statement.excluded.handled_at, "finished": statement.excluded.finished},
        where=stale,
    ).returning(table.c.key)


def finish(session: Session, *, key: str) -> None:
    session.exec(
        update(HandledRequest)
        .where(col(HandledRequest.key) == key)
        .values(finished=True)
        .execution_options(synchronize_session=False)
    )


def release(session: Session, *, key: str, finished_too: bool = False) -> None:
    """Forget `key` if it is still being handled (or, with `finished_too`, whatever its state),
    so that the next copy is handled."""
    condition = [col(HandledRequest.key) == key]
    if not finished_too:
        condition.append(col(HandledRequest.finished).is_(False))
    session.exec(delete(HandledRequest).where(*condition))


def _insert(session: Session, values: dict, *, take_over_when: ColumnElement[bool] | None = None) -> bool:
    table = table_of(HandledRequest)
    statement = dialect_insert(session.connection().dialect.name)(table).values(values)
    if take_over_when is None:
        statement = statement.on_conflict_do_nothing(index_elements=["key"])
    else:
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"handled_at": statement.excluded.handled_at, "finished": False},
            where=take_over_when,
        )
    # RETURNING rather than rowcount, which the PostgreSQL driver does not report here.
    return session.exec(statement.returning(table.c.key)).first() is not None


def recall(session: Session, *, key: str) -> HandledRequest | None:
    return session.get(HandledRequest, key)


def forget_before(session: Session, *, cutoff: datetime) -> int:
    result = session.exec(delete(HandledRequest).where(col(HandledRequest.handled_at) < cutoff))
    return result.rowcount
