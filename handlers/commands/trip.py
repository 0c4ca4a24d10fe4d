"""`/trip`: answered in the acknowledgement itself, so the reply arrives within Slack's 3 seconds
without a second round trip."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from blocks.help import help_message, notice_message
from blocks.text import escape
from domain.commands import Agenda, Help, Invalid, Search, parse_command
from handlers.replies import listing_reply
from services.itinerary import ListingRequest, Mode
from tripdesk.context import AppContext


def register(app: App, ctx: AppContext) -> None:
    @app.command("/trip")
    def trip(ack: Ack, command: dict, context: BoltContext) -> None:
        match parse_command(command.get("text", "")):
            case Help():
                reply = help_message()
            case Invalid(message):
                reply = notice_message(escape(message))
            case Agenda(span):
                reply = listing_reply(ctx, team_id=context.team_id, request=ListingRequest(Mode(span)))
            case Search(query):
                reply = listing_reply(ctx, team_id=context.team_id, request=ListingRequest(Mode.SEARCH, query))
        ack(response_type="ephemeral", **reply)
