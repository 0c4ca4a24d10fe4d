"""Inserting an import's rows in bulk: COPY on PostgreSQL, one executemany on SQLite.

PostgreSQL takes rows sent as INSERT statements one round of parsing and planning at a time
(psycopg's executemany sends a statement a row; a statement of many VALUES is parsed again by
the driver every time): a year of events with their terms, history and reminders took minutes.
COPY takes them as one stream. SQLite's executemany is already one prepared statement run in C.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (each with the same keys) into `table`, in the session's transaction, each
    value as the column's type stores it."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        session.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    # COPY bypasses SQLAlchemy's types: apply their conversions (enums to their text, instants to UTC).
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(name) for name in names)}) FROM STDIN"
    raw = connection.connection.driver_connection
    assert raw is not None, "a connection in a transaction has its driver's connection"
    import psycopg

    pairs = list(zip(names, processors, strict=True))
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] if process is None else process(row[name]) for name, process in pairs])
    except psycopg.Error as error:
        # As SQLAlchemy raises a refused statement (DataError, IntegrityError…), for the callers
        # that tell the database's refusals from their own errors.
        raise DBAPIError.instance(
            statement, None, error, psycopg.Error, hide_parameters=True, dialect=dialect
        ) from error


def insert_numbered(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` into `table` and return their new ids, in the order of `rows`."""
    if not rows:
        return []
    if session.connection().dialect.name != "postgresql":
        inserting = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(inserting, list(rows)).scalars())
    # The ids drawn from the table's own sequence first, then the rows copied with them.
    sequence = func.pg_get_serial_sequence(table.name, "id")
    ids = sorted(
        session.execute(select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))).scalars()
    )
    insert_rows(session, table, [{"id": event_id, **row} for event_id, row in zip(ids, rows, strict=True)])
    return ids
