"""The live feed's secret address, and what the feed reads: a workspace's events and a cheap
stamp that changes whenever any of them does."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, ScalarSelect, Select, bindparam, func, literal, type_coerce, update
from sqlalchemy import select as sa_select
from sqlalchemy.types import NullType
from sqlmodel import Session, col, select

from domain.vocabulary import Kind, Precision, Status
from storage.db import IN_CHUNK, insert_for
from storage.events import matching_words
from storage.models import CalendarFeed, Event, Participant, ScheduleRevision, Trip, table_of


@dataclass(frozen=True)
class ScheduleStamp:
    """Changes with every change to a workspace's schedule: the revision its triggers keep
    (storage.models.ScheduleRevision), the latest change, which is the feed's Last-Modified,
    and the largest event id. Equal stamps mean the same feed."""

    revision: int
    latest: datetime | None
    # The largest event id of all workspaces: on SQLite, events added do not raise the revision
    # (migration 0010), they raise this.
    newest: int = 0

    @property
    def key(self) -> str:
        latest = self.latest.isoformat() if self.latest is not None else "-"
        return f"{self.revision}:{latest}:{self.newest}"


def get_feed(session: Session, *, team_id: str) -> CalendarFeed | None:
    return session.get(CalendarFeed, team_id)


def all_feeds(session: Session) -> list[CalendarFeed]:
    return list(session.exec(select(CalendarFeed)))


@dataclass(frozen=True)
class OpenedFeed:
    """A feed's row as a request to its address needs it, with where its schedule stands."""

    team_id: str
    verifier: str
    desk: str
    created_at: datetime
    stamp: ScheduleStamp


def feed_by_selector(session: Session, *, selector: str) -> OpenedFeed | None:
    """The feed whose address starts with `selector`, and its schedule's stamp, in one
    statement: three lookups by index, whatever the size of the schedule."""
    connection = session.connection()
    row = connection.execute(_opening(connection.dialect.name), {"selector": selector}).first()
    if row is None:
        return None
    team_id, verifier, desk, created_at, revision, latest, newest = row
    return OpenedFeed(team_id, verifier, desk, created_at, ScheduleStamp(int(revision or 0), latest, int(newest or 0)))


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
    session.execute(
        insert_for(session)(CalendarFeed).values(**values).on_conflict_do_nothing(index_elements=["team_id"])
    )
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


@lru_cache(maxsize=2)
def _opening(dialect: str) -> Select:
    """Built once per database: putting the statement together costs more than running it."""
    feeds = table_of(CalendarFeed).c
    return sa_select(
        feeds.team_id,
        feeds.verifier,
        feeds.desk,
        feeds.created_at,
        _revision(feeds.team_id),
        _latest(feeds.team_id),
        _newest(dialect),
    ).where(feeds.selector == bindparam("selector"))


def schedule_stamp(session: Session, *, team_id: str) -> ScheduleStamp:
    """One statement, two lookups by index: the workspace's revision and its latest change."""
    connection = session.connection()
    revision, latest, newest = connection.execute(
        sa_select(_revision(team_id), _latest(team_id), _newest(connection.dialect.name))
    ).one()
    return ScheduleStamp(revision=int(revision or 0), latest=latest, newest=int(newest or 0))


def _revision(team_id: ColumnElement[str] | str) -> ScalarSelect[int]:
    revisions = table_of(ScheduleRevision).c
    return sa_select(revisions.revision).where(revisions.team_id == team_id).scalar_subquery()


def _newest(dialect: str) -> ColumnElement[int]:
    """SQLite, which has no insert trigger (it made adding events a third slower), sees an added
    event by the end of the primary key; across all workspaces, which on one SQLite file is one
    desk's. PostgreSQL's insert trigger raises the workspace's own revision: reading the global
    largest id there would make every workspace's feed change with any other's new event."""
    if dialect == "postgresql":
        return literal(0)
    return sa_select(func.max(table_of(Event).c.id)).scalar_subquery()


def _latest(team_id: ColumnElement[str] | str) -> ScalarSelect[datetime]:
    # The end of ix_events_team_updated.
    events = table_of(Event).c
    return sa_select(func.max(events.updated_at)).where(events.team_id == team_id).scalar_subquery()


@dataclass(frozen=True)
class FeedPerson:
    name: str


@dataclass(frozen=True)
class FeedTrip:
    id: int | None
    principal: str
    name: str


class FeedEvent(NamedTuple):
    """An event as the feed reads it, from plain columns: loading 10,000 ORM rows with their
    relationships costs seconds, these a fraction of one (and a tuple is made faster than a
    frozen dataclass)."""

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


_KINDS = {kind.value: kind for kind in Kind}
_STATUSES = {status.value: status for status in Status}
_PRECISIONS = {precision.value: precision for precision in Precision}
# FeedEvent's fields after its id, trip and participants, in the order _load reads them.
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


