"""Submitting the add/edit form: field errors under their inputs, or a saved event and a notice
(posted after the answer: handlers/afterwards.py)."""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.event_form import clash_warning_view, read_form, save_anyway, shown_clashes
from blocks.notices import change_notice, is_loud, new_event_notice, saved_view
from domain.event_form import validate
from domain.records import EventRecord
from domain.snapshot import public_changes
from handlers.afterwards import afterwards
from handlers.channels import channel_problem
from handlers.context import desk, team_id
from handlers.guard import Refused, require_editor, require_event
from handlers.notices import announce
from handlers.payloads import metadata, state_values, submission_key, version_of
from services.editing import AlreadySaved, Clashing, StaleEdit, UnknownTrip, load_event, new_uid, save_event

log = logging.getLogger(__name__)
STALE = (
    "This event changed since you opened it: someone else saved first."
    " Close this form and choose Edit again to see their changes."
)
GONE = "This event is no longer on the schedule."
TRIP_GONE = "That trip is no longer on the schedule: pick another, or start a new one."


def submit(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    save_form(ack, body, view, context, client)


def save_form(
    ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient, *, origin: str | None = None
) -> EventRecord | None:
    """Check and save the submitted form, answering Slack; the event saved, or None when the
    form was refused or had been saved before. `origin` goes into the event's history."""
    ctx, user_id = desk(context), body["user"]["id"]
    meta = metadata(view)
    event_id, version = meta.get("e"), version_of(meta.get("v"))
    original: EventRecord | None = None
    try:
        require_editor(context, client, user_id)
        if event_id is not None:
            original = require_event(context, event_id, gone=GONE)
            if version is None:
                raise Refused(GONE)
    except Refused as refusal:
        ack(response_action="errors", errors={"title": refusal.text})
        return None

    result = validate(
        read_form(state_values(view)),
        uid=original.uid if original else new_uid(),
        now=ctx.clock(),
        newsroom_tz=ctx.settings.newsroom_tz,
        default_channel=ctx.settings.default_channel,
        original_start=original.starts_at if original else None,
    )
    errors = dict(result.errors)
    form = result.value
    if not errors and form is not None and form.channel_id is not None:
        problem = channel_problem(client, form.channel_id)
        if problem:
            errors["channel"] = problem
    if errors or form is None:
        ack(response_action="errors", errors=errors)
        return None

    channel_id = form.channel_id or ctx.settings.default_channel
    try:
        outcome = save_event(
            ctx.engine,
            team_id=team_id(context),
            actor=user_id,
            form=form,
            now=ctx.clock(),
            default_channel=ctx.settings.default_channel,
            event_id=original.id if original else None,
            version=version,
            submission=submission_key(view),
            origin=origin,
            # "Save anyway" accepts the clashes the warning showed, no other: a time or place
            # changed as well may make new ones, and the editor is warned of those.
            warn_clashes=True,
            accepted_clashes=shown_clashes(meta) if save_anyway(state_values(view)) else frozenset(),
            on_change=ctx.schedule_changed,
        )
    except Clashing as clashing:
        # Nothing was saved: the form again, as typed, with the clash and a box to save anyway.
        ack(response_action="update", view=clash_warning_view(view, clashing.clashes, event_id=clashing.event_id))
        return None
    except AlreadySaved as saved:
        event = load_event(ctx.engine, team_id=team_id(context), event_id=saved.event_id) if saved.event_id else None
        log.info("form submitted again view=%s event=%s: not saved twice", view.get("id"), saved.event_id)
        if event is None:
            ack()
        else:
            ack(response_action="update", view=saved_view(event, created=original is None, channel_id=channel_id))
        return None
    except StaleEdit:
        ack(response_action="errors", errors={"title": STALE})
        return None
    except UnknownTrip:
        ack(response_action="errors", errors={"trip": TRIP_GONE})
        return None
    event = outcome.event
    ack(response_action="update", view=saved_view(event, created=original is None, channel_id=channel_id))
    if original is None:
        afterwards(context, announce, context, client, event, new_event_notice(event, actor=user_id), start_thread=True)
    elif public_changes(outcome.changes):  # a change of the notes alone is not announced
        afterwards(
            context,
            announce,
            context,
            client,
            event,
            change_notice(event, actor=user_id, action="changed", changes=outcome.changes),
            broadcast=is_loud("changed", outcome.changes),
        )
    return event
