"""The Cancel and Delete confirmations, and the coverage assignment dialog."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks.notices import (
    ASSIGN_CALLBACK,
    ASSIGN_FIELD,
    CONFIRM_CALLBACK,
    assigned_users,
    change_notice,
    coverage_notice,
    is_loud,
)
from blocks.text import mrkdwn, plain
from domain.vocabulary import Status
from handlers.slack_helpers import REFUSED, announce, may_edit, state_values
from handlers.views.event_form import metadata
from services.editing import StaleEdit, change_coverage, delete_event, set_status
from tripdesk.context import AppContext


def notice_view(title: str, text: str) -> dict:
    return {
        "type": "modal",
        "title": plain(title, 24),
        "close": plain("Close", 24),
        "blocks": [{"type": "section", "text": mrkdwn(text)}],
    }


def register(app: App, ctx: AppContext) -> None:
    @app.view(CONFIRM_CALLBACK)
    def confirm(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
        user_id, meta = body["user"]["id"], metadata(view)
        if not may_edit(ctx, client, user_id):
            ack(response_action="update", view=notice_view("Not allowed", REFUSED))
            return
        event_id, version, verb = meta.get("e"), meta.get("v"), meta.get("do")
        if not isinstance(event_id, int) or not isinstance(version, int) or verb not in ("cancel", "delete"):
            ack(
                response_action="update",
                view=notice_view("Nothing done", "This dialog is out of date. Nothing was changed."),
            )
            return
        try:
            if verb == "cancel":
                outcome = set_status(
                    ctx.engine,
                    team_id=context.team_id,
                    actor=user_id,
                    event_id=event_id,
                    version=version,
                    status=Status.CANCELLED,
                    now=ctx.clock(),
                    default_channel=ctx.settings.default_channel,
                )
            else:
                outcome = delete_event(
                    ctx.engine,
                    team_id=context.team_id,
                    actor=user_id,
                    event_id=event_id,
                    version=version,
                    now=ctx.clock(),
                    default_channel=ctx.settings.default_channel,
                )
        except StaleEdit:
            ack(
                response_action="update",
                view=notice_view(
                    "Nothing done",
                    "This event changed since you opened this dialog. Nothing was changed: look at it again first.",
                ),
            )
            return
        ack()
        ctx.schedule_changed()
        announce(
            ctx,
            client,
            outcome.event,
            change_notice(outcome.event, actor=user_id, action=outcome.action, changes=outcome.changes),
            broadcast=is_loud(outcome.action, outcome.changes),
        )

    @app.view(ASSIGN_CALLBACK)
    def assign(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
        user_id, meta = body["user"]["id"], metadata(view)
        if not may_edit(ctx, client, user_id):
            ack(response_action="errors", errors={ASSIGN_FIELD: REFUSED})
            return
        users = assigned_users(state_values(view))
        if users is None:
            ack(response_action="errors", errors={ASSIGN_FIELD: "Choose people from the list."})
            return
        event_id = meta.get("e")
        try:
            if not isinstance(event_id, int):
                raise StaleEdit
            outcome = change_coverage(
                ctx.engine, team_id=context.team_id, actor=user_id, event_id=event_id, users=users, now=ctx.clock()
            )
        except StaleEdit:
            ack(response_action="errors", errors={ASSIGN_FIELD: "This event is no longer on the schedule."})
            return
        ack()
        if outcome.added or outcome.removed:
            announce(
                ctx,
                client,
                outcome.event,
                coverage_notice(outcome.event, actor=user_id, added=outcome.added, removed=outcome.removed),
            )
