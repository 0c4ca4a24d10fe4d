"""Replies shared by the command and the buttons that re-run it."""

from __future__ import annotations

from blocks.listing import listing_message
from services.itinerary import ListingRequest, build_listing
from tripdesk.context import AppContext

UNAVAILABLE = "The schedule is unavailable right now. Try again in a moment."


def listing_reply(
    ctx: AppContext, *, team_id: str, user_id: str, request: ListingRequest, shared_by: str | None = None
) -> dict:
    with ctx.session() as session:
        listing = build_listing(
            session,
            team_id=team_id,
            request=request,
            now=ctx.clock(),
            newsroom_tz=ctx.settings.newsroom_tz,
            user_id=user_id,
        )
        return listing_message(listing, newsroom_tz=ctx.settings.newsroom_tz, shared_by=shared_by)