def feed_versions(session: Session, *, team_id: str, words: Sequence[str] = ()) -> list[tuple[int, Hashable]]:
    """Each event of the feed as (id, what says it changed), in the feed's order (start, then
    id), deleted ones left out, matching every word of a query as `/trip` searches it: what
    says whether the lines written for an event last time still hold. The change is the
    version and updated_at as the driver gives them, compared and never read: turning 10,000
    timestamps into datetimes would cost more than the rest of the query."""
    events = table_of(Event).c
    rows = (
        session.connection()
        .execute(
            sa_select(events.id, events.version, type_coerce(events.updated_at, NullType()))
            .where(*_feed_conditions(team_id, words))
            .order_by(events.starts_at, events.id)
        )
        .all()
    )
    return [(event_id, (version, updated_at)) for event_id, version, updated_at in rows]


def feed_events(
    session: Session, *, team_id: str, ids: Sequence[int], words: Sequence[str] = ()
) -> dict[int, FeedEvent]:
    """The events `ids` of the feed of `words`, by id, read as plain values with Core: loading
    10,000 ORM rows with their relationships costs seconds, these a fraction of one. Many ids
    (a feed written from nothing) are read by the feed's own conditions rather than listed."""
    connection = session.connection()
    instant = _instant_reader(connection.dialect.name)
    events, trips = table_of(Event).c, table_of(Trip).c
    if len(ids) <= IN_CHUNK:
        if not ids:
            return {}
        return _load(connection, instant, [events.team_id == team_id, events.id.in_(ids)], None)
    wanted = set(ids)
    loaded = _load(connection, instant, _feed_conditions(team_id, words), trips.team_id == team_id)
    return {event_id: event for event_id, event in loaded.items() if event_id in wanted}


def _feed_conditions(team_id: str, words: Sequence[str]) -> list[ColumnElement[bool]]:
    return [
        col(Event.team_id) == team_id,
        col(Event.deleted_at).is_(None),
        *matching_words(team_id=team_id, words=words),
    ]


def _instant_reader(dialect: str) -> Callable[[Any], datetime]:
    """The driver's value of an instant column as an aware UTC datetime, as UTCDateTime gives
    it, without its per-value dispatch: SQLite gives the naive UTC text it was stored as,
    PostgreSQL an aware datetime. Memoised: an import gives many events one creation time."""
    memo: dict[Any, datetime] = {}

    def from_sqlite(value: Any) -> datetime:
        found = memo.get(value)
        if found is None:
            found = memo[value] = datetime.fromisoformat(value).replace(tzinfo=UTC)
        return found

    def from_postgresql(value: Any) -> datetime:
        found = memo.get(value)
        if found is None:
            found = memo[value] = value.astimezone(UTC)
        return found

    return from_sqlite if dialect == "sqlite" else from_postgresql


def _load(
    connection: Connection,
    instant: Callable[[Any], datetime],
    conditions: list[ColumnElement[bool]],
    which_trips: ColumnElement[bool] | None,
) -> dict[int, FeedEvent]:
    """The events that meet `conditions`, with their participants, and their trips (those that
    meet `which_trips`, or else those of the events read)."""
    events, participants, trips = table_of(Event).c, table_of(Participant).c, table_of(Trip).c
    raw = [type_coerce(events[name], NullType()) for name in _FEED_COLUMNS]
    rows = connection.execute(sa_select(events.id, events.trip_id, *raw).where(*conditions)).all()
    people: dict[int, list[FeedPerson]] = defaultdict(list)
    named = (
        sa_select(participants.event_id, participants.name)
        .join_from(table_of(Participant), table_of(Event), participants.event_id == events.id)
        .where(*conditions)
        .order_by(participants.event_id, participants.position)
    )
    for event_id, name in connection.execute(named).all():
        people[event_id].append(FeedPerson(name))
    if which_trips is None:
        trip_ids = {row[1] for row in rows if row[1] is not None}
        which_trips = trips.id.in_(trip_ids) if trip_ids else None
    by_trip = (
        {
            trip_id: FeedTrip(trip_id, principal, name)
            for trip_id, principal, name in connection.execute(
                sa_select(trips.id, trips.principal, trips.name).where(which_trips)
            )
        }
        if which_trips is not None
        else {}
    )
    return {
        event_id: FeedEvent(
            event_id,
            by_trip.get(trip_id) if trip_id is not None else None,
            tuple(people.get(event_id, ())),
            uid,
            title,
            _KINDS[kind],
            _STATUSES[status],
            _PRECISIONS[precision],
            instant(starts_at),
            instant(ends_at) if ends_at is not None else None,
            tz,
            venue,
            city,
            country,
            source_url,
            version,
            instant(created_at),
            instant(updated_at),
        )
        for (
            event_id,
            trip_id,
            uid,
            title,
            kind,
            status,
            precision,
            starts_at,
            ends_at,
            tz,
            venue,
            city,
            country,
            source_url,
            version,
            created_at,
            updated_at,
        ) in rows
    }
