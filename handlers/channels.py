"""Whether the bot can post in the channel a form names, in words for the form."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from infra.slack_failures import SLACK_FAILURES, is_channel_unreachable, slack_error

log = logging.getLogger(__name__)


def channel_problem(client: WebClient, channel_id: str) -> str | None:
    """Why the bot cannot post in `channel_id`, in words for the form; None when it can.

    Public channels are joined on the way; private ones need an invitation.
    """
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SLACK_FAILURES as error:
        code = slack_error(error)
        if is_channel_unreachable(code):
            return "Invite @TripDesk to that channel first (type /invite @TripDesk there), or pick another one."
        # Slack itself is failing: the desk's work is not held up by a check. A channel the bot
        # cannot post in is reported to the event's creator when its first reminder is due.
        log.warning("channel not checked, Slack failing channel=%s error=%s", channel_id, code)
        return None
    name = f"#{channel.get('name', channel_id)}"
    if channel.get("is_archived"):
        return f"{name} is archived: pick another channel."
    if channel.get("is_member"):
        return None
    if channel.get("is_private"):
        return f"Invite @TripDesk to {name} first (type /invite @TripDesk there), or pick another channel."
    try:
        client.conversations_join(channel=channel_id)
    except SLACK_FAILURES as error:
        log.error("conversations.join failed channel=%s error=%s", channel_id, slack_error(error))
        return f"Invite @TripDesk to {name} first (type /invite @TripDesk there), or pick another channel."
    return None
