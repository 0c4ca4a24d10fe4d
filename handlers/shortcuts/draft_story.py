"""The message shortcut "Draft events from story": the message's text read into drafts.

Slack allows 3 seconds for the acknowledgement and reading a story can take longer, so the
modal opens at once on "Reading the story…" (the trigger is only valid for those 3 seconds),
the request is acknowledged, and the drafts replace it when they are ready (read after the
answer: handlers/afterwards.py).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from blocks.drafts import reading_view
from blocks.help import notice_message
from blocks.text import escape
from domain.stories.review import message_date, story_text
from handlers.afterwards import afterwards
from handlers.context import desk
from handlers.drafting import show_drafts
from handlers.replies import tell
from infra.slack_failures import SLACK_FAILURES, slack_error

log = logging.getLogger(__name__)
CALLBACK_ID = "draft_from_story"


def draft_from_message(ack: Ack, shortcut: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    user_id = shortcut["user"]["id"]
    try:
        opened = client.views_open(trigger_id=shortcut["trigger_id"], view=reading_view())
    except SLACK_FAILURES as error:
        code = slack_error(error)
        log.error("views.open failed user=%s error=%s", user_id, code)
        ack()
        afterwards(
            context,
            tell,
            respond,
            notice_message(f"Slack could not open the drafts ({escape(code)}). Try again in a moment."),
        )
        return
    ack()
    afterwards(context, _read, shortcut, context, client, view_id=opened["view"]["id"])


def _read(shortcut: dict, context: BoltContext, client: WebClient, *, view_id: str) -> None:
    message = shortcut.get("message") or {}
    channel_id = (shortcut.get("channel") or {}).get("id")
    ts = message.get("ts") or shortcut.get("message_ts")
    show_drafts(
        context,
        client,
        view_id=view_id,
        user_id=shortcut["user"]["id"],
        text=story_text(message.get("text") or ""),
        published=message_date(ts, desk(context).settings.newsroom_tz),
        channel_id=channel_id,
        source_url=_permalink(client, channel_id, ts),
    )


def _permalink(client: WebClient, channel_id: str | None, ts: str | None) -> str | None:
    """The message's address, for the events' source; none if Slack cannot give it."""
    if not channel_id or not ts:
        return None
    try:
        link = client.chat_getPermalink(channel=channel_id, message_ts=ts).get("permalink")
    except SLACK_FAILURES as error:
        log.warning("chat.getPermalink failed channel=%s error=%s", channel_id, slack_error(error))
        return None
    return link if isinstance(link, str) else None
