"""Slash commands."""

from slack_bolt import App

from handlers.commands.trip import trip


def register(app: App) -> None:
    app.command("/trip")(trip)
