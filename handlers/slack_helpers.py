"""Slack-side checks and deliveries shared by the listeners: permission, channel access, notices."""

from __future__ import annotations

import logging

from slack_bolt import Respond
from slack_sdk import WebClient

from storage.db import session
from storage.editing import set_thread
from storage.models import Event
from tripdesk.context import AppContext
from tripdesk.slack_failures import SLACK_FAILURES, is_channel_unreachable, slack_error

log = logging.getLogger(__name__)

REFUSED = (
    "Only the desk's editors can change the schedule. Ask one of them, or an admin to add you to TRIPDESK_EDITORS."
)


def state_values(view: dict) -> dict:
    """The form's `view.state.values`, or nothing if a client sent something else."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def may_edit(ctx: AppContext, client: WebClient, user_id: str) -> bool:
    return ctx.editors.allows(user_id, lambda group: client.usergroups_users_list(usergroup=group)["users"])


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


def announce(
    ctx: AppContext,
    client: WebClient,
    event: Event,
    message: dict,
    *,
    broadcast: bool = False,
    start_thread: bool = False,
) -> None:
    """Post `message` to the event's channel, in its thread when it has one.

    The first notice of an event (`start_thread`) becomes that thread.
    """
    channel = event.channel_id or ctx.settings.default_channel
    if channel is None:
        log.info("no channel for notices of event=%s; set TRIPDESK_CHANNEL", event.id)
        return
    thread = {"thread_ts": event.thread_ts, "reply_broadcast": broadcast} if event.thread_ts else {}
    try:
        response = client.chat_postMessage(channel=channel, unfurl_links=False, **thread, **message)
    except SLACK_FAILURES as error:
        log.error("notice not posted event=%s channel=%s error=%s", event.id, channel, slack_error(error))
        return
    if start_thread and not event.thread_ts:
        with session(ctx.engine) as db, db.begin():
            set_thread(db, event_id=event.id, ts=response["ts"])
        event.thread_ts = response["ts"]


def tell(respond: Respond, message: dict, **options) -> bool:
    """Reply through the interaction's response_url, after the acknowledgement. False, logged,
    when Slack did not take the reply: the user saw the ack, and nothing more can reach them."""
    try:
        response = respond(**options, **message)
    except OSError as error:
        log.error("reply not delivered: %s", slack_error(error))
        return False
    if response.status_code != 200:
        log.error("reply not delivered: response_url answered HTTP %s", response.status_code)
        return False
    return True
