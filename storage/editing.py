"""Writing one event from Slack: create, update under a version check, status, deletion,
coverage and the history of all of it. Functions flush; the caller's transaction commits."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from itertools import islice

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from domain.drafts import EventDraft
from domain.snapshot import FieldChange
from storage.bulk import insert_rows
from storage.events import index_terms, schedule_fields, set_participants, trip_id_for
from storage.follows import notify_followers
from storage.models import Coverage, Event, EventChange, NewEvent, Trip, saved_id, table_of

TRIP_CHOICES = 90


def get_event(session: Session, *, team_id: str, event_id: int) -> Event | None:
    event = session.get(Event, event_id)
    if event is None or event.team_id != team_id or event.deleted_at is not None:
        return None
    return event


def claim_version(session: Session, *, team_id: str, event_id: int, version: int) -> bool:
    """Bump the event's version if it is still `version`; False when someone saved in between.

    Issued as the transaction's first statement so that SQLite takes its write lock before
    reading anything, and PostgreSQL locks the row: of two concurrent saves, one wins.
    """
    result = session.exec(
        update(Event)
        .where(
            col(Event.id) == event_id,
            col(Event.team_id) == team_id,
            col(Event.version) == version,
            col(Event.deleted_at).is_(None),
        )
        .values(version=version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def create_event(
    session: Session,
    *,
    team_id: str,
    draft: EventDraft,
    trip_id: int | None,
    actor: str,
    now: datetime,
    channel_id: str | None,
    lead_times: str | None,
    past_record: bool,
    marked_key: bool = False,
) -> Event:
    trip_id = (
        trip_id if trip_id is not None else trip_id_for(session, team_id=team_id, ref=draft.trip, now=now, cache={})
    )
    event = Event(
        team_id=team_id,
        uid=draft.uid,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
        channel_id=channel_id,
        lead_times=lead_times,
        past_record=past_record,
        marked_key=marked_key,
        **schedule_fields(draft, trip_id),
    )
    session.add(event)
    set_participants(event, draft.participants)
    session.flush()
    index_terms(session, event=event, principal=_principal(session, trip_id))
    return event


def update_event(
    session: Session,
    *,
    event: Event,
    draft: EventDraft,
    trip_id: int | None,
    actor: str,
    now: datetime,
    channel_id: str | None,
    lead_times: str | None,
    past_record: bool,
    marked_key: bool = False,
) -> None:
    trip_id = (
        trip_id
        if trip_id is not None
        else trip_id_for(session, team_id=event.team_id, ref=draft.trip, now=now, cache={})
    )
    for name, value in schedule_fields(draft, trip_id).items():
        setattr(event, name, value)
    if [p.name for p in event.participants] != list(draft.participants):
        set_participants(event, draft.participants)
    if channel_id != event.channel_id:
        event.thread_ts = None  # the old thread lives in the old channel
    event.channel_id, event.lead_times, event.past_record = channel_id, lead_times, past_record
    event.marked_key = marked_key
    event.updated_by, event.updated_at = actor, now
    session.flush()
    session.expire(event, ["trip", "version"])
    index_terms(session, event=event, principal=_principal(session, trip_id))


def touch(session: Session, *, event: Event, actor: str, now: datetime) -> None:
    event.updated_by, event.updated_at = actor, now
    session.flush()
    session.expire(event, ["version"])


def set_thread(session: Session, *, event_id: int, ts: str) -> None:
    session.exec(
        update(Event).where(col(Event.id) == event_id).values(thread_ts=ts).execution_options(synchronize_session=False)
    )


def trip_choices(session: Session, *, team_id: str, since: datetime) -> list[Trip]:
    """Trips with a stop still to come (or recent): what a new stop may join."""
    recent = select(Event.trip_id).where(
        col(Event.team_id) == team_id, col(Event.finishes_at) > since, col(Event.trip_id).is_not(None)
    )
    rows = session.exec(
        select(Trip)
        .where(col(Trip.team_id) == team_id, col(Trip.id).in_(recent))
        .order_by(col(Trip.principal), col(Trip.name))
        .limit(TRIP_CHOICES)
    )
    return list(rows)


def get_trip(session: Session, *, team_id: str, trip_id: int) -> Trip | None:
    trip = session.get(Trip, trip_id)
    return trip if trip is not None and trip.team_id == team_id else None


def set_coverage(
    session: Session, *, event: Event, user_ids: Iterable[str], actor: str, now: datetime
) -> tuple[list[str], list[str]]:
    """Make exactly `user_ids` cover the event; returns who was added and who removed."""
    wanted = list(dict.fromkeys(user_ids))
    current = [c.user_id for c in event.coverage]
    added = [u for u in wanted if u not in current]
    removed = [u for u in current if u not in wanted]
    event.coverage = [c for c in event.coverage if c.user_id in wanted] + [
        Coverage(event_id=saved_id(event), user_id=user, assigned_by=actor, assigned_at=now) for user in added
    ]
    session.flush()
    return added, removed


def record(
    session: Session, *, event: Event, actor: str, now: datetime, action: str, changes: Sequence[FieldChange] = ()
) -> None:
    """Write a line of the event's history, and the DMs its followers are owed for it, in the
    caller's transaction: every change of the schedule comes through here or `record_many`."""
    rows = changes or [FieldChange(field=None, old=None, new=None)]
    session.add_all(
        EventChange(
            team_id=event.team_id,
            event_id=saved_id(event),
            actor=actor,
            at=now,
            action=action,
            field=c.field,
            old=c.old,
            new=c.new,
        )
        for c in rows
    )
    session.flush()
    notify_followers(session, entries=[(event, action, changes)], actor=actor, now=now)


def record_many(
    session: Session,
    *,
    entries: Sequence[tuple[Event | NewEvent, str, Sequence[FieldChange]]],
    actor: str,
    now: datetime,
    imported_from: str | None = None,
) -> None:
    """`record` for a batch of (event, action, changes), in a few bulk inserts: an import's.
    `imported_from` names the file or URL the changes came from."""
    rows = (
        {
            "team_id": event.team_id,
            "event_id": event.id,
            "actor": actor,
            "at": now,
            "action": action,
            "field": c.field,
            "old": c.old,
            "new": c.new,
            "imported_from": imported_from,
        }
        for event, action, changes in entries
        for c in changes or [FieldChange(field=None, old=None, new=None)]
    )
    # A few thousand rows at a time: an import's history is never all in memory as rows.
    while batch := list(islice(rows, 5000)):
        insert_rows(session, table_of(EventChange), batch)
    notify_followers(session, entries=entries, actor=actor, now=now)


def history(
    session: Session, *, team_id: str, event_ids: Sequence[int], limit: int, without_fields: Collection[str] = ()
) -> list[tuple[EventChange, Event]]:
    rows = session.exec(
        select(EventChange, Event)
        .join(Event, col(Event.id) == col(EventChange.event_id))
        .where(
            col(EventChange.team_id) == team_id,
            col(EventChange.event_id).in_(list(event_ids)),
            or_(col(EventChange.field).is_(None), col(EventChange.field).not_in(list(without_fields))),
        )
        .order_by(col(EventChange.at).desc(), col(EventChange.id).desc())
        .limit(limit)
    )
    # Each row is one change, and the event's only joined eager load is its trip (one row):
    # nothing for unique() to fold.
    return list(rows)


def _principal(session: Session, trip_id: int | None) -> str | None:
    trip = session.get(Trip, trip_id) if trip_id is not None else None
    return trip.principal if trip else None
