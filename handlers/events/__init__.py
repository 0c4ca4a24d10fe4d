"""Events API events."""

from slack_bolt import App

from handlers.events.app_home import publish_home


def register(app: App) -> None:
    app.event("app_home_opened")(publish_home)
