"""The drafting modals submitted: a pasted story, the drafts ("Add selected"), and the
add/edit form opened from one draft (Review, Update that event). Reading the story, notices and
the drafts view updated follow the answer (handlers/afterwards.py)."""

from __future__ import annotations

import logging
from datetime import date

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.drafts import (
    CHANNEL_FIELD,
    PUBLISHED_FIELD,
    STORY_FIELD,
    STORY_MAX,
    added_view,
    draft_block_id,
    read_channel,
    read_paste,
    read_picks,
    reading_view,
)
from blocks.notices import new_event_notice
from domain.records import EventRecord
from domain.stories.review import check_selection
from domain.validation import storable
from handlers.afterwards import afterwards
from handlers.channels import channel_problem
from handlers.context import desk, team_id
from handlers.drafting import drafts_view_for, show_drafts, update_view
from handlers.guard import REFUSED, may_edit
from handlers.notices import announce
from handlers.payloads import metadata, state_values, submission_key
from handlers.views.event_form import save_form
from services.drafting import ORIGIN, add_drafts, load_drafts, mark_done
from services.editing import AlreadySaved, new_uid

log = logging.getLogger(__name__)
GONE = "These drafts are no longer kept. Close this and draft from the story again."
NONE_TICKED = "Tick the drafts to add, or Close."
NO_CHANNEL = "Pick the channel for reminders and change notices."


def read_pasted(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    text, published_text = read_paste(state_values(view))
    text = storable(text, multiline=True)
    errors = {}
    if not text.strip():
        errors[STORY_FIELD] = "Paste the story's text."
    elif len(text) > STORY_MAX:
        errors[STORY_FIELD] = f"At most {STORY_MAX:,} characters; this is {len(text):,}. Paste the top of the story."
    published = None
    try:
        published = date.fromisoformat(published_text) if published_text else None
    except ValueError:
        errors[PUBLISHED_FIELD] = "That is not a date."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    # The paste form turns into "Reading the story…" at once; the drafts replace it when ready.
    ack(response_action="update", view=reading_view())
    afterwards(
        context,
        show_drafts,
        context,
        client,
        view_id=view["id"],
        user_id=body["user"]["id"],
        text=text,
        published=published,
        channel_id=metadata(view).get("c"),
        source_url=None,
    )


def add_selected(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    """Add the ticked drafts, all or none: any draft the form's checks refuse is shown with its
    error and nothing is saved, so that submitting again after a correction is clean."""
    ctx, user_id, team = desk(context), body["user"]["id"], team_id(context)
    values = state_values(view)
    picks = read_picks(values)
    found = load_drafts(ctx.engine, team_id=team, user_id=user_id, set_id=metadata(view).get("d"))
    if not may_edit(context, client, user_id):
        ack(response_action="errors", errors={draft_block_id(picks[0]) if picks else CHANNEL_FIELD: REFUSED})
        return
    if found is None:
        ack(response_action="errors", errors={CHANNEL_FIELD: GONE})
        return
    if any(i in found.outcomes for i in picks):
        # Sent again, or from a view older than the last add: show what is on the schedule now.
        log.info("drafts submitted again view=%s: not added twice", view.get("id"))
        ack(response_action="update", view=drafts_view_for(context, client, user_id=user_id, found=found))
        return
    pending = [i for i in range(len(found.drafts)) if i not in found.outcomes]
    picks = [i for i in picks if i in pending]
    if not picks:
        ack(response_action="errors", errors={draft_block_id(pending[0]) if pending else CHANNEL_FIELD: NONE_TICKED})
        return

    channel = read_channel(values)
    selection = check_selection(
        found.drafts,
        picks,
        new_uid=new_uid,
        channel_id=channel,
        source_url=found.source_url,
        now=ctx.clock(),
        newsroom_tz=ctx.settings.newsroom_tz,
        default_channel=ctx.settings.default_channel,
    )
    errors = {draft_block_id(index): problem for index, problem in selection.errors.items()}
    if selection.no_channel:
        errors[CHANNEL_FIELD] = NO_CHANNEL
    elif channel is not None and not errors and (problem := channel_problem(client, channel)):
        errors[CHANNEL_FIELD] = problem
    if errors:
        ack(response_action="errors", errors=errors)
        return

    try:
        outcomes = add_drafts(
            ctx.engine,
            team_id=team,
            actor=user_id,
            set_id=found.id,
            chosen=selection.chosen,
            now=ctx.clock(),
            default_channel=ctx.settings.default_channel,
            submission=submission_key(view),
            on_change=ctx.schedule_changed,
        )
    except AlreadySaved:
        log.info("drafts submitted again view=%s: not added twice", view.get("id"))
        again = load_drafts(ctx.engine, team_id=team, user_id=user_id, set_id=found.id) or found
        ack(response_action="update", view=drafts_view_for(context, client, user_id=user_id, found=again))
        return
    events = [outcome.event for outcome in outcomes]
    ack(response_action="update", view=added_view(events, channel_id=channel or ctx.settings.default_channel))
    for event in events:
        afterwards(context, announce, context, client, event, new_event_notice(event, actor=user_id), start_thread=True)


def save_reviewed(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    """The add/edit form opened from a draft, saved as the form always is; then the drafts
    underneath say that this one is done."""
    event = save_form(ack, body, view, context, client, origin=ORIGIN)
    if event is not None:
        # After the answer, and after the notice save_form left for then.
        afterwards(context, _mark_reviewed, body, view, context, client, event)


def _mark_reviewed(body: dict, view: dict, context: BoltContext, client: WebClient, event: EventRecord) -> None:
    ctx, user_id, team = desk(context), body["user"]["id"], team_id(context)
    meta = metadata(view)
    mark_done(
        ctx.engine,
        team_id=team,
        user_id=user_id,
        set_id=meta.get("d"),
        index=meta.get("i"),
        title=event.title,
        done="updated" if meta.get("e") is not None else "added",
    )
    found = load_drafts(ctx.engine, team_id=team, user_id=user_id, set_id=meta.get("d"))
    parent = meta.get("p")
    if found is not None and isinstance(parent, str):
        update_view(client, parent, drafts_view_for(context, client, user_id=user_id, found=found))
