"""`/trip history`: the changes of the events matching a query, newest first."""

from __future__ import annotations

from sqlmodel import Session

from domain.search import query_words
from storage.editing import history
from storage.events import find_events
from storage.models import Event, EventChange, Reminder
from storage.reminders import reminders_of

MAX_EVENTS = 20
MAX_CHANGES = 40


def event_history(session: Session, *, team_id: str, query: str) -> tuple[int, list[tuple[EventChange, Event]]]:
    """How many events match (deleted ones included), and their latest changes."""
    matching = find_events(
        session, team_id=team_id, words=query_words(query), include_deleted=True, newest_first=True, limit=MAX_EVENTS
    )
    rows = history(session, team_id=team_id, event_ids=[e.id for e in matching.events], limit=MAX_CHANGES)
    return matching.total, rows


def event_reminders(session: Session, *, team_id: str, query: str) -> tuple[int, list[tuple[Event, list[Reminder]]]]:
    """How many events match, and the reminders of the most recent of them."""
    matching = find_events(
        session, team_id=team_id, words=query_words(query), include_deleted=True, newest_first=True, limit=MAX_EVENTS
    )
    rows = reminders_of(session, event_ids=[e.id for e in matching.events])
    by_event = {e.id: (e, []) for e in reversed(matching.events)}
    for reminder in rows:
        by_event[reminder.event_id][1].append(reminder)
    return matching.total, list(by_event.values())
