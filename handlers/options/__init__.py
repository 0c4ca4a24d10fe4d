"""Options for external selects, as the user types."""

from slack_bolt import App

from handlers.options.time_zones import time_zones


def register(app: App) -> None:
    app.options("tz")(time_zones)
