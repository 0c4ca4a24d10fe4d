"""Alembic environment: TripDesk passes its own connection; the alembic CLI uses DATABASE_URL."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from infra.config import load_settings
    from storage.db import make_engine

    with make_engine(load_settings().database_url).connect() as own_connection:
        _run(own_connection)
        own_connection.commit()
