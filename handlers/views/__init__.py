from slack_bolt import App

from handlers.views import event_dialogs, event_form
from tripdesk.context import AppContext


def register(app: App, ctx: AppContext) -> None:
    event_form.register(app, ctx)
    event_dialogs.register(app, ctx)
