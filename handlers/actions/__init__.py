"""Buttons and menus in messages."""

import re

from slack_bolt import App

from blocks.drafts import REVIEW_ACTION, UPDATE_ACTION
from blocks.event_card import ASSIGN_ACTION, COVER_ACTION, ITINERARY_ACTION, MENU_ACTION, OPEN_ACTION
from blocks.home import ADD_ACTION, DRAFT_ACTION
from blocks.listing import MORE_ACTION, SHARE_ACTION, SUGGEST_ACTION_PREFIX
from handlers.actions import drafts, event_menu, home, listing


def register(app: App) -> None:
    app.action(SHARE_ACTION)(listing.share)
    app.action(MORE_ACTION)(listing.show)
    app.action(re.compile(f"^{SUGGEST_ACTION_PREFIX}[0-9]+$"))(listing.show)
    app.action(MENU_ACTION)(event_menu.menu)
    app.action(COVER_ACTION)(event_menu.cover)
    app.action(ASSIGN_ACTION)(event_menu.assign)
    app.action(OPEN_ACTION)(event_menu.open_event)
    app.action(ITINERARY_ACTION)(event_menu.itinerary)
    app.action(REVIEW_ACTION)(drafts.review)
    app.action(UPDATE_ACTION)(drafts.update)
    app.action(ADD_ACTION)(home.add_event)
    app.action(DRAFT_ACTION)(home.draft_story)
