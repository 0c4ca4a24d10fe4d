"""The Home tab's buttons: Add event opens the event form (editors only), Draft from a story
opens the story form. Both open their view before acknowledging, as `/trip add` does: the
trigger lasts three seconds, and the Home tab has no conversation in which to say that Slack
failed, so a failure is only logged."""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.drafts import paste_view
from blocks.event_form import event_modal
from blocks.home import notice_view
from handlers.context import desk, team_id
from handlers.guard import Refused, require_editor
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.editing import trip_choices

log = logging.getLogger(__name__)
REFUSAL_TITLE = "Add event"


def add_event(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ctx, user_id = desk(context), body["user"]["id"]
    try:
        require_editor(context, client, user_id)
    except Refused as refusal:
        _open(client, body, notice_view(REFUSAL_TITLE, refusal.text))
        ack()
        return
    view = event_modal(
        event=None,
        trips=trip_choices(ctx.engine, team_id=team_id(context), since=ctx.clock()),
        # From the Home tab there is no channel to start from: the form's channel field decides.
        channel_id=None,
        newsroom_tz=ctx.settings.newsroom_tz,
        metadata={"c": None},
    )
    _open(client, body, view)
    ack()


def draft_story(ack: Ack, body: dict, client: WebClient) -> None:
    # Anyone may read a story into drafts; adding them is for editors, as with `/trip draft`.
    _open(client, body, paste_view(metadata={"c": None}))
    ack()


def _open(client: WebClient, body: dict, view: dict) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SLACK_FAILURES as error:
        log.error("views.open from the Home tab failed user=%s error=%s", body["user"]["id"], slack_error(error))
