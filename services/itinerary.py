"""What `/trip` shows: a search, or the desk's agenda, one page at a time.

The rules live here, not in the Slack handlers: upcoming events first; when nothing is to
come, the most recent past ones; when nothing matches at all, names close to the query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain.commands import MAX_QUERY_LENGTH
from domain.search import query_words, suggest
from domain.zones import start_of_day
from storage.events import find_events, similar_terms
from storage.models import Event

PAGE_SIZE = 10


class Mode(StrEnum):
    SEARCH = "search"
    TODAY = "today"
    WEEK = "week"
    NEXT = "next"
    MINE = "mine"


class ListingOutcome(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"
    AGENDA = "agenda"
    NO_MATCH = "no_match"


@dataclass(frozen=True)
class ListingRequest:
    """Everything needed to show a listing again: carried in the value of its buttons."""

    mode: Mode
    text: str = ""
    offset: int = 0

    def encode(self) -> str:
        return json.dumps({"m": self.mode.value, "q": self.text, "o": self.offset}, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> ListingRequest | None:
        try:
            data = json.loads(value)
            return cls(mode=Mode(data["m"]), text=str(data["q"])[:MAX_QUERY_LENGTH], offset=max(0, int(data["o"])))
        except (ValueError, KeyError, TypeError):
            return None

    def page(self, offset: int) -> ListingRequest:
        return replace(self, offset=offset)


@dataclass(frozen=True)
class Listing:
    request: ListingRequest
    outcome: ListingOutcome
    events: list[Event]
    total: int
    # The newsroom's days the agenda covers, first and last.
    days: tuple[date, date] | None = None
    suggestions: list[str] = field(default_factory=list)

    @property
    def next_offset(self) -> int | None:
        end = self.request.offset + len(self.events)
        return end if end < self.total else None


def build_listing(
    session: Session,
    *,
    team_id: str,
    request: ListingRequest,
    now: datetime,
    newsroom_tz: ZoneInfo,
    user_id: str | None = None,
) -> Listing:
    """`user_id` is whoever asks: "mine" lists the upcoming events they cover."""
    if request.mode is Mode.SEARCH:
        return _search(session, team_id=team_id, request=request, now=now)
    if request.mode in (Mode.NEXT, Mode.MINE):
        covered_by = user_id if request.mode is Mode.MINE else None
        page = find_events(
            session, team_id=team_id, not_over_at=now, covered_by=covered_by, limit=PAGE_SIZE, offset=request.offset
        )
        return Listing(request, ListingOutcome.AGENDA, page.events, page.total)
    first = now.astimezone(newsroom_tz).date()
    last = first + timedelta(days=0 if request.mode is Mode.TODAY else 6)
    page = find_events(
        session,
        team_id=team_id,
        not_over_at=start_of_day(first, newsroom_tz),
        starts_before=start_of_day(last + timedelta(days=1), newsroom_tz),
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
