"""Slack listeners, grouped by kind. Each package translates between Slack and the domain."""

from slack_bolt import App

from handlers import actions, commands, errors, events, options, replays, views
from tripdesk.context import AppContext


def register(app: App, ctx: AppContext) -> None:
    errors.register(app, ctx)
    replays.register(app, ctx)
    commands.register(app, ctx)
    actions.register(app, ctx)
    views.register(app, ctx)
    options.register(app, ctx)
    events.register(app, ctx)
