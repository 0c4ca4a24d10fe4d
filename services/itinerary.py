"""What `/trip` shows: a search, or the desk's agenda, one page at a time.

The rules live here, not in the Slack handlers: upcoming events first; when nothing is to
come, the most recent past ones; when nothing matches at all, names close to the query.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from domain.listing import Listing, ListingOutcome, ListingRequest, Mode
from domain.search import query_words, suggest
from domain.zones import add_days, start_of_day
from storage.db import autocommit
from storage.events import COUNT_CAP, find_events, similar_terms

PAGE_SIZE = 10


def build_listing(
    engine: Engine,
    *,
    team_id: str,
    request: ListingRequest,
    now: datetime,
    newsroom_tz: ZoneInfo,
    user_id: str | None = None,
) -> Listing:
    """`user_id` is whoever asks: "mine" lists the upcoming events they cover."""
    with autocommit(engine) as db:
        listing = _listing(db, team_id=team_id, request=request, now=now, newsroom_tz=newsroom_tz, user_id=user_id)
    return replace(listing, count_cap=COUNT_CAP)


def _listing(
    session: Session,
    *,
    team_id: str,
    request: ListingRequest,
    now: datetime,
    newsroom_tz: ZoneInfo,
    user_id: str | None,
) -> Listing:
    if request.mode is Mode.SEARCH:
        return _search(session, team_id=team_id, request=request, now=now)
    if request.mode in (Mode.NEXT, Mode.MINE):
        covered_by = user_id if request.mode is Mode.MINE else None
        page = find_events(
            session, team_id=team_id, not_over_at=now, covered_by=covered_by, limit=PAGE_SIZE, offset=request.offset
        )
        return Listing(request, ListingOutcome.AGENDA, page.events, page.total)
    first = now.astimezone(newsroom_tz).date()
    last = add_days(first, 0 if request.mode is Mode.TODAY else 6)
    page = find_events(
        session,
        team_id=team_id,
        not_over_at=start_of_day(first, newsroom_tz),
        starts_before=start_of_day(add_days(last, 1), newsroom_tz),
        limit=PAGE_SIZE,
        offset=request.offset,
    )
    return Listing(request, ListingOutcome.AGENDA, page.events, page.total, days=(first, last))


def _search(session: Session, *, team_id: str, request: ListingRequest, now: datetime) -> Listing:
    words = query_words(request.text)
    upcoming = find_events(
        session, team_id=team_id, words=words, not_over_at=now, limit=PAGE_SIZE, offset=request.offset
    )
    if upcoming.total:
        return Listing(request, ListingOutcome.UPCOMING, upcoming.events, upcoming.total)
    past = find_events(
        session, team_id=team_id, words=words, over_by=now, newest_first=True, limit=PAGE_SIZE, offset=request.offset
    )
    if past.total:
        # The most recent ones, read in the order they happened.
        return Listing(request, ListingOutcome.PAST, list(reversed(past.events)), past.total)
    suggestions: list[str] = []
    if words:
        longest = words[0]
        found = suggest(longest, similar_terms(session, team_id=team_id, word=longest))
        # Terms are folded; offered capitalised, they read as the names they come from.
        suggestions = [term.capitalize() for term in found]
    return Listing(request, ListingOutcome.NO_MATCH, [], 0, suggestions=suggestions)
