from slack_bolt import App

from handlers.events import app_home
from tripdesk.context import AppContext


def register(app: App, ctx: AppContext) -> None:
    app_home.register(app, ctx)
