"""A request Slack delivered before has no second effect.

Within the five minutes its signature stays valid, a captured request can be sent again; Slack
itself re-delivers an Events API event it thinks we missed (`X-Slack-Retry-Num`). Each slash
command, button and form submission carries a `trigger_id` of its own, each event an
`event_id`: the first request to record its key in the database is handled, later copies get
an empty 200 — in every replica, since they share the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from storage.db import brief_lock_wait
from storage.replays import remember
from tripdesk.context import AppContext

log = logging.getLogger(__name__)


def request_key(body: dict) -> str | None:
    if isinstance(event_id := body.get("event_id"), str):
        return f"event:{event_id}"[:255]
    if isinstance(trigger_id := body.get("trigger_id"), str):
        return f"trigger:{trigger_id}"[:255]
    return None  # suggestions and closed forms: answering them twice changes nothing


def register(app: App, ctx: AppContext) -> None:
    @app.middleware
    def drop_replays(body: dict, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        key = request_key(body)
        if key is None:
            return next()
        try:
            with ctx.session() as session, session.begin(), brief_lock_wait(session, 250):
                first = remember(session, key=key, now=ctx.clock())
        except SQLAlchemyError as error:
            # The database is down or another writer holds SQLite's lock: nothing can be changed
            # twice then, and the listener gets the rest of Slack's 3 seconds to say so.
            log.warning("replay check skipped key=%s error=%s", key, type(error).__name__)
            return next()
        if not first:
            log.info("replayed request ignored key=%s", key)
            return BoltResponse(status=200, body="")
        return next()
