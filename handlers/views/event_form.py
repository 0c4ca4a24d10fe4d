"""Submitting the add/edit form: field errors under their inputs, or a saved event and a notice."""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks.event_form import CALLBACK_ID, read_form
from blocks.notices import change_notice, is_loud, new_event_notice, saved_view
from domain.event_form import validate
from handlers.slack_helpers import REFUSED, announce, channel_problem, may_edit, state_values
from services.editing import AlreadySaved, StaleEdit, UnknownTrip, load_event, new_uid, save_event
from tripdesk.context import AppContext

log = logging.getLogger(__name__)
STALE = (
    "This event changed since you opened it: someone else saved first."
    " Close this form and choose Edit again to see their changes."
)
GONE = "This event is no longer on the schedule."


def metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def submission_key(view: dict) -> str | None:
    """One form as the user submitted it: Slack changes a view's hash whenever the view changes."""
    view_id, view_hash = view.get("id"), view.get("hash")
    if not isinstance(view_id, str) or not isinstance(view_hash, str):
        return None
    return f"view:{view_id}:{view_hash}"[:255]


def register(app: App, ctx: AppContext) -> None:
    @app.view(CALLBACK_ID)
    def submit(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
        user_id, team_id = body["user"]["id"], context.team_id
        meta = metadata(view)
        event_id, version = meta.get("e"), meta.get("v")
        if not may_edit(ctx, client, user_id):
            ack(response_action="errors", errors={"title": REFUSED})
            return
        original = None
        if event_id is not None:
            original = (
                load_event(ctx.engine, team_id=team_id, event_id=int(event_id)) if str(event_id).isdigit() else None
            )
            if original is None or not isinstance(version, int):
                ack(response_action="errors", errors={"title": GONE})
                return

        result = validate(
            read_form(state_values(view)),
            uid=original.uid if original else new_uid(),
            now=ctx.clock(),
            newsroom_tz=ctx.settings.newsroom_tz,
            default_channel=ctx.settings.default_channel,
            original_start=original.starts_at if original else None,
        )
        errors = dict(result.errors)
        if not errors and result.value.channel_id is not None:
            problem = channel_problem(client, result.value.channel_id)
            if problem:
                errors["channel"] = problem
        if errors:
            ack(response_action="errors", errors=errors)
            return

        channel_id = result.value.channel_id or ctx.settings.default_channel
        try:
            outcome = save_event(
                ctx.engine,
                team_id=team_id,
                actor=user_id,
                form=result.value,
                now=ctx.clock(),
                default_channel=ctx.settings.default_channel,
                event_id=original.id if original else None,
                version=version,
                submission=submission_key(view),
            )
        except AlreadySaved as saved:
            event = load_event(ctx.engine, team_id=team_id, event_id=saved.event_id) if saved.event_id else None
            log.info("form submitted again view=%s event=%s: not saved twice", view.get("id"), saved.event_id)
            ack(
                **(
                    {
                        "response_action": "update",
                        "view": saved_view(event, created=original is None, channel_id=channel_id),
                    }
                    if event
                    else {}
                )
            )
            return
        except StaleEdit:
            ack(response_action="errors", errors={"title": STALE})
            return
        except UnknownTrip:
            ack(
                response_action="errors",
                errors={"trip": "That trip is no longer on the schedule: pick another, or start a new one."},
            )
            return
        event = outcome.event
        ctx.schedule_changed()
        ack(response_action="update", view=saved_view(event, created=original is None, channel_id=channel_id))
        if original is None:
            announce(ctx, client, event, new_event_notice(event, actor=user_id), start_thread=True)
        elif outcome.changes:
            announce(
                ctx,
                client,
                event,
                change_notice(event, actor=user_id, action="changed", changes=outcome.changes),
                broadcast=is_loud("changed", outcome.changes),
            )
