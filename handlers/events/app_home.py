"""The Home tab: each user's dashboard, published each time they open it.

Slack wants the event acknowledged within 3 seconds whatever the dashboard costs to build: it is
built and published after the answer (handlers/afterwards.py)."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext
from slack_sdk import WebClient

from blocks.home import home_view
from handlers.afterwards import afterwards
from handlers.context import desk, team_id
from handlers.guard import may_edit
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.home import open_home

log = logging.getLogger(__name__)


def publish_home(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab") == "home":
        afterwards(context, _publish, event, client, context)


def _publish(event: dict, client: WebClient, context: BoltContext) -> None:
    ctx, user_id = desk(context), event["user"]
    dashboard = open_home(
        ctx.engine,
        team_id=team_id(context),
        user_id=user_id,
        now=ctx.clock(),
        newsroom_tz=ctx.settings.newsroom_tz,
        editor=may_edit(context, client, user_id),
    )
    try:
        client.views_publish(user_id=user_id, view=home_view(dashboard, newsroom_tz=ctx.settings.newsroom_tz))
    except SLACK_FAILURES as error:
        log.error("views.publish failed user=%s error=%s", user_id, slack_error(error))
