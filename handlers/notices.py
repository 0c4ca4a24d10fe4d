"""Notices of a change, posted to the event's channel: in its thread when it has one."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from domain.records import EventRecord
from handlers.context import desk
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.editing import record_thread

log = logging.getLogger(__name__)


def announce(
    context: BoltContext,
    client: WebClient,
    event: EventRecord,
    message: dict,
    *,
    broadcast: bool = False,
    start_thread: bool = False,
) -> None:
    """Post `message` to the event's channel, in its thread when it has one.

    The first notice of an event (`start_thread`) becomes that thread.
    """
    ctx = desk(context)
    channel = event.channel_id or ctx.settings.default_channel
    if channel is None:
        log.info("no channel for notices of event=%s; set TRIPDESK_CHANNEL", event.id)
        return
    thread: dict[str, Any] = {"thread_ts": event.thread_ts, "reply_broadcast": broadcast} if event.thread_ts else {}
    try:
        response = client.chat_postMessage(channel=channel, unfurl_links=False, **thread, **message)
    except SLACK_FAILURES as error:
        log.error("notice not posted event=%s channel=%s error=%s", event.id, channel, slack_error(error))
        return
    if start_thread and not event.thread_ts and event.id is not None:
        record_thread(ctx.engine, event_id=event.id, ts=response["ts"])
