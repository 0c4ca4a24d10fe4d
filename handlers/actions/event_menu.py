"""The controls on an event card: the menu (edit, postpone, cancel, delete) and coverage.

A click is acknowledged at once; what it does (a form opened, a change saved and announced, a
reply) follows the answer (handlers/afterwards.py), well within the trigger's 3 seconds."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from blocks.event_card import event_message
from blocks.event_form import event_modal
from blocks.help import notice_message
from blocks.itinerary import itinerary_message
from blocks.notices import assign_modal, change_notice, confirm_modal, coverage_notice, is_loud
from blocks.text import escape
from domain.records import EventRecord
from domain.vocabulary import Status
from handlers.afterwards import afterwards
from handlers.context import desk, team_id
from handlers.guard import GONE, Refused, editable_event, require_event
from handlers.notices import announce
from handlers.payloads import event_id_of
from handlers.replies import open_form, tell
from services.editing import StaleEdit, change_coverage, set_status, trip_choices
from services.itineraries import principal_itinerary

NO_TRIP = "That event no longer belongs to a trip: `/trip itinerary <name>` shows anyone's."


def menu(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    afterwards(context, _menu, action, body, context, client, respond)


def _menu(action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    verb, _, raw_id = action.get("selected_option", {}).get("value", "").partition(":")
    try:
        event = editable_event(context, client, user_id=body["user"]["id"], raw_id=raw_id)
    except Refused as refusal:
        tell(respond, notice_message(refusal.text), replace_original=False)
        return
    if verb == "edit":
        open_form(client, body, _edit_form(context, event), respond)
    elif verb in ("cancel", "delete"):
        open_form(client, body, confirm_modal(event, verb=verb), respond)
    elif verb == "postpone":
        postpone(context, client, respond, event, user_id=body["user"]["id"])


def _edit_form(context: BoltContext, event: EventRecord) -> dict:
    ctx = desk(context)
    return event_modal(
        event=event,
        trips=trip_choices(ctx.engine, team_id=team_id(context), since=ctx.clock()),
        channel_id=event.channel_id,
        newsroom_tz=ctx.settings.newsroom_tz,
        metadata={"e": event.id, "v": event.version},
    )


def postpone(context: BoltContext, client: WebClient, respond: Respond, event: EventRecord, *, user_id: str) -> None:
    ctx = desk(context)
    assert event.id is not None  # read from the database by the guard
    try:
        outcome = set_status(
            ctx.engine,
            team_id=team_id(context),
            actor=user_id,
            event_id=event.id,
            version=event.version,
            status=Status.POSTPONED,
            now=ctx.clock(),
            default_channel=ctx.settings.default_channel,
            on_change=ctx.schedule_changed,
        )
    except StaleEdit:
        tell(respond, notice_message(GONE), replace_original=False)
        return
    tell(
        respond,
        notice_message(f"Postponed: *{escape(event.title)}*. Edit it when the new date is known."),
        replace_original=False,
    )
    announce(
        context,
        client,
        outcome.event,
        change_notice(outcome.event, actor=user_id, action="postponed", changes=outcome.changes),
        broadcast=is_loud("postponed", outcome.changes),
    )


def cover(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    afterwards(context, _cover, action, body, context, client, respond)


def _cover(action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ctx, user_id = desk(context), body["user"]["id"]
    try:
        event_id = event_id_of(action.get("value"))
        if event_id is None:
            raise StaleEdit
        outcome = change_coverage(
            ctx.engine,
            team_id=team_id(context),
            actor=user_id,
            event_id=event_id,
            add=user_id,
            now=ctx.clock(),
            on_change=ctx.schedule_changed,
        )
    except StaleEdit:
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
        context,
        client,
        outcome.event,
        coverage_notice(outcome.event, actor=user_id, added=outcome.added, removed=outcome.removed),
    )


def assign(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    afterwards(context, _assign, action, body, context, client, respond)


def _assign(action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    try:
        event = editable_event(context, client, user_id=body["user"]["id"], raw_id=action.get("value", ""))
    except Refused as refusal:
        tell(respond, notice_message(refusal.text), replace_original=False)
        return
    open_form(client, body, assign_modal(event), respond)


def open_event(ack: Ack, action: dict, context: BoltContext, respond: Respond) -> None:
    """From a reminder: the event's card, with its menu and coverage buttons, for whoever asked."""
    ack()
    afterwards(context, _open_event, action, context, respond)


def _open_event(action: dict, context: BoltContext, respond: Respond) -> None:
    try:
        event = require_event(context, action.get("value", ""))
    except Refused as refusal:
        tell(respond, notice_message(refusal.text), replace_original=False, response_type="ephemeral")
        return
    tell(respond, event_message(event), replace_original=False, response_type="ephemeral")


def itinerary(ack: Ack, action: dict, context: BoltContext, respond: Respond) -> None:
    """A card's Itinerary button: the trip's principal's itinerary, for whoever asked. The
    principal is read from the event now, not from when the card was posted."""
    ack()
    afterwards(context, _itinerary, action, context, respond)


def _itinerary(action: dict, context: BoltContext, respond: Respond) -> None:
    try:
        event = require_event(context, action.get("value", ""))
    except Refused as refusal:
        tell(respond, notice_message(refusal.text), replace_original=False, response_type="ephemeral")
        return
    if event.trip is None:
        tell(respond, notice_message(NO_TRIP), replace_original=False, response_type="ephemeral")
        return
    ctx = desk(context)
    answer = principal_itinerary(ctx.engine, team_id=team_id(context), principal=event.trip.principal, now=ctx.clock())
    tell(respond, itinerary_message(answer), replace_original=False, response_type="ephemeral")
