from slack_bolt import App

from handlers.actions import event_menu, listing
from tripdesk.context import AppContext


def register(app: App, ctx: AppContext) -> None:
    listing.register(app, ctx)
    event_menu.register(app, ctx)
