"""The App Home tab: the desk's week and how to ask for more."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from blocks.help import usage_blocks
from blocks.listing import listing_blocks
from domain.listing import Listing


def home_view(week: Listing, *, newsroom_tz: ZoneInfo) -> dict:
    return {
        "type": "home",
        "blocks": [
            *listing_blocks(week, newsroom_tz=newsroom_tz, buttons=False),
            {"type": "divider"},
            *usage_blocks(),
        ],
    }
