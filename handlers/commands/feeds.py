"""`/trip feeds`: the calendar feeds the desk follows, listed by anyone, added, removed and
synced by editors.

A fetch may take the whole of its deadline (a minute), far beyond the 3 seconds Slack gives a
command: adding and syncing acknowledge at once, sync afterwards (handlers/afterwards.py) and
report through the response_url.
"""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.feeds import (
    adding_message,
    feeds_message,
    removed_message,
    sync_results_message,
    syncing_message,
)
from blocks.help import notice_message
from blocks.text import escape
from domain.commands import AddFeed, ListFeeds, RemoveFeed, SyncFeeds
from domain.subscriptions import FeedState
from handlers.afterwards import afterwards
from handlers.context import desk, team_id
from handlers.guard import Refused, require_editor
from handlers.replies import tell
from services.subscriptions import (
    FeedRefused,
    SyncOptions,
    add_feed,
    command_replica,
    list_feeds,
    remove_feed,
    sync_all,
    sync_safely,
)


def answer(ack: Ack, command: dict, context: BoltContext, client: WebClient, asked: object) -> None:
    ctx = desk(context)
    team = team_id(context)
    # Listing too: addresses, and what they answered, are the editors' business (as on Home).
    try:
        require_editor(context, client, command["user_id"])
    except Refused as refusal:
        ack(response_type="ephemeral", **notice_message(refusal.text))
        return
    if isinstance(asked, ListFeeds):
        ack(response_type="ephemeral", **feeds_message(list_feeds(ctx.engine, team_id=team)))
        return
    options = SyncOptions.of(ctx.settings)
    match asked:
        case AddFeed(url, name):
            try:
                added = add_feed(
                    ctx.engine, team_id=team, address=url, name=name, added_by=command["user_id"], now=ctx.clock()
                )
            except FeedRefused as refusal:
                ack(response_type="ephemeral", **notice_message(escape(str(refusal))))
                return
            ack(response_type="ephemeral", **adding_message(added))
            afterwards(context, _first_sync, context, added, options)
        case RemoveFeed(number):
            try:
                name, events = remove_feed(ctx.engine, team_id=team, number=number)
            except FeedRefused as refusal:
                ack(response_type="ephemeral", **notice_message(escape(str(refusal))))
                return
            ack(response_type="ephemeral", **removed_message(name, events))
        case SyncFeeds():
            count = len(list_feeds(ctx.engine, team_id=team))
            ack(response_type="ephemeral", **syncing_message(count))
            if count:
                afterwards(context, _sync_all, context, options)


def _first_sync(context: BoltContext, added: FeedState, options: SyncOptions) -> None:
    ctx = desk(context)
    result = sync_safely(
        ctx.engine,
        feed=added,
        replica=command_replica(),
        clock=ctx.clock,
        options=options,
        on_change=ctx.schedule_changed,
    )
    _report(context, sync_results_message([(added.name, result)], added=added.number))


def _sync_all(context: BoltContext, options: SyncOptions) -> None:
    ctx = desk(context)
    results = sync_all(
        ctx.engine, team_id=team_id(context), clock=ctx.clock, options=options, on_change=ctx.schedule_changed
    )
    _report(context, sync_results_message(results))


def _report(context: BoltContext, message: dict) -> None:
    respond = context.respond
    if respond is not None:
        tell(respond, message, response_type="ephemeral", replace_original=False)
