"""Whether a request from Slack is seen for the first time, in any replica, and what became of it.

A key is taken before the listener runs and finished once it has returned, so that a copy that
arrives meanwhile or afterwards has no second effect; a key whose listener failed is released,
so that Slack's retry (or the same request sent again) is handled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from domain.zones import earlier
from storage.db import autocommit, brief_lock_wait, session
from storage.replays import finish, release, take

log = logging.getLogger(__name__)
# A request must still be answered within Slack's 3 seconds when another writer holds SQLite.
LOCK_WAIT_MS = 250
# A listener acknowledges within 3 seconds and each Slack call it makes after that gives up after
# 2: a key still being handled this long after it was taken belongs to a replica that died, or
# could record neither outcome. Slack's next retry of an event (a minute later) is then handled.
ABANDONED_AFTER = timedelta(seconds=30)


class ReplayStoreUnavailable(Exception):
    """Whether the request was seen before cannot be told: the database refused the check."""


def first_delivery(engine: Engine, *, key: str, now: datetime, settled: bool = False) -> bool:
    """Take `key`; False when it was taken before and not given up (a copy of a request
    handled or being handled). Raises ReplayStoreUnavailable when that cannot be told.

    `settled`: the key is recorded as handled at once, so that the request costs one write
    instead of two; for requests nobody retries, whose key need never be taken over (see
    handlers/replays.py). If such a request fails, `failed(…, settled=True)` forgets its key."""
    try:
        # One statement, atomic on its own: no transaction around it.
        with autocommit(engine) as db, brief_lock_wait(db, LOCK_WAIT_MS):
            return take(db, key=key, now=now, abandoned_before=earlier(now, ABANDONED_AFTER), finished=settled)
    except SQLAlchemyError as error:
        log.warning("replay check failed replay_id=%s error=%s", key, type(error).__name__)
        raise ReplayStoreUnavailable from error


def handled(engine: Engine, *, key: str) -> None:
    """The listener for `key` returned: later copies are replays."""
    _settle(engine, key, finish, "request not marked handled", "a copy after %ss would run again")


def failed(engine: Engine, *, key: str, settled: bool = False) -> None:
    """The listener for `key` failed: the next copy (Slack's retry) is handled. `settled`: the
    key was recorded as handled when it was taken."""
    _settle(
        engine,
        key,
        partial(release, finished_too=settled),
        "failed request not released",
        "a retry after %ss will be handled",
    )


def _settle(engine: Engine, key: str, write: Callable[..., object], what: str, then: str) -> None:
    # After the answer: a database fault here costs only the 30 s takeover, so it is logged.
    try:
        with session(engine) as db, db.begin():
            write(db, key=key)
    except SQLAlchemyError as error:
        log.warning(
            f"{what} replay_id=%s error=%s; {then}", key, type(error).__name__, int(ABANDONED_AFTER.total_seconds())
        )
