"""The buttons of the drafts modal: Review a draft, or update the event it matches, in the
add/edit form pushed over the drafts (after the acknowledgement: handlers/afterwards.py)."""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.drafts import REVIEW_CALLBACK, form_fields, prefilled
from blocks.event_form import event_modal
from domain.numbers import parse_count
from domain.records import EventRecord
from domain.stories.review import form_values, merged_values
from handlers.afterwards import afterwards
from handlers.context import desk, team_id
from handlers.guard import may_edit
from handlers.payloads import metadata
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.drafting import DraftSet, load_drafts, schedule_matches
from services.editing import trip_choices

log = logging.getLogger(__name__)


def review(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    """The add form, filled in from the draft."""
    ack()
    afterwards(context, _review, action, body, context, client)


def _review(action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    picked = _draft(context, client, action, body)
    if picked is None:
        return
    found, index = picked
    form = _form(context, event=None, channel_id=found.channel_id)
    values = form_fields(form_values(found.drafts[index], channel_id=found.channel_id, source_url=found.source_url))
    meta = {"c": found.channel_id, "d": found.id, "i": index, "p": body["view"]["id"]}
    _push(client, body, prefilled(form, values, callback_id=REVIEW_CALLBACK, metadata=meta))


def update(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    """The scheduled event's edit form, with what the story adds to it."""
    ack()
    afterwards(context, _update, action, body, context, client)


def _update(action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    picked = _draft(context, client, action, body)
    if picked is None:
        return
    found, index = picked
    (match,) = schedule_matches(desk(context).engine, team_id=team_id(context), drafts=[found.drafts[index]])
    if match is None:
        log.info("draft %s of set %s no longer matches an event", index, found.id)
        return
    event = match.event
    form = _form(context, event=event, channel_id=event.channel_id)
    meta = {"e": event.id, "v": event.version, "d": found.id, "i": index, "p": body["view"]["id"]}
    _push(client, body, prefilled(form, merged_values(match.adds), callback_id=REVIEW_CALLBACK, metadata=meta))


def _draft(context: BoltContext, client: WebClient, action: dict, body: dict) -> tuple[DraftSet, int] | None:
    user_id = body["user"]["id"]
    value = str(action.get("value", ""))
    found = load_drafts(
        desk(context).engine,
        team_id=team_id(context),
        user_id=user_id,
        set_id=metadata(body.get("view") or {}).get("d"),
    )
    index = parse_count(value)
    if found is None or index is None or index >= len(found.drafts):
        log.info("draft button for drafts no longer kept user=%s", user_id)
        return None
    if not may_edit(context, client, user_id):  # the buttons are only shown to editors
        return None
    return found, index


def _form(context: BoltContext, *, event: EventRecord | None, channel_id: str | None) -> dict:
    ctx = desk(context)
    return event_modal(
        event=event,
        trips=trip_choices(ctx.engine, team_id=team_id(context), since=ctx.clock()),
        channel_id=channel_id,
        newsroom_tz=ctx.settings.newsroom_tz,
        metadata={},
    )


def _push(client: WebClient, body: dict, view: dict) -> None:
    try:
        client.views_push(trigger_id=body["trigger_id"], view=view)
    except SLACK_FAILURES as error:
        log.error("views.push failed user=%s error=%s", body["user"]["id"], slack_error(error))
