"""Follow notices as the bot delivers them, and the DMs the fake Slack received."""

from __future__ import annotations

from jobs.follows import FollowNotifier
from tests.support.schedule import client_for


def notifier_for(engine, fake_slack, clock, *, replica: str | None = None) -> FollowNotifier:
    return FollowNotifier(
        engine=engine, client=client_for(fake_slack), clock=clock, newsroom_tz="Europe/Paris", replica=replica
    )


def dms(fake_slack, user_id: str) -> list[dict]:
    """The messages Slack accepted for `user_id`'s DM with the bot, oldest first."""
    return [call.payload for call in fake_slack.posts(user_id)]
