"""The Cancel and Delete confirmations, and the coverage assignment dialog; their notices are
posted after the answer (handlers/afterwards.py)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.notices import ASSIGN_FIELD, assigned_users, change_notice, coverage_notice, is_loud, notice_view
from domain.vocabulary import Status
from handlers.afterwards import afterwards
from handlers.context import desk, team_id
from handlers.guard import Refused, require_editor
from handlers.notices import announce
from handlers.payloads import event_id_of, metadata, state_values, version_of
from services.editing import StaleEdit, change_coverage, delete_event, set_status

OUT_OF_DATE = "This dialog is out of date. Nothing was changed."
STALE = "This event changed since you opened this dialog. Nothing was changed: look at it again first."
GONE = "This event is no longer on the schedule."


def confirm(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    """Cancel or delete, as confirmed in the dialog the menu opened."""
    ctx, user_id, meta = desk(context), body["user"]["id"], metadata(view)
    try:
        require_editor(context, client, user_id)
    except Refused as refusal:
        ack(response_action="update", view=notice_view("Not allowed", refusal.text))
        return
    event_id, version, verb = event_id_of(meta.get("e")), version_of(meta.get("v")), meta.get("do")
    if event_id is None or version is None or verb not in ("cancel", "delete"):
        ack(response_action="update", view=notice_view("Nothing done", OUT_OF_DATE))
        return
    try:
        if verb == "cancel":
            outcome = set_status(
                ctx.engine,
                team_id=team_id(context),
                actor=user_id,
                event_id=event_id,
                version=version,
                status=Status.CANCELLED,
                now=ctx.clock(),
                default_channel=ctx.settings.default_channel,
                on_change=ctx.schedule_changed,
            )
        else:
            outcome = delete_event(
                ctx.engine,
                team_id=team_id(context),
                actor=user_id,
                event_id=event_id,
                version=version,
                now=ctx.clock(),
                default_channel=ctx.settings.default_channel,
                on_change=ctx.schedule_changed,
            )
    except StaleEdit:
        ack(response_action="update", view=notice_view("Nothing done", STALE))
        return
    ack()
    afterwards(
        context,
        announce,
        context,
        client,
        outcome.event,
        change_notice(outcome.event, actor=user_id, action=outcome.action, changes=outcome.changes),
        broadcast=is_loud(outcome.action, outcome.changes),
    )


def assign_coverage(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    """Who covers the event, as chosen in the dialog the Assign… button opened."""
    ctx, user_id, meta = desk(context), body["user"]["id"], metadata(view)
    try:
        require_editor(context, client, user_id)
    except Refused as refusal:
        ack(response_action="errors", errors={ASSIGN_FIELD: refusal.text})
        return
    users = assigned_users(state_values(view))
    if users is None:
        ack(response_action="errors", errors={ASSIGN_FIELD: "Choose people from the list."})
        return
    event_id = event_id_of(meta.get("e"))
    try:
        if event_id is None:
            raise StaleEdit
        outcome = change_coverage(
            ctx.engine,
            team_id=team_id(context),
            actor=user_id,
            event_id=event_id,
            users=users,
            now=ctx.clock(),
            on_change=ctx.schedule_changed,
        )
    except StaleEdit:
        ack(response_action="errors", errors={ASSIGN_FIELD: GONE})
        return
    ack()
    if outcome.added or outcome.removed:
        afterwards(
            context,
            announce,
            context,
            client,
            outcome.event,
            coverage_notice(outcome.event, actor=user_id, added=outcome.added, removed=outcome.removed),
        )
