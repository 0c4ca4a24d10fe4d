"""The live feed's secret address, and what the feed reads: a workspace's events and a cheap
stamp that changes whenever any of them does."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from domain.vocabulary import Kind, Precision, Status
from storage.events import matching_words
from storage.models import CalendarFeed, Event, Participant, Trip, table_of


@dataclass(frozen=True)
class ScheduleStamp:
    """Changes with every change to a workspace's events: an event added (count), changed
    (its updated_at and version), deleted (deleted events stay as rows and their version is
    bumped) or a trip added. Equal stamps mean the same feed."""

    events: int
    versions: int
    latest: datetime | None
    trips: int

    @property
    def key(self) -> str:
        latest = self.latest.isoformat() if self.latest is not None else "-"
        return f"{self.events}:{self.versions}:{latest}:{self.trips}"


def get_feed(session: Session, *, team_id: str) -> CalendarFeed | None:
    return session.get(CalendarFeed, team_id)


def all_feeds(session: Session) -> list[CalendarFeed]:
    return list(session.exec(select(CalendarFeed)))


def feed_by_selector(session: Session, *, selector: str) -> CalendarFeed | None:
    return session.exec(select(CalendarFeed).where(col(CalendarFeed.selector) == selector)).first()


def create_feed(
    session: Session, *, team_id: str, selector: str, verifier: str, desk: str, actor: str, now: datetime
) -> CalendarFeed:
    """The workspace's feed: this one, or the one another request created first."""
    values = {
        "team_id": team_id,
        "selector": selector,
        "verifier": verifier,
        "desk": desk,
        "created_by": actor,
        "created_at": now,
    }
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(CalendarFeed).values(**values).on_conflict_do_nothing(index_elements=["team_id"]))
    feed = get_feed(session, team_id=team_id)
    assert feed is not None, "the feed was just inserted, or another insert won"
    return feed


def replace_secret(
    session: Session, *, team_id: str, selector: str, verifier: str, desk: str, actor: str, now: datetime
) -> CalendarFeed:
    """A new secret for the workspace's feed (made if it had none): the old one stops working."""
    changed = session.exec(
        update(CalendarFeed)
        .where(col(CalendarFeed.team_id) == team_id)
        .values(selector=selector, verifier=verifier, desk=desk, created_by=actor, created_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount == 0:
        return create_feed(
            session, team_id=team_id, selector=selector, verifier=verifier, desk=desk, actor=actor, now=now
        )
    session.expire_all()
    feed = get_feed(session, team_id=team_id)
    assert feed is not None
    return feed


def schedule_stamp(session: Session, *, team_id: str) -> ScheduleStamp:
    """One aggregate over the workspace's events (deleted included) and one count of its trips."""
    events, versions, latest = session.exec(
        select(func.count(), func.coalesce(func.sum(Event.version), 0), func.max(Event.updated_at)).where(
            col(Event.team_id) == team_id
        )
    ).one()
    trips = session.exec(select(func.count()).select_from(Trip).where(col(Trip.team_id) == team_id)).one()
    return ScheduleStamp(events=int(events), versions=int(versions), latest=latest, trips=int(trips))


@dataclass(frozen=True)
class FeedPerson:
    name: str


@dataclass(frozen=True)
class FeedTrip:
    id: int | None
    principal: str
    name: str


@dataclass(frozen=True)
class FeedEvent:
    """An event as the feed reads it, from plain columns: loading 10,000 ORM rows with their
    relationships costs seconds, these a fraction of one."""

    id: int
    trip: FeedTrip | None
    participants: tuple[FeedPerson, ...]
    uid: str
    title: str
    kind: Kind
    status: Status
    precision: Precision
    starts_at: datetime
    ends_at: datetime | None
    tz: str
    venue: str
    city: str
    country: str
    source_url: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


_IN_CHUNK = 500
# FeedEvent's fields after its id, trip and participants, in order.
_FEED_COLUMNS = (
    "uid",
    "title",
    "kind",
    "status",
    "precision",
    "starts_at",
    "ends_at",
    "tz",
    "venue",
    "city",
    "country",
    "source_url",
    "version",
    "created_at",
    "updated_at",
)


def feed_versions(session: Session, *, team_id: str, words: Sequence[str] = ()) -> list[tuple[int, int, datetime]]:
    """Each event of the feed as (id, version, updated_at), in the feed's order (start, then
    id), deleted ones left out, matching every word of a query as `/trip` searches it: what
    says whether the lines written for an event last time still hold."""
    rows = session.execute(
        sa_select(col(Event.id), col(Event.version), col(Event.updated_at))
        .where(*_feed_conditions(team_id, words))
        .order_by(col(Event.starts_at), col(Event.id))
    )
    return [(event_id, version, updated_at) for event_id, version, updated_at in rows]


def feed_events(session: Session, *, team_id: str, ids: Sequence[int]) -> dict[int, FeedEvent]:
    """The events `ids` of the workspace, by id, read from plain columns: loading 10,000 ORM
    rows with their relationships costs seconds, these a fraction of one."""
    found: dict[int, FeedEvent] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        found.update(_load(session, team_id=team_id, ids=chunk))
    return found


def _feed_conditions(team_id: str, words: Sequence[str]) -> list[ColumnElement[bool]]:
    return [
        col(Event.team_id) == team_id,
        col(Event.deleted_at).is_(None),
        *matching_words(team_id=team_id, words=words),
    ]


def _load(session: Session, *, team_id: str, ids: Sequence[int]) -> dict[int, FeedEvent]:
    events = table_of(Event).c
    conditions = [events.team_id == team_id, events.id.in_(ids)]
    rows = session.execute(
        sa_select(events.id, events.trip_id, *(events[name] for name in _FEED_COLUMNS)).where(*conditions)
    ).all()
    people: dict[int, list[FeedPerson]] = defaultdict(list)
    named = (
        sa_select(col(Participant.event_id), col(Participant.name))
        .where(col(Participant.event_id).in_(ids))
        .order_by(col(Participant.event_id), col(Participant.position))
    )
    for event_id, name in session.execute(named):
        people[event_id].append(FeedPerson(name))
    trip_ids = {row.trip_id for row in rows if row.trip_id is not None}
    trips = (
        {
            trip_id: FeedTrip(trip_id, principal, name)
            for trip_id, principal, name in session.execute(
                sa_select(col(Trip.id), col(Trip.principal), col(Trip.name)).where(col(Trip.id).in_(trip_ids))
            )
        }
        if trip_ids
        else {}
    )
    return {
        # Positional: the columns are selected in the order of FeedEvent's fields.
        row[0]: FeedEvent(
            row[0], trips.get(row[1]) if row[1] is not None else None, tuple(people.get(row[0], ())), *row[2:]
        )
        for row in rows
    }
