"""The controls on an event card: the menu (edit, postpone, cancel, delete) and coverage."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from blocks.event_card import ASSIGN_ACTION, COVER_ACTION, MENU_ACTION, OPEN_ACTION, event_message
from blocks.event_form import event_modal
from blocks.help import notice_message
from blocks.notices import assign_modal, change_notice, confirm_modal, coverage_notice, is_loud
from blocks.text import escape
from domain.vocabulary import Status
from handlers.slack_helpers import REFUSED, announce, may_edit, tell
from services.editing import StaleEdit, change_coverage, load_event, set_status
from storage.editing import trip_choices
from tripdesk.context import AppContext
from tripdesk.slack_failures import SLACK_FAILURES, slack_error

log = logging.getLogger(__name__)
GONE = "That event is no longer on the schedule."


def register(app: App, ctx: AppContext) -> None:
    def open_view(client: WebClient, body: dict, view: dict, respond: Respond) -> None:
        try:
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except SLACK_FAILURES as error:
            code = slack_error(error)
            log.error("views.open failed user=%s error=%s", body["user"]["id"], code)
            tell(
                respond,
                notice_message(f"Slack could not open the form ({escape(code)}). Try again."),
                replace_original=False,
            )

    @app.action(MENU_ACTION)
    def menu(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        verb, _, raw_id = action.get("selected_option", {}).get("value", "").partition(":")
        event = load_event(ctx.engine, team_id=context.team_id, event_id=int(raw_id)) if raw_id.isdigit() else None
        if event is None:
            tell(respond, notice_message(GONE), replace_original=False)
            return
        if not may_edit(ctx, client, user_id):
            tell(respond, notice_message(REFUSED), replace_original=False)
            return
        if verb == "edit":
            with ctx.session() as session:
                trips = trip_choices(session, team_id=context.team_id, since=ctx.clock())
            metadata = {"e": event.id, "v": event.version}
            open_view(
                client,
                body,
                event_modal(
                    event=event,
                    trips=trips,
                    channel_id=event.channel_id,
                    newsroom_tz=ctx.settings.newsroom_tz,
                    metadata=metadata,
                ),
                respond,
            )
        elif verb in ("cancel", "delete"):
            open_view(client, body, confirm_modal(event, verb=verb), respond)
        elif verb == "postpone":
            try:
                outcome = set_status(
                    ctx.engine,
                    team_id=context.team_id,
                    actor=user_id,
                    event_id=event.id,
                    version=event.version,
                    status=Status.POSTPONED,
                    now=ctx.clock(),
                    default_channel=ctx.settings.default_channel,
                )
            except StaleEdit:
                tell(respond, notice_message(GONE), replace_original=False)
                return
            ctx.schedule_changed()
            tell(
                respond,
                notice_message(f"Postponed: *{escape(event.title)}*. Edit it when the new date is known."),
                replace_original=False,
            )
            announce(
                ctx,
                client,
                outcome.event,
                change_notice(outcome.event, actor=user_id, action="postponed", changes=outcome.changes),
                broadcast=is_loud("postponed", outcome.changes),
            )

    @app.action(COVER_ACTION)
    def cover(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        event_id = action.get("value", "")
        try:
            outcome = change_coverage(
                ctx.engine, team_id=context.team_id, actor=user_id, event_id=int(event_id), add=user_id, now=ctx.clock()
            )
        except (StaleEdit, ValueError):
            tell(respond, notice_message(GONE), replace_original=False)
            return
        if not outcome.added:
            tell(respond, notice_message(f"You already cover *{escape(outcome.event.title)}*."), replace_original=False)
            return
        tell(
            respond,
            notice_message(f"You cover *{escape(outcome.event.title)}*. It is in `/trip mine`."),
            replace_original=False,
        )
        announce(
            ctx,
            client,
            outcome.event,
            coverage_notice(outcome.event, actor=user_id, added=outcome.added, removed=outcome.removed),
        )

    @app.action(ASSIGN_ACTION)
    def assign(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
        ack()
        raw_id = action.get("value", "")
        event = load_event(ctx.engine, team_id=context.team_id, event_id=int(raw_id)) if raw_id.isdigit() else None
        if event is None:
            tell(respond, notice_message(GONE), replace_original=False)
            return
        if not may_edit(ctx, client, body["user"]["id"]):
            tell(respond, notice_message(REFUSED), replace_original=False)
            return
        open_view(client, body, assign_modal(event), respond)

    @app.action(OPEN_ACTION)
    def open_event(ack: Ack, action: dict, context: BoltContext, respond: Respond) -> None:
        """From a reminder: the event's card, with its menu and coverage buttons, for whoever asked."""
        ack()
        raw_id = action.get("value", "")
        event = load_event(ctx.engine, team_id=context.team_id, event_id=int(raw_id)) if raw_id.isdigit() else None
        if event is None:
            tell(respond, notice_message(GONE), replace_original=False, response_type="ephemeral")
            return
        tell(respond, event_message(event), replace_original=False, response_type="ephemeral")
