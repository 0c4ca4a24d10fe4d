"""Whether the database can be used right now: for the health check, and for what a user is
told when their request failed."""

from __future__ import annotations

from sqlalchemy import Engine

from storage.db import is_unavailable, ping


def database_answers(engine: Engine) -> bool:
    return ping(engine)


def database_unavailable(error: BaseException) -> bool:
    """The error says the database is down, restarting, locked or full, not that something
    was wrong with the request: trying again later may work."""
    return is_unavailable(error)
