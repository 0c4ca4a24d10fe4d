"""`/trip feed [query]` and `/trip feed rotate`: the live calendar feed's address.

Anyone in the workspace may have the address: the feed is the desk's schedule, which anyone
can already read with `/trip`. Only editors may rotate it, since rotating breaks every
subscription to the old address.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.calendar_feed import feed_message, no_address_message, rotated_message
from blocks.help import notice_message
from domain.calendar_feed import feed_path
from domain.commands import FeedAddress, RotateFeed
from handlers.context import desk, team_id
from handlers.guard import Refused, require_editor
from services.calendar_feed import feed_token, rotate_feed

log = logging.getLogger(__name__)


def answer(ack: Ack, command: dict, context: BoltContext, client: WebClient, asked: FeedAddress | RotateFeed) -> None:
    ctx = desk(context)
    user_id = command["user_id"]
    public_url = ctx.settings.public_url
    desk_name = command.get("team_domain") or ""
    try:
        if isinstance(asked, RotateFeed):
            require_editor(context, client, user_id)
            token = rotate_feed(ctx.engine, team_id=team_id(context), actor=user_id, desk=desk_name, now=ctx.clock())
            log.info("calendar feed rotated team=%s user=%s", team_id(context), user_id)
            reply = rotated_message(public_url + feed_path(token) if public_url else None)
        elif public_url is None:
            reply = no_address_message()
        else:
            token = feed_token(ctx.engine, team_id=team_id(context), actor=user_id, desk=desk_name, now=ctx.clock())
            reply = feed_message(public_url + feed_path(token, asked.query), query=asked.query)
    except Refused as refusal:
        reply = notice_message(refusal.text)
    ack(response_type="ephemeral", **reply)
