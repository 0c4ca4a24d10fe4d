"""How listeners answer the user after the acknowledgement: a reply through the response_url,
a form opened, a `/trip` listing."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from blocks.help import notice_message
from blocks.listing import listing_message
from blocks.text import escape
from domain.listing import ListingRequest
from handlers.context import desk, team_id
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.itinerary import build_listing

log = logging.getLogger(__name__)
UNAVAILABLE = "The schedule is unavailable right now. Try again in a moment."


def tell(respond: Respond, message: dict, **options: Any) -> bool:
    """Reply through the interaction's response_url, after the acknowledgement. False, logged,
    when Slack did not take the reply: the user saw the ack, and nothing more can reach them."""
    try:
        response = respond(**options, **message)
    except OSError as error:
        log.error("reply not delivered: %s", slack_error(error))
        return False
    if response.status_code != 200:
        log.error("reply not delivered: response_url answered HTTP %s", response.status_code)
        return False
    return True


def open_form(client: WebClient, body: dict, view: dict, respond: Respond) -> None:
    """Open `view` for the user who pressed a button; if Slack fails, say so under the message."""
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


def listing_reply(context: BoltContext, *, user_id: str, request: ListingRequest, shared_by: str | None = None) -> dict:
    """The `/trip` reply for `request`, shared in the channel by `shared_by` when given."""
    ctx = desk(context)
    listing = build_listing(
        ctx.engine,
        team_id=team_id(context),
        request=request,
        now=ctx.clock(),
        newsroom_tz=ctx.settings.newsroom_tz,
        user_id=user_id,
    )
    return listing_message(listing, newsroom_tz=ctx.settings.newsroom_tz, shared_by=shared_by)
