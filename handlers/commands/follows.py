"""`/trip follow <query> [lead]`, `/trip unfollow <query>`, `/trip following`: answered in the
acknowledgement, like the other queries."""

from __future__ import annotations

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.follows import FollowView, followed_message, following_message, unfollowed_message
from blocks.help import notice_message
from domain.commands import Follow, Following, Unfollow
from handlers.context import desk, team_id
from infra.slack_failures import SLACK_FAILURES, slack_error
from services.follows import NothingToFollow, TooManyFollows, follow, following, unfollow

log = logging.getLogger(__name__)


def answer(ack: Ack, command: dict, context: BoltContext, client: WebClient, asked: object) -> None:
    ctx = desk(context)
    user_id, team = command["user_id"], team_id(context)
    match asked:
        case Follow(query, lead_minutes):
            try:
                done = follow(
                    ctx.engine,
                    team_id=team,
                    user_id=user_id,
                    query=query,
                    lead_minutes=lead_minutes,
                    tz=user_zone(client, user_id),
                    fallback_tz=ctx.settings.newsroom_tz.key,
                    now=ctx.clock(),
                    default_channel=ctx.settings.default_channel,
                    on_change=ctx.schedule_changed,
                )
            except NothingToFollow:
                reply = notice_message(
                    "Follow a name, place or keyword of two letters or more: `/trip follow blinken`."
                )
            except TooManyFollows as refused:
                reply = notice_message(
                    f"You already follow {refused.cap} things, the most one person may. "
                    "`/trip following` lists them; `/trip unfollow &lt;query&gt;` makes room."
                )
            else:
                view = FollowView(done.follow.query, done.follow.lead_minutes, done.upcoming, done.next_event)
                reply = followed_message(view, lead_before=done.lead_before)
        case Unfollow(query):
            removed = unfollow(
                ctx.engine,
                team_id=team,
                user_id=user_id,
                query=query,
                now=ctx.clock(),
                default_channel=ctx.settings.default_channel,
                on_change=ctx.schedule_changed,
            )
            reply = unfollowed_message(removed.query if removed else query, removed=removed is not None)
        case Following():
            lines = following(ctx.engine, team_id=team, user_id=user_id, now=ctx.clock())
            reply = following_message(
                [
                    FollowView(line.follow.query, line.follow.lead_minutes, line.upcoming, line.next_event)
                    for line in lines
                ]
            )
        case _:
            raise TypeError(f"not a follow command: {asked!r}")
    ack(response_type="ephemeral", **reply)


def user_zone(client: WebClient, user_id: str) -> str | None:
    """The user's time zone as their Slack profile gives it; None when Slack cannot say."""
    try:
        response = client.users_info(user=user_id)
    except SLACK_FAILURES as error:
        log.warning("users.info failed user=%s error=%s: the newsroom's zone is used", user_id, slack_error(error))
        return None
    tz = (response.get("user") or {}).get("tz")
    return tz if isinstance(tz, str) else None
