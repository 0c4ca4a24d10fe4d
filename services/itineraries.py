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
    one_person,
    people_matching,
)
from domain.search import fold, query_words, suggest, words
from storage.db import session
from storage.events import Page, find_events, similar_terms
from storage.home import principals_named
from storage.models import Event

# Events read for one itinerary, in start order: a principal's next months. Past it, the
# itinerary says it stops early.
ITINERARY_ROWS = 200
# Principals read for one follow: those of the trips with events to come that match its words.
PRINCIPALS_NAMED = 20
# Which events a search reads: those to come, or those over (newest first).
_UPCOMING, _PAST = "upcoming", "past"


def person_itinerary(engine: Engine, *, team_id: str, query: str, now: datetime) -> PersonItinerary[Event]:
    """`/trip itinerary <query>`: the person the query names."""
    with session(engine) as db:
        return _person_itinerary(db, team_id=team_id, query=query, now=now)


def principal_itinerary(engine: Engine, *, team_id: str, principal: str, now: datetime) -> PersonItinerary[Event]:
    """A card's Itinerary button: a trip's principal, whose whole name is known."""
    with session(engine) as db:
        return _principal_itinerary(db, team_id=team_id, principal=principal, now=now)


def _person_itinerary(db: Session, *, team_id: str, query: str, now: datetime) -> PersonItinerary[Event]:
    wanted = query_words(query)
    for when in (_UPCOMING, _PAST):
        found = _search(db, team_id=team_id, terms=wanted, now=now, when=when)
        people = people_matching(wanted, found.events)
        if people:
            person = exact_person(query, people)
            if person is None:
                return PersonItinerary(query=query, found=Found.SEVERAL, people=tuple(people))
            return _answer(query, person, found, when)
    suggestions: list[str] = []
    if wanted:
        similar = suggest(wanted[0], similar_terms(db, team_id=team_id, word=wanted[0]))
        suggestions = [term.capitalize() for term in similar]
    return PersonItinerary(query=query, found=Found.NO_ONE, suggestions=tuple(suggestions))


def _principal_itinerary(
    db: Session, *, team_id: str, principal: str, now: datetime, past: bool = True
) -> PersonItinerary[Event]:
    """Searched by the surname alone, as `/trip itinerary blinken` is, and kept when about
    `principal`: an event that names them "Blinken" is theirs too. `past`: when nothing is to
    come, look for the most recent trip."""
    surname = words(principal)[-1:]
    for when in (_UPCOMING, _PAST) if past else (_UPCOMING,):
        found = _search(db, team_id=team_id, terms=surname, now=now, when=when)
        if any(concerns(e, principal) for e in found.events):
            return _answer(principal, principal, found, when)
    return PersonItinerary(query=principal, found=Found.NO_ONE)


def _search(db: Session, *, team_id: str, terms: list[str], now: datetime, when: str) -> Page:
    if when == _UPCOMING:
        return find_events(db, team_id=team_id, words=terms, not_over_at=now, limit=ITINERARY_ROWS)
    return find_events(db, team_id=team_id, words=terms, over_by=now, newest_first=True, limit=ITINERARY_ROWS)


def _answer(query: str, person: str, found: Page, when: str) -> PersonItinerary[Event]:
    """The itinerary of `person` among the events `found`: all of those to come, or their most
    recent trip."""
    theirs = [e for e in found.events if concerns(e, person)]
    if when == _UPCOMING:
        return PersonItinerary(
            query=query,
            found=Found.UPCOMING,
            person=person,
            itinerary=build_itinerary(theirs),
            cut_short=found.total > len(found.events),
        )
    # Their most recent trip, as far as it was read, rather than a counterpart's event after
    # it; without any trip, their last event alone.
    latest = next((e for e in theirs if e.trip is not None and concerns_as_principal(e, person)), theirs[0])
    shown = [e for e in theirs if e.trip_id == latest.trip_id] if latest.trip is not None else [latest]
    return PersonItinerary(
        query=query,
        found=Found.PAST,
        person=person,
        itinerary=build_itinerary(shown),
        trip=latest.trip.name if latest.trip is not None else "",
    )


def followed_itineraries(
    engine: Engine, *, team_id: str, queries: list[str], now: datetime, limit: int
) -> list[tuple[str, PersonItinerary[Event]]]:
    """For the Home tab: the upcoming itineraries of the trips' principals that the user's
    follows (`queries`, in their order) name, each principal once, at most `limit`, as pairs of
    the follow's query and the itinerary.

    A follow names the principal of a trip with something to come whose name has all its words
    (a principal spelled two ways, "Biden" and "Joe Biden", is one person: the fuller spelling);
    one that names several, or none, gives none. At most `limit` itineraries are searched, so
    a long list of follows costs no more than `limit` searches and one short read each."""
    found: list[tuple[str, PersonItinerary[Event]]] = []
    with session(engine) as db:
        seen: set[str] = set()
        for query in queries:
            if len(seen) >= limit:
                break
            wanted = query_words(query)
            named = principals_named(db, team_id=team_id, words=wanted, not_over_at=now, limit=PRINCIPALS_NAMED)
            person = one_person([p for p in named if name_matches(wanted, p)])
            if person is None or fold(person) in seen:
                continue
            seen.add(fold(person))
            answer = _principal_itinerary(db, team_id=team_id, principal=person, now=now, past=False)
            if answer.found is Found.UPCOMING and answer.itinerary is not None and answer.itinerary.legs:
                found.append((query, answer))
    return found
