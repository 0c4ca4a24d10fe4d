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

from slack_bolt import BoltContext, BoltResponse

from handlers.context import desk
from services.replays import first_delivery

log = logging.getLogger(__name__)


def request_key(body: dict) -> str | None:
    if isinstance(event_id := body.get("event_id"), str):
        return f"event:{event_id}"[:255]
    if isinstance(trigger_id := body.get("trigger_id"), str):
        return f"trigger:{trigger_id}"[:255]
    return None  # suggestions and closed forms: answering them twice changes nothing


def drop_replays(body: dict, context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """A global middleware: a copy of a request already handled gets an empty 200."""
    key = request_key(body)
    if key is None:
        return next()
    ctx = desk(context)
    if not first_delivery(ctx.engine, key=key, now=ctx.clock()):
        log.info("replayed request ignored replay_id=%s", key)
        return BoltResponse(status=200, body="")
    return next()
