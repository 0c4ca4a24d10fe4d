"""What the listeners of drafting from a story share: reading the story into the open modal,
and the drafts view as this user may act on it."""

from __future__ import annotations

import logging
from datetime import date

from slack_bolt import BoltContext
from slack_sdk import WebClient

from blocks.drafts import MAX_SHOWN, STORY_READ_MAX, drafts_view, failed_view
from domain.validation import storable
from handlers.context import desk, team_id
from handlers.errors import failure_text
from handlers.guard import may_edit
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.drafting import DraftSet, read_story, schedule_matches

log = logging.getLogger(__name__)
NO_TEXT = "This message has no text to read. Paste the story with `/trip draft` instead."


def show_drafts(
    context: BoltContext,
    client: WebClient,
    *,
    view_id: str,
    user_id: str,
    text: str,
    published: date | None,
    channel_id: str | None,
    source_url: str | None,
) -> None:
    """Read `text` and put its drafts into the open view `view_id` ("Reading the story…").

    Runs after the acknowledgement: reading takes from a tenth of a second to two (the first
    story after a start loads the language model).
    """
    ctx = desk(context)
    # A message can hold 40,000 characters; the paste form takes 3,000. Both are cleaned and
    # read up to the same length, so a long message cannot hold a listener thread for seconds.
    text = storable(text, multiline=True)[:STORY_READ_MAX]
    if not text.strip():
        update_view(client, view_id, failed_view(NO_TEXT))
        return
    now = ctx.clock()
    try:
        found = read_story(
            ctx.engine,
            team_id=team_id(context),
            user_id=user_id,
            text=text,
            published=published,
            today=now.astimezone(ctx.settings.newsroom_tz).date(),
            now=now,
            channel_id=channel_id,
            source_url=source_url,
        )
    except Exception as error:  # noqa: BLE001 - the modal must not stay on "Reading the story…"
        log.error("story not read user=%s", user_id, exc_info=error)
        update_view(client, view_id, failed_view(failure_text(error)))
        return
    log.info("story read user=%s drafts=%d", user_id, len(found.drafts))
    update_view(client, view_id, drafts_view_for(context, client, user_id=user_id, found=found))


def drafts_view_for(context: BoltContext, client: WebClient, *, user_id: str, found: DraftSet) -> dict:
    ctx = desk(context)
    return drafts_view(
        set_id=found.id,
        reference=found.reference,
        drafts=found.drafts,
        outcomes=found.outcomes,
        matches=schedule_matches(ctx.engine, team_id=team_id(context), drafts=found.drafts[:MAX_SHOWN]),
        channel_id=found.channel_id,
        editor=may_edit(context, client, user_id),
        today=ctx.clock().astimezone(ctx.settings.newsroom_tz).date(),
    )


def update_view(client: WebClient, view_id: str, view: dict) -> bool:
    try:
        client.views_update(view_id=view_id, view=view)
    except SLACK_FAILURES as error:
        # Most often the user closed the modal before the drafts were ready.
        log.warning("views.update failed view=%s error=%s", view_id, slack_error(error))
        return False
    return True
