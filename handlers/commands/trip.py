"""`/trip`. Queries are answered in the acknowledgement itself, so the reply arrives within
Slack's 3 seconds without a second round trip; `/trip add` and `/trip draft` open their form,
then acknowledge; `/trip changes` acknowledges at once and replies through the response_url."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.changes import changes_message
from blocks.drafts import paste_view
from blocks.event_form import event_modal
from blocks.help import help_message, notice_message
from blocks.history import history_message
from blocks.itinerary import itinerary_message
from blocks.reminder_status import reminders_message
from blocks.text import escape
from domain.commands import (
    Add,
    AddFeed,
    Agenda,
    Changes,
    Draft,
    FeedAddress,
    Follow,
    Following,
    Help,
    History,
    Invalid,
    Itinerary,
    ListFeeds,
    Mine,
    Reminders,
    RemoveFeed,
    RotateFeed,
    Search,
    SyncFeeds,
    Unfollow,
    parse_command,
)
from domain.listing import ListingRequest, Mode
from handlers.afterwards import afterwards
from handlers.commands import calendar_feed, feeds, follows
from handlers.context import desk, team_id
from handlers.guard import Refused, may_edit, require_editor
from handlers.replies import listing_reply, tell
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.changes import changes_in_window, changes_since_last_look, mark_read
from services.editing import trip_choices
from services.history import event_history, event_reminders
from services.itineraries import person_itinerary

log = logging.getLogger(__name__)


def trip(ack: Ack, command: dict, context: BoltContext, client: WebClient) -> None:
    user_id = command["user_id"]
    match parse_command(command.get("text", "")):
        case Add():
            open_add_form(ack, command, context, client)
            return
        case Draft():
            # Anyone may read a story into drafts; adding them is for editors.
            open_form_then_ack(ack, command, client, paste_view(metadata={"c": command.get("channel_id")}), "draft")
            return
        case FeedAddress() | RotateFeed() as asked:
            calendar_feed.answer(ack, command, context, client, asked)
            return
        case ListFeeds() | AddFeed() | RemoveFeed() | SyncFeeds() as asked:
            feeds.answer(ack, command, context, client, asked)
            return
        case Follow() | Unfollow() | Following() as asked:
            follows.answer(ack, command, context, client, asked)
            return
        case Help():
            reply = help_message(everyone_edits=desk(context).editors.everyone)
        case Invalid(message):
            reply = notice_message(escape(message))
        case Agenda(span):
            reply = listing_reply(context, user_id=user_id, request=ListingRequest(Mode(span)))
        case Mine():
            reply = listing_reply(context, user_id=user_id, request=ListingRequest(Mode.MINE))
        case Search(query):
            reply = listing_reply(context, user_id=user_id, request=ListingRequest(Mode.SEARCH, query))
        case Itinerary(who):
            ctx = desk(context)
            reply = itinerary_message(
                person_itinerary(ctx.engine, team_id=team_id(context), query=who, now=ctx.clock())
            )
        case History(query):
            matched, rows = event_history(
                desk(context).engine,
                team_id=team_id(context),
                query=query,
                editor=may_edit(context, client, user_id),
            )
            reply = history_message(query, matched, rows)
        case Reminders(query):
            matched, events = event_reminders(
                desk(context).engine,
                team_id=team_id(context),
                query=query,
                editor=may_edit(context, client, user_id),
                user_id=user_id,
            )
            reply = reminders_message(query, matched, events)
        case Changes(window_minutes):
            # Who may see notes asks Slack, and a month of changes takes a while to read: the
            # reply follows the acknowledgement.
            ack()
            afterwards(context, send_changes, context, client, user_id=user_id, window_minutes=window_minutes)
            return
    ack(response_type="ephemeral", **reply)


def send_changes(context: BoltContext, client: WebClient, *, user_id: str, window_minutes: int | None) -> None:
    """The reply to `/trip changes`; the user's marker moves only once Slack has taken it."""
    ctx = desk(context)
    team, now, editor = team_id(context), ctx.clock(), may_edit(context, client, user_id)
    respond = context.respond
    if window_minutes is not None:
        window = timedelta(minutes=window_minutes)
        digest = changes_in_window(ctx.engine, team_id=team, user_id=user_id, now=now, editor=editor, window=window)
        if respond is not None:
            tell(respond, changes_message(digest), response_type="ephemeral", replace_original=False)
        return
    unseen = changes_since_last_look(ctx.engine, team_id=team, user_id=user_id, now=now, editor=editor)
    if respond is None:
        return
    if tell(respond, changes_message(unseen.digest), response_type="ephemeral", replace_original=False):
        mark_read(ctx.engine, team_id=team, user_id=user_id, marker=unseen.marker)
    else:
        log.error("changes not shown, the marker stays user=%s", user_id)


def open_add_form(ack: Ack, command: dict, context: BoltContext, client: WebClient) -> None:
    ctx = desk(context)
    try:
        require_editor(context, client, command["user_id"])
    except Refused as refusal:
        ack(response_type="ephemeral", **notice_message(refusal.text))
        return
    view = event_modal(
        event=None,
        trips=trip_choices(ctx.engine, team_id=team_id(context), since=ctx.clock()),
        channel_id=command.get("channel_id"),
        newsroom_tz=ctx.settings.newsroom_tz,
        metadata={"c": command.get("channel_id")},
    )
    open_form_then_ack(ack, command, client, view, "add")


def open_form_then_ack(ack: Ack, command: dict, client: WebClient, view: dict, keyword: str) -> None:
    # Opened before the acknowledgement, so that if Slack fails the ack itself says so: the
    # response_url would go through the same failing Slack. The client's timeout keeps this
    # well inside Slack's 3 seconds.
    try:
        client.views_open(trigger_id=command["trigger_id"], view=view)
    except SLACK_FAILURES as error:
        code = slack_error(error)
        log.error("views.open failed user=%s error=%s", command["user_id"], code)
        ack(
            response_type="ephemeral",
            **notice_message(
                f"Slack could not open the form ({escape(code)}). Try `/trip {keyword}` again in a moment."
            ),
        )
        return
    ack()
