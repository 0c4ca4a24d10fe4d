"""Whose itinerary, and what is in it: `/trip itinerary <who>`, a card's Itinerary button and
the Home tab's itineraries of followed principals.

The events are found as `/trip <query>` finds them (every word the start of one of an event's
terms: the index does the work), then kept when they are about the one person the query names:
their trips' events, and the events they are named at. A query that names several people is
answered with their names rather than with their trips mixed together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from domain.itinerary import (
    Found,
    PersonItinerary,
    build_itinerary,
    concerns,
    concerns_as_principal,
    exact_person,
    name_matches,
    people_matching,
)
from domain.search import query_words, suggest
from storage.db import session
from storage.events import find_events, similar_terms
from storage.home import trip_principals
from storage.models import Event

# Events read for one itinerary, in start order: a principal's next months. Past it, the
# itinerary says it stops early.
ITINERARY_ROWS = 200
# Trips' principals read to see which of a user's follows name one.
PRINCIPAL_ROWS = 2000


def person_itinerary(engine: Engine, *, team_id: str, query: str, now: datetime) -> PersonItinerary[Event]:
    with session(engine) as db:
        return _person_itinerary(db, team_id=team_id, query=query, now=now)


def _person_itinerary(
    db: Session, *, team_id: str, query: str, now: datetime, past: bool = True
) -> PersonItinerary[Event]:
    """`past`: when nothing is to come, look for the most recent trip (and for names close to
    the query when no one matches)."""
    words = query_words(query)
    upcoming = find_events(db, team_id=team_id, words=words, not_over_at=now, limit=ITINERARY_ROWS)
    people = people_matching(words, upcoming.events)
    if people:
        person = exact_person(query, people)
        if person is None:
            return PersonItinerary(query=query, found=Found.SEVERAL, people=tuple(people))
        events = [e for e in upcoming.events if concerns(e, person)]
        return PersonItinerary(
            query=query,
            found=Found.UPCOMING,
            person=person,
            itinerary=build_itinerary(events),
            cut_short=upcoming.total > len(upcoming.events),
        )
    if not past:
        return PersonItinerary(query=query, found=Found.NO_ONE)
    earlier = find_events(db, team_id=team_id, words=words, over_by=now, newest_first=True, limit=ITINERARY_ROWS)
    people = people_matching(words, earlier.events)
    if people:
        person = exact_person(query, people)
        if person is None:
            return PersonItinerary(query=query, found=Found.SEVERAL, people=tuple(people))
        theirs = [e for e in earlier.events if concerns(e, person)]
        # Their most recent trip, as far as it was read, rather than a counterpart's event
        # after it; without any trip, their last event alone.
        latest = next((e for e in theirs if e.trip is not None and concerns_as_principal(e, person)), theirs[0])
        shown = [e for e in theirs if e.trip_id == latest.trip_id] if latest.trip is not None else [latest]
        return PersonItinerary(
            query=query,
            found=Found.PAST,
            person=person,
            itinerary=build_itinerary(shown),
            trip=latest.trip.name if latest.trip is not None else "",
        )
    suggestions: list[str] = []
    if words:
        found = suggest(words[0], similar_terms(db, team_id=team_id, word=words[0]))
        suggestions = [term.capitalize() for term in found]
    return PersonItinerary(query=query, found=Found.NO_ONE, suggestions=tuple(suggestions))


def followed_itineraries(
    engine: Engine, *, team_id: str, queries: list[str], now: datetime, limit: int
) -> list[tuple[str, PersonItinerary[Event]]]:
    """For the Home tab: the upcoming itineraries of the trips' principals that the user's
    follows (`queries`, in their order) name, each principal once, at most `limit`, as pairs of
    the follow's query and the itinerary. A follow that names no principal, or several, or one
    with nothing to come, gives none."""
    found: list[tuple[str, PersonItinerary[Event]]] = []
    with session(engine) as db:
        principals = trip_principals(db, team_id=team_id, limit=PRINCIPAL_ROWS)
        seen: set[str] = set()
        for query in queries:
            if len(found) >= limit:
                break
            words = query_words(query)
            named = [p for p in principals if name_matches(words, p)]
            if len(named) != 1 or named[0] in seen:
                continue
            seen.add(named[0])
            answer = _person_itinerary(db, team_id=team_id, query=named[0], now=now, past=False)
            if answer.found is Found.UPCOMING and answer.itinerary is not None and answer.itinerary.legs:
                found.append((query, answer))
    return found
