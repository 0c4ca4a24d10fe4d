"""Whether a request from Slack is seen for the first time, in any replica."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import brief_lock_wait, session
from storage.replays import remember

log = logging.getLogger(__name__)
# A request must still be answered within Slack's 3 seconds when another writer holds SQLite.
LOCK_WAIT_MS = 250


def first_delivery(engine: Engine, *, key: str, now: datetime) -> bool:
    """Record `key`; False when it was recorded before (a copy of a handled request).

    When the check cannot be made (the database is down, another writer holds SQLite's lock),
    the request counts as new: nothing can be changed twice then, and its listener gets the
    rest of Slack's 3 seconds to say that the schedule is unavailable.
    """
    try:
        with session(engine) as db, db.begin(), brief_lock_wait(db, LOCK_WAIT_MS):
            return remember(db, key=key, now=now)
    except SQLAlchemyError as error:
        log.warning("replay check skipped replay_id=%s error=%s", key, type(error).__name__)
        return True
