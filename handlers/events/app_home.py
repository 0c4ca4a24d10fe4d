"""The Home tab shows the desk's week each time someone opens it."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from blocks.home import home_view
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.itinerary import ListingRequest, Mode, build_listing
from tripdesk.context import AppContext

log = logging.getLogger(__name__)


def register(app: App, ctx: AppContext) -> None:
    @app.event("app_home_opened")
    def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
        if event.get("tab") != "home":
            return
        with ctx.session() as session:
            week = build_listing(
                session,
                team_id=context.team_id,
                request=ListingRequest(Mode.WEEK),
                now=ctx.clock(),
                newsroom_tz=ctx.settings.newsroom_tz,
            )
            view = home_view(week, newsroom_tz=ctx.settings.newsroom_tz)
        try:
            client.views_publish(user_id=event["user"], view=view)
        except SLACK_FAILURES as error:
            log.error("views.publish failed user=%s error=%s", event["user"], slack_error(error))
