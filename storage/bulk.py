"""Inserting an import's rows in bulk: COPY on PostgreSQL, one executemany on SQLite, both on
the driver's connection in the session's transaction.

PostgreSQL takes rows sent as INSERT statements one round of parsing and planning at a time
(psycopg's executemany sends a statement a row; a statement of many VALUES is parsed again by
the driver every time): a year of events with their terms, history and reminders took minutes.
COPY takes them as one stream. SQLite's own executemany is one prepared statement run in C;
through SQLAlchemy each row's parameters are built in Python first, which cost more than the
inserts, so the column types' conversions are applied here and the rows handed to the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (each with the same keys) into `table`, in the session's transaction, each
    value as the column's type stores it. A refusal is raised as SQLAlchemy raises it
    (IntegrityError, DataError…)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    # The driver is given what SQLAlchemy would give it: each column type's conversion applied
    # (enums to their text, instants to UTC, and to text on SQLite). The dialect's own form of
    # the type: the generic one has no conversion for SQLite's text dates, and the driver's
    # default would write 10:00:00 where SQLAlchemy writes 10:00:00.000000, which then sorts
    # before it.
    processors = [(name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names]
    pairs = [(name, None if process is None else _repeating(process)) for name, process in processors]
    values = ([row[name] if process is None else process(row[name]) for name, process in pairs] for row in rows)
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    raw = connection.connection.driver_connection
    assert raw is not None, "a connection in a transaction has its driver's connection"
    failure = dialect.loaded_dbapi.Error
    if dialect.name == "postgresql":
        statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
    else:
        statement = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({', '.join('?' * len(names))})"
    try:
        if dialect.name == "postgresql":
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor = raw.cursor()
            try:
                cursor.executemany(statement, values)
            finally:
                cursor.close()
    except failure as error:
        raise DBAPIError.instance(statement, None, error, failure, hide_parameters=True, dialect=dialect) from error


def _repeating(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process`, run again only when the value differs from the last one: consecutive rows
    often repeat it (an event's dozen search terms carry its same three instants), and
    converting an instant cost more than inserting its row."""
    last: list[Any] = [object(), None]

    def converted(value: Any) -> Any:
        if value is not last[0] and (type(value) is not type(last[0]) or value != last[0]):
            last[0], last[1] = value, process(value)
        return last[1]

    return converted


def insert_numbered(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` into `table` and return their new ids, in the order of `rows`."""
    if not rows:
        return []
    if session.connection().dialect.name == "postgresql":
        # Drawn from the table's own sequence, as its default would.
        sequence = func.pg_get_serial_sequence(table.name, "id")
        drawn = select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))
        ids = sorted(session.execute(drawn).scalars())
    else:
        # SQLite numbers a row one past the largest id. The first insert takes the database's one
        # write lock, which this transaction then holds: no one else can insert in between.
        first = session.execute(insert(table).values(rows[0]).returning(table.c.id)).scalar_one()
        top = session.execute(select(func.max(table.c.id))).scalar_one()
        ids = [first, *range(top + 1, top + len(rows))]
        rows = rows[1:]
        insert_rows(session, table, [{"id": row_id, **row} for row_id, row in zip(ids[1:], rows, strict=True)])
        return ids
    insert_rows(session, table, [{"id": row_id, **row} for row_id, row in zip(ids, rows, strict=True)])
    return ids
