"""Bring the database schema to the newest Alembic revision; run at every start.

At most starts the schema is already there: one query for the revision the database is at,
compared with `HEAD`, answers that without Alembic, whose import and reading of every migration
cost about a tenth of a second. Alembic runs whenever the two differ (a new database, an older
schema, or one newer than this code, which Alembic refuses as before).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same in every replica.
_ADVISORY_LOCK_ID = 0x7472_6970  # "trip"


def head_revision() -> str:
    """The newest revision, from the migrations' file names: they form one line, each named
    for its revision ("0011_channel_holds.py" is revision "0011"). A test holds this equal to
    Alembic's own head."""
    return max(path.name.partition("_")[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


HEAD = head_revision()


def alembic_config(connection=None) -> Config:
    from alembic.config import Config  # only when a migration runs: see the module's docstring

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revisions(connection: Connection) -> set[str]:
    """The revisions the database says it is at; empty for a database Alembic never ran on."""
    try:
        return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except DBAPIError:
        # No such table yet (or a failure Alembic will meet and report as it always has).
        connection.rollback()
        return set()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.connect() as connection:
        if revision == "head" and current_revisions(connection) == {HEAD}:
            return
        if connection.dialect.name == "postgresql":
            # Replicas start together; only one may migrate, the others wait and find it done.
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _ADVISORY_LOCK_ID})
        try:
            from alembic import command  # only when a migration runs: see the module's docstring

            command.upgrade(alembic_config(connection), revision)
            connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _ADVISORY_LOCK_ID})
                connection.commit()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command  # see the module's docstring

    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), revision)
        connection.commit()
