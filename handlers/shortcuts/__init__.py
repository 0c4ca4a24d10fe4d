"""Shortcuts: actions on a message, from its ⋯ menu."""

from slack_bolt import App

from handlers.shortcuts import draft_story


def register(app: App) -> None:
    app.shortcut(draft_story.CALLBACK_ID)(draft_story.draft_from_message)
