"""`/trip`. Queries are answered in the acknowledgement itself, so the reply arrives within
Slack's 3 seconds without a second round trip; `/trip add` opens the form, then acknowledges."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks.event_form import event_modal
from blocks.help import help_message, notice_message
from blocks.history import history_message
from blocks.reminder_status import reminders_message
from blocks.text import escape
from domain.commands import Add, Agenda, Help, History, Invalid, Mine, Reminders, Search, parse_command
from handlers.replies import listing_reply
from handlers.slack_helpers import REFUSED, may_edit
from services.history import event_history, event_reminders
from services.itinerary import ListingRequest, Mode
from storage.editing import trip_choices
from tripdesk.context import AppContext
from tripdesk.slack_failures import SLACK_FAILURES, slack_error

log = logging.getLogger(__name__)


def register(app: App, ctx: AppContext) -> None:
    @app.command("/trip")
    def trip(ack: Ack, command: dict, context: BoltContext, client: WebClient) -> None:
        team_id, user_id = context.team_id, command["user_id"]
        match parse_command(command.get("text", "")):
            case Add():
                open_add_form(ack, ctx, client, command, team_id)
                return
            case Help():
                reply = help_message()
            case Invalid(message):
                reply = notice_message(escape(message))
            case Agenda(span):
                reply = listing_reply(ctx, team_id=team_id, user_id=user_id, request=ListingRequest(Mode(span)))
            case Mine():
                reply = listing_reply(ctx, team_id=team_id, user_id=user_id, request=ListingRequest(Mode.MINE))
            case Search(query):
                reply = listing_reply(ctx, team_id=team_id, user_id=user_id, request=ListingRequest(Mode.SEARCH, query))
            case History(query):
                with ctx.session() as session:
                    matched, rows = event_history(session, team_id=team_id, query=query)
                    reply = history_message(query, matched, rows)
            case Reminders(query):
                with ctx.session() as session:
                    matched, events = event_reminders(session, team_id=team_id, query=query)
                    reply = reminders_message(query, matched, events)
        ack(response_type="ephemeral", **reply)


def open_add_form(ack: Ack, ctx: AppContext, client: WebClient, command: dict, team_id: str) -> None:
    if not may_edit(ctx, client, command["user_id"]):
        ack(response_type="ephemeral", **notice_message(REFUSED))
        return
    with ctx.session() as session:
        trips = trip_choices(session, team_id=team_id, since=ctx.clock())
    view = event_modal(
        event=None,
        trips=trips,
        channel_id=command.get("channel_id"),
        newsroom_tz=ctx.settings.newsroom_tz,
        metadata={"c": command.get("channel_id")},
    )
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
            **notice_message(f"Slack could not open the form ({escape(code)}). Try `/trip add` again in a moment."),
        )
        return
    ack()
