"""The Home tab shows the desk's week each time someone opens it."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext
from slack_sdk import WebClient

from blocks.home import home_view
from domain.listing import ListingRequest, Mode
from handlers.context import desk, team_id
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.itinerary import build_listing

log = logging.getLogger(__name__)


def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    ctx = desk(context)
    week = build_listing(
        ctx.engine,
        team_id=team_id(context),
        request=ListingRequest(Mode.WEEK),
        now=ctx.clock(),
        newsroom_tz=ctx.settings.newsroom_tz,
    )
    try:
        client.views_publish(user_id=event["user"], view=home_view(week, newsroom_tz=ctx.settings.newsroom_tz))
    except SLACK_FAILURES as error:
        log.error("views.publish failed user=%s error=%s", event["user"], slack_error(error))
