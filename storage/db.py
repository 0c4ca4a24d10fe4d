"""Engines and sessions for SQLite (the default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, create_engine

T = TypeVar("T")

# How long a statement waits for another writer's lock, or a connection for the server: short
# enough that a request still gets its answer ("the schedule is unavailable") within Slack's
# 3 seconds. Work that can wait (reminders, imports) retries on its own.
LOCK_WAIT_SECONDS = 1.5
CONNECT_TIMEOUT_SECONDS = 2
# Ids in one IN (…) list: well under SQLite's 32,766 bound parameters and PostgreSQL's 65,535,
# with room for a statement's other values.
IN_CHUNK = 500
# One connection for each listener thread, so that a burst of requests never queues for one.
POOL_SIZE = 40


def make_engine(url: str) -> Engine:
    # SQLAlchemy puts a failed statement's parameters in the exception's text, which ends up in
    # logs: titles, places and names of a schedule that may not be public yet.
    hidden = {"hide_parameters": True}
    if url.startswith("sqlite"):
        in_memory = make_url(url).database in (None, "", ":memory:")  # one shared connection, no pool to size
        pool = {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": 0}
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": LOCK_WAIT_SECONDS}, **pool, **hidden
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre_ping: a replica survives PostgreSQL restarts without serving a dead connection.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=10,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        **hidden,
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the console, an import and the bot read while another writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still never corrupts the file; it skips the fsync at every commit (the
    # last commits before a power cut, not a crash of the bot, can be lost). Every request
    # writes its replay key and every reminder two rows: a disk flush each would serialise them.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT_SECONDS * 1000)}")
    cursor.close()


@contextmanager
def brief_lock_wait(session: Session, milliseconds: int):
    """Within this block, an SQLite write waits at most `milliseconds` for another writer."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    # On the driver's connection: through SQLAlchemy each PRAGMA cost as much as the replay
    # check it surrounds, which runs for every request.
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection checked out of the pool
    driver.execute(f"PRAGMA busy_timeout={int(milliseconds)}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT_SECONDS * 1000)}")


def in_chunks(items: Sequence[T]) -> Iterator[list[T]]:
    """`items` in lists of at most IN_CHUNK, for statements with an IN (…) of them."""
    for start in range(0, len(items), IN_CHUNK):
        yield list(items[start : start + IN_CHUNK])


def session(engine: Engine) -> Session:
    """A session whose objects stay readable after commit, for building replies from them."""
    return Session(engine, expire_on_commit=False)


@contextmanager
def autocommit(engine: Engine) -> Iterator[Session]:
    """A session on a connection in autocommit, for reads and for a write that is one statement
    (a replay key's INSERT … ON CONFLICT). PostgreSQL at its default READ COMMITTED gives each
    statement its own snapshot inside a transaction too, so only the BEGIN and the COMMIT or
    ROLLBACK go: two round trips of the four to eight a /trip request made, a third of the time
    a request to the calendar feed cost. SQLite's driver began no transaction for reads anyway."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        with Session(bind=connection, expire_on_commit=False) as db:
            yield db


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


def is_unavailable(error: BaseException) -> bool:
    """The database could not be reached or used right now (down, restarting, locked, full),
    as opposed to a fault in what was asked of it: trying again later may work."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (OperationalError, InterfaceError, PoolTimeout))


def insert_for(session: Session) -> Callable[..., Any]:
    """The database's own INSERT, which has ON CONFLICT (both dialects spell it the same way)."""
    return dialect_insert(session.get_bind().dialect.name)


@cache
def dialect_insert(dialect: str) -> Callable[..., Any]:
    """`insert_for`, by the dialect's name (for statements built once per database)."""
    # Imported here, once: a bot on SQLite never loads PostgreSQL's dialect, a thirtieth of a
    # second of its start.
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    raise NotImplementedError(f"no INSERT … ON CONFLICT for {dialect}")
