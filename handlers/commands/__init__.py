from slack_bolt import App

from handlers.commands import trip
from tripdesk.context import AppContext


def register(app: App, ctx: AppContext) -> None:
    trip.register(app, ctx)
