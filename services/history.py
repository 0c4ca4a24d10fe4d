"""`/trip history` and `/trip reminders`: what happened to the events matching a query."""

from __future__ import annotations

from sqlalchemy import Engine

from domain.reminders import is_personal
from domain.search import query_words
from domain.snapshot import PRIVATE_FIELDS
from storage.db import session
from storage.editing import history
from storage.events import find_events
from storage.models import Event, EventChange, Reminder
from storage.reminders import reminders_of

MAX_EVENTS = 20
MAX_CHANGES = 40


def event_history(
    engine: Engine, *, team_id: str, query: str, editor: bool
) -> tuple[int, list[tuple[EventChange, Event]]]:
    """How many events match, and their latest changes.

    Editors see deleted events too, and that notes changed; others see neither: a deleted event
    is one they cannot find, as in every other reply.
    """
    with session(engine) as db:
        matching = find_events(
            db, team_id=team_id, words=query_words(query), include_deleted=editor, newest_first=True, limit=MAX_EVENTS
        )
        rows = history(
            db,
            team_id=team_id,
            event_ids=_ids(matching.events),
            limit=MAX_CHANGES,
            without_fields=() if editor else PRIVATE_FIELDS,
        )
    return matching.total, rows


def event_reminders(
    engine: Engine, *, team_id: str, query: str, editor: bool, user_id: str | None = None
) -> tuple[int, list[tuple[Event, list[Reminder]]]]:
    """How many events match, and the reminders of the most recent of them (of deleted events
    too, for editors). Of the personal reminders of followers, only `user_id`'s own: who follows
    what is theirs to know."""
    with session(engine) as db:
        matching = find_events(
            db, team_id=team_id, words=query_words(query), include_deleted=editor, newest_first=True, limit=MAX_EVENTS
        )
        rows = reminders_of(db, event_ids=_ids(matching.events))
    by_event: dict[int | None, tuple[Event, list[Reminder]]] = {e.id: (e, []) for e in reversed(matching.events)}
    for reminder in rows:
        if not is_personal(reminder.channel_id) or reminder.channel_id == user_id:
            by_event[reminder.event_id][1].append(reminder)
    return matching.total, list(by_event.values())


def _ids(events: list[Event]) -> list[int]:
    # Rows read from the database always have their id.
    return [e.id for e in events if e.id is not None]
