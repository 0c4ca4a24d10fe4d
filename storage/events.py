"""Reading and writing events. Every function takes a session and keyword arguments, and is
scoped to one workspace by `team_id`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, insert, tuple_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from domain.drafts import MAX_SPAN, EventDraft, TripRef
from domain.feed import changes, draft_values, dumps, event_values, loads, merge, values_draft
from domain.progress import SILENT, Progress
from domain.search import prefix_upper_bound, terms
from domain.snapshot import FieldChange
from domain.vocabulary import Status
from domain.zones import earlier
from storage.bulk import insert_numbered, insert_rows
from storage.db import IN_CHUNK, insert_for
from storage.models import Coverage, Event, EventTerm, NewEvent, Participant, Trip, saved_id, table_of

COUNT_CAP = 1000


@dataclass(frozen=True)
class Page:
    events: list[Event]
    total: int


class ChangedMeanwhile(Exception):
    """An event changed in TripDesk while the import was merging it: the import must start over."""


@dataclass(frozen=True)
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Events where the feed changed a field an editor had changed too, and the editor's value stayed.
    kept: int = 0
    # The events created or updated, for what must follow a change (their reminders).
    touched: tuple[Event | NewEvent, ...] = ()
    # For the history: each event created ("created") or updated ("changed"), and what changed.
    history: tuple[tuple[Event | NewEvent, str, tuple[FieldChange, ...]], ...] = ()
    # UIDs a subscribed feed sent that belong to an event it does not own: left alone.
    foreign: tuple[str, ...] = ()


def find_events(
    session: Session,
    *,
    team_id: str,
    words: Sequence[str] = (),
    not_over_at: datetime | None = None,
    over_by: datetime | None = None,
    starts_before: datetime | None = None,
    newest_first: bool = False,
    covered_by: str | None = None,
    include_deleted: bool = False,
    limit: int = 10,
    offset: int = 0,
) -> Page:
    """Events of the workspace matching every word as a term prefix, in start order.

    `not_over_at`: still going on or to come at that instant (the upcoming list);
    `over_by`: already over then (the past list); `starts_before` closes a window;
    `covered_by`: a user covers them. Deleted events are left out unless `include_deleted`.
    """
    values: dict[str, object] = {"team_id": team_id, "limit": limit, "offset": offset}
    for n, word in enumerate(words):
        values[f"word_{n}"], values[f"word_{n}_end"] = word, prefix_upper_bound(word)
    one_term = False
    if words:
        # The first and last terms the first word starts: none, nothing matches; one (the usual
        # case, a whole word), the terms of that word are read in start order from the index.
        first, last = session.exec(_word_bounds(), params=values).one()  # type: ignore[call-overload]
        if first is None:
            return Page(events=[], total=0)
        if first == last:
            one_term, values["term_0"] = True, first
    count, page = _find_statements(
        len(words),
        one_term=one_term,
        include_deleted=include_deleted,
        covered=covered_by is not None,
        not_over=not_over_at is not None,
        over=over_by is not None,
        window=starts_before is not None,
        newest_first=newest_first,
    )
    if covered_by is not None:
        values["covered_by"] = covered_by
    if not_over_at is not None:
        values["not_over_at"], values["started_after"] = not_over_at, earlier(not_over_at, MAX_SPAN)
    if over_by is not None:
        values["over_by"] = over_by
    if starts_before is not None:
        values["starts_before"] = starts_before
    total = session.exec(count, params=values).one()  # type: ignore[call-overload]
    if not total or COUNT_CAP >= total <= offset:
        # Nothing on this page (the count is exact up to COUNT_CAP): the page query would read
        # the same rows again for nothing.
        return Page(events=[], total=total)
    rows = session.exec(page, params=values)  # type: ignore[call-overload]
    return Page(events=list(rows.unique()), total=total)


@cache
def _word_bounds() -> Select:
    terms = table_of(EventTerm)
    in_word = (
        terms.c.team_id == bindparam("team_id"),
        terms.c.term >= bindparam("word_0"),
        terms.c.term < bindparam("word_0_end"),
    )
    # The first and the last in index order, each one seek: PostgreSQL planned min() and max()
    # as reading the whole range when its statistics expected few rows.
    return select(
        select(terms.c.term).where(*in_word).order_by(terms.c.term.asc()).limit(1).scalar_subquery(),
        select(terms.c.term).where(*in_word).order_by(terms.c.term.desc()).limit(1).scalar_subquery(),
    )


@cache
def _find_statements(
    words: int,
    *,
    one_term: bool = False,
    include_deleted: bool,
    covered: bool,
    not_over: bool,
    over: bool,
    window: bool,
    newest_first: bool,
) -> tuple[Select, Select]:
    """The count and the page of `find_events`, built once for each shape of search, with the
    values as bound parameters: building a statement and its cache key cost more than running
    it on a small schedule, and `/trip` runs up to four for each request."""
    if words:
        return _term_statements(
            words,
            one_term=one_term,
            include_deleted=include_deleted,
            covered=covered,
            not_over=not_over,
            over=over,
            window=window,
            newest_first=newest_first,
        )
    conditions: list[ColumnElement[bool]] = [col(Event.team_id) == bindparam("team_id")]
    if not include_deleted:
        conditions.append(col(Event.deleted_at).is_(None))
    if covered:
        conditions.append(col(Event.id).in_(_covered()))
    if not_over:
        conditions += [
            col(Event.finishes_at) > bindparam("not_over_at"),
            col(Event.starts_at) > bindparam("started_after"),
        ]
    if over:
        conditions.append(col(Event.finishes_at) <= bindparam("over_by"))
    if window:
        conditions.append(col(Event.starts_at) < bindparam("starts_before"))

    # Counting stops past COUNT_CAP: "1,000+" is as useful to a reader as the exact figure.
    counted = select(Event.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
    count = select(func.count()).select_from(counted)
    starts_at, event_id = col(Event.starts_at), col(Event.id)
    order = (starts_at.desc(), event_id.desc()) if newest_first else (starts_at.asc(), event_id.asc())
    page = select(Event).where(*conditions).order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))
    return count, page


def _term_statements(
    words: int,
    *,
    one_term: bool,
    include_deleted: bool,
    covered: bool,
    not_over: bool,
    over: bool,
    window: bool,
    newest_first: bool,
) -> tuple[Select, Select]:
    """A search with words, answered from the terms of its first (longest) word, which carry
    their event's times: the count and the page's ids come from the terms' index
    (team, term, start, event, finish, deletion) without reading the events, and only the
    page's events are read.

    `one_term`: the word starts one term only (`term_0`); its entries are then in start order
    and one per event, so that the page is the index's first rows from the window's start and
    the count stops at its cap. Otherwise the word's range is read and each event taken once:
    it may have several terms starting with the word ("paris", "parisian")."""
    matched = table_of(EventTerm).alias("matched")
    conditions: list[ColumnElement[bool]] = [matched.c.team_id == bindparam("team_id")]
    if one_term:
        conditions.append(matched.c.term == bindparam("term_0"))
    else:
        conditions += [matched.c.term >= bindparam("word_0"), matched.c.term < bindparam("word_0_end")]
    if not include_deleted:
        conditions.append(matched.c.deleted_at.is_(None))
    if not_over:
        conditions += [
            matched.c.finishes_at > bindparam("not_over_at"),
            matched.c.starts_at > bindparam("started_after"),
        ]
    if over:
        # An event starts before it finishes: the second condition is implied by the first, and
        # lets the index start there.
        conditions += [
            matched.c.finishes_at <= bindparam("over_by"),
            matched.c.starts_at <= bindparam("over_by"),
        ]
    if window:
        conditions.append(matched.c.starts_at < bindparam("starts_before"))
    for n in range(1, words):
        # Checked for each event the first word found (EXISTS, through the index on
        # (event, term)): the planner must not start from a common word's events instead.
        other = table_of(EventTerm).alias(f"word_{n}")
        conditions.append(
            select(other.c.term)
            .where(
                other.c.event_id == matched.c.event_id,
                other.c.term >= bindparam(f"word_{n}"),
                other.c.term < bindparam(f"word_{n}_end"),
            )
            .exists()
        )
    if covered:
        conditions.append(matched.c.event_id.in_(_covered()))

    counted = select(matched.c.event_id).where(*conditions)
    counted = counted if one_term else counted.distinct()
    count = select(func.count()).select_from(counted.limit(COUNT_CAP + 1).subquery())
    starts_at, event_id = matched.c.starts_at, matched.c.event_id
    order = (starts_at.desc(), event_id.desc()) if newest_first else (starts_at.asc(), event_id.asc())
    in_window = select(starts_at, event_id).where(*conditions)
    ids = (
        (in_window if one_term else in_window.distinct())
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    in_order = (
        (col(Event.starts_at).desc(), col(Event.id).desc())
        if newest_first
        else (col(Event.starts_at).asc(), col(Event.id).asc())
    )
    page = select(Event).where(col(Event.id).in_(select(ids.c.event_id))).order_by(*in_order)
    return count, page


def _covered() -> Select:
    return select(Coverage.event_id).where(Coverage.user_id == bindparam("covered_by"))


def matching_words(*, team_id: str, words: Sequence[str]) -> list[ColumnElement[bool]]:
    """The conditions of a search: every word is the start of one of the event's terms."""
    conditions: list[ColumnElement[bool]] = []
    for word in words:
        matching = select(EventTerm.event_id).where(
            col(EventTerm.team_id) == team_id,
            col(EventTerm.term) >= word,
            col(EventTerm.term) < prefix_upper_bound(word),
        )
        conditions.append(col(Event.id).in_(matching))
    return conditions


def similar_terms(session: Session, *, team_id: str, word: str) -> list[str]:
    """Indexed words of the workspace that could be `word` mistyped: same first letter, similar
    length.

    The distinct words are walked through the terms index one at a time (each step the smallest
    word after the last one), so the cost follows how many different words start with that
    letter, not how many events use them: reading every term of the letter and keeping the
    distinct ones took 0.2 s on PostgreSQL at 100,000 events."""
    first = word[:1]
    values = {
        "team_id": team_id,
        "first": first,
        "after_first": prefix_upper_bound(first),
        "shortest": len(word) - 2,
        "longest": len(word) + 2,
    }
    return list(session.exec(_similar_terms_statement(), params=values))  # type: ignore[call-overload]


@cache
def _similar_terms_statement() -> Select:
    terms = table_of(EventTerm)
    in_letter = (terms.c.team_id == bindparam("team_id"), terms.c.term < bindparam("after_first"))
    start = select(func.min(terms.c.term).label("term")).where(*in_letter, terms.c.term >= bindparam("first"))
    walk = start.cte("words", recursive=True)
    following = select(func.min(terms.c.term)).where(*in_letter, terms.c.term > walk.c.term).scalar_subquery()
    walk = walk.union_all(select(following).where(walk.c.term.is_not(None)))
    return select(walk.c.term).where(
        walk.c.term.is_not(None), func.length(walk.c.term).between(bindparam("shortest"), bindparam("longest"))
    )


def upsert_drafts(
    session: Session,
    *,
    team_id: str,
    drafts: Sequence[EventDraft],
    actor: str,
    now: datetime,
    feed_id: int | None = None,
    progress: Progress = SILENT,
) -> UpsertCounts:
    """Create or update events by UID, taking from each draft only what the feed changed since
    its last import and no editor changed in TripDesk (`domain.feed.merge`). An event that
    takes a change gets a new version, so that a form opened before sees it changed; unchanged
    events are left alone, timestamps included. `feed_id`: the subscribed feed the drafts come
    from, which every one of their events then belongs to. A feed owns the events it created,
    and may adopt an imported event nobody owns (a file imported before subscribing); it never
    touches an event made in TripDesk or another feed's, whatever UID it sends: a UID is
    public (every event's is in the live feed), so anyone who can publish a calendar the desk
    follows could otherwise rewrite or, by dropping it, cancel the desk's own events.

    Commits nothing: the caller's transaction makes the whole batch all or nothing. `progress`
    is told of the drafts done.
    """
    trips: dict[TripRef, int] = {}
    unchanged = kept = looked = 0
    fresh: list[tuple[EventDraft, int | None]] = []
    updated: list[tuple[Event, EventDraft, tuple[FieldChange, ...]]] = []
    foreign: list[str] = []
    existing: dict[str, Event] = {}
    for index, draft in enumerate(drafts):
        if index % _BULK == 0:
            # The events already stored are read a chunk of drafts at a time: those left
            # unchanged are let go (the session holds them weakly), so that importing a year of
            # events again does not hold them all.
            chunk = drafts[index : index + _BULK]
            existing = _events_by_uid(session, team_id=team_id, uids=[d.uid for d in chunk])
        event = existing.get(draft.uid)
        if event is not None:
            # The new ones are told of as they are inserted.
            looked += 1
            if looked % _BULK == 0:
                progress.advance(_BULK)
        if event is not None and feed_id is not None and not _may_take(event, feed_id):
            foreign.append(draft.uid)
            continue
        if event is None:
            trip_id = trip_id_for(session, team_id=team_id, ref=draft.trip, now=now, cache=trips)
            fresh.append((draft, trip_id))
            continue
        said = draft_values(draft)
        local = event_values(event)
        outcome = merge(local=local, last=loads(event.feed_values), new=said)
        kept += bool(outcome.kept)
        if event.feed_values != (said_text := dumps(said)):
            event.feed_values = said_text
        if feed_id is not None and event.feed_id != feed_id:
            event.feed_id = feed_id
        if not outcome.taken:
            unchanged += 1
            continue
        merged = values_draft(draft.uid, outcome.values)
        trip_id = trip_id_for(session, team_id=team_id, ref=merged.trip, now=now, cache=trips)
        for name, value in schedule_fields(merged, trip_id).items():
            setattr(event, name, value)
        if [p.name for p in event.participants] != list(merged.participants):
            set_participants(event, merged.participants)
        event.updated_by, event.updated_at = actor, now
        updated.append((event, merged, tuple(changes(local, outcome.values, outcome.taken))))
    progress.advance(looked % _BULK)
    created = _insert_new(
        session, team_id=team_id, fresh=fresh, actor=actor, now=now, feed_id=feed_id, progress=progress
    )
    # One flush for the events updated: their statements go out together.
    session.flush()
    if updated:
        _new_versions(session, [event for event, _draft, _changes in updated])
        stale = [event.id for event, _draft, _changes in updated]
        for start in range(0, len(stale), IN_CHUNK):
            session.exec(delete(EventTerm).where(col(EventTerm.event_id).in_(stale[start : start + IN_CHUNK])))
        rows = [
            row
            for event, draft, _changes in updated
            for row in term_rows(event, principal=draft.trip.principal if draft.trip else None)
        ]
        _insert_rows(session, EventTerm, rows)
    return UpsertCounts(
        created=len(created),
        updated=len(updated),
        unchanged=unchanged,
        kept=kept,
        touched=(*created, *(event for event, _draft, _changes in updated)),
        history=(
            *((event, "created", ()) for event in created),
            *((event, "changed", found) for event, _draft, found in updated),
        ),
        foreign=tuple(foreign),
    )


# Rows a bulk statement sends at once: a few thousand, so that a year of events is never all in
# memory as rows, and the statements stay far below SQLite's and PostgreSQL's parameter limits.
_BULK = 2000


def _insert_new(
    session: Session,
    *,
    team_id: str,
    fresh: list[tuple[EventDraft, int | None]],
    actor: str,
    now: datetime,
    feed_id: int | None,
    progress: Progress,
) -> list[NewEvent]:
    """Insert the events of `fresh` (draft, trip id), with their
    participants and search terms, in bulk statements: an ORM object per event would cost more
    than everything else an import does. The events are numbered in the order of `fresh`."""
    events_table = table_of(Event)
    created: list[NewEvent] = []
    for start in range(0, len(fresh), _BULK):
        chunk = fresh[start : start + _BULK]
        rows = [
            {
                "team_id": team_id,
                "uid": draft.uid,
                "created_by": actor,
                "created_at": now,
                "updated_by": actor,
                "updated_at": now,
                "version": 1,
                "channel_id": None,
                "thread_ts": None,
                "lead_times": None,
                "past_record": False,
                "deleted_at": None,
                # What the feed said, as the next import compares with (domain.feed).
                "feed_values": dumps(draft_values(draft)),
                "feed_id": feed_id,
                **schedule_fields(draft, trip_id),
            }
            for draft, trip_id in chunk
        ]
        ids = insert_numbered(session, events_table, rows)
        del rows
        participants: list[dict] = []
        terms_rows: list[dict] = []
        for (draft, _trip_id), event_id in zip(chunk, ids, strict=True):
            created.append(
                NewEvent(
                    id=event_id,
                    team_id=team_id,
                    uid=draft.uid,
                    kind=draft.kind,
                    status=draft.status,
                    precision=draft.precision,
                    starts_at=draft.starts_at,
                    finishes_at=draft.finishes_at,
                )
            )
            participants += (
                {"event_id": event_id, "position": i, "name": name} for i, name in enumerate(draft.participants)
            )
            terms_rows += _term_rows(
                team_id,
                event_id,
                (draft.starts_at, draft.finishes_at, None),
                draft.title,
                draft.city,
                draft.country,
                draft.venue,
                draft.notes,
                *draft.participants,
                draft.trip.principal if draft.trip else None,
            )
        _insert_rows(session, Participant, participants)
        _insert_rows(session, EventTerm, terms_rows)
        progress.advance(len(chunk))
    return created


def _insert_rows(session: Session, model: type, rows: list[dict]) -> None:
    table = table_of(model)
    for start in range(0, len(rows), 5000):
        insert_rows(session, table, rows[start : start + 5000])


def _may_take(event: Event, feed_id: int) -> bool:
    if event.feed_id is not None:
        return event.feed_id == feed_id
    return event.feed_values is not None


@dataclass(frozen=True)
class Removal:
    # Events cancelled because their feed no longer has them, with the status change of each.
    cancelled: tuple[tuple[Event, FieldChange], ...] = ()
    # Events gone from the feed whose status an editor had changed: the editor's value stayed.
    kept: int = 0


def cancel_missing(
    session: Session,
    *,
    team_id: str,
    feed_id: int,
    listed: Callable[[str], bool],
    covers: tuple[datetime, datetime],
    after: datetime,
    actor: str,
    now: datetime,
) -> Removal:
    """Cancel the events of feed `feed_id` that it no longer has (`listed` says no for their UID),
    starting after `after` and within `covers` (the first and last instants of the feed's
    events): a past event, or one outside what the feed now spans, is never cancelled by its
    absence. Never deleted: the event stays, cancelled, for those who planned around it.

    The absence counts as the feed saying "cancelled", under the import rule: an event whose
    status an editor changed keeps it; the others take it, with a new version. Each event's
    record of what the feed says becomes "cancelled", so that a later sync that finds the
    event again takes the feed's status back. Commits nothing.
    """
    first, last = covers
    rows = session.exec(
        select(Event).where(
            col(Event.team_id) == team_id,
            col(Event.feed_id) == feed_id,
            col(Event.deleted_at).is_(None),
            col(Event.starts_at) > after,
            col(Event.starts_at) >= first,
            col(Event.starts_at) <= last,
        )
    )
    cancelled: list[tuple[Event, FieldChange]] = []
    kept = 0
    for event in rows.unique():
        if listed(event.uid):
            continue
        local = event_values(event)
        last_said = loads(event.feed_values)
        said = {**local, **(last_said or {}), "status": Status.CANCELLED.value}
        outcome = merge(local=local, last=last_said, new=said)
        if event.feed_values != (said_text := dumps(said)):
            event.feed_values = said_text
        if "status" in outcome.taken:
            event.status = Status.CANCELLED
            event.updated_by, event.updated_at = actor, now
            (change,) = changes(local, outcome.values, ["status"])
            cancelled.append((event, change))
        kept += bool(outcome.kept)
    session.flush()
    _new_versions(session, [event for event, _change in cancelled])
    return Removal(tuple(cancelled), kept)


def _new_versions(session: Session, events: list[Event]) -> None:
    """Bump the versions of `events` if they are still the ones read, else raise
    `ChangedMeanwhile`: the values merged were read before this transaction wrote anything, and
    an editor may have saved in between. From this statement on, the rows stay locked until the
    import commits (PostgreSQL's row locks, SQLite's one writer), so no save can slip in later."""
    for start in range(0, len(events), IN_CHUNK):
        chunk = events[start : start + IN_CHUNK]
        result = session.exec(
            update(Event)
            .where(tuple_(col(Event.id), col(Event.version)).in_([(event.id, event.version) for event in chunk]))
            .values(version=col(Event.version) + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != len(chunk):
            raise ChangedMeanwhile
        for event in chunk:
            set_committed_value(event, "version", event.version + 1)


def schedule_fields(draft: EventDraft, trip_id: int | None) -> dict:
    return {
        "title": draft.title,
        "kind": draft.kind,
        "status": draft.status,
        "precision": draft.precision,
        "starts_at": draft.starts_at,
        "ends_at": draft.ends_at,
        "finishes_at": draft.finishes_at,
        "tz": draft.tz,
        "city": draft.city,
        "country": draft.country,
        "venue": draft.venue,
        "trip_id": trip_id,
        "source_url": draft.source_url,
        "notes": draft.notes,
    }


def set_participants(event: Event, names: Iterable[str]) -> None:
    event.participants = [Participant(position=i, name=name) for i, name in enumerate(names)]


def index_terms(session: Session, *, event: Event, principal: str | None) -> None:
    session.exec(delete(EventTerm).where(col(EventTerm.event_id) == event.id))
    session.exec(insert(table_of(EventTerm)), params=term_rows(event, principal=principal))


def term_rows(event: Event, *, principal: str | None) -> list[dict]:
    return _term_rows(
        event.team_id,
        saved_id(event),
        (event.starts_at, event.finishes_at, event.deleted_at),
        event.title,
        event.city,
        event.country,
        event.venue,
        event.notes,
        *(p.name for p in event.participants),
        # The principal, not the trip's name: "/trip paris" should not list the Brussels stops
        # of a trip called "Paris and Brussels".
        principal,
    )


def _term_rows(
    team_id: str, event_id: int, times: tuple[datetime, datetime, datetime | None], *texts: str | None
) -> list[dict]:
    """The terms of one event's texts, each with the event's start, finish and deletion (`times`)."""
    starts_at, finishes_at, deleted_at = times
    return [
        {
            "team_id": team_id,
            "term": term,
            "event_id": event_id,
            "starts_at": starts_at,
            "finishes_at": finishes_at,
            "deleted_at": deleted_at,
        }
        for term in sorted(terms(*texts))
    ]


def _events_by_uid(session: Session, *, team_id: str, uids: list[str]) -> dict[str, Event]:
    found: dict[str, Event] = {}
    for start in range(0, len(uids), IN_CHUNK):
        chunk = uids[start : start + IN_CHUNK]
        rows = session.exec(select(Event).where(col(Event.team_id) == team_id, col(Event.uid).in_(chunk)))
        found.update((event.uid, event) for event in rows.unique())
    return found


def trip_id_for(
    session: Session, *, team_id: str, ref: TripRef | None, now: datetime, cache: dict[TripRef, int]
) -> int | None:
    if ref is None:
        return None
    if ref not in cache:
        # Insert first, skipping a trip that exists, then read it back: two editors creating the
        # same trip at once both get the one row. A read first would let both decide to insert
        # and fail the second on the unique constraint (PostgreSQL) or on its stale snapshot
        # (SQLite); an insert first also waits for the other's transaction instead.
        values = {"team_id": team_id, "principal": ref.principal, "name": ref.name, "created_at": now}
        session.execute(_insert_skipping_existing(session, Trip, values, ("team_id", "principal", "name")))
        trip = session.exec(
            select(Trip).where(Trip.team_id == team_id, Trip.principal == ref.principal, Trip.name == ref.name)
        ).one()
        cache[ref] = saved_id(trip)
    return cache[ref]


def _insert_skipping_existing(session: Session, model: type, values: dict, unique: Sequence[str]):
    return insert_for(session)(model).values(**values).on_conflict_do_nothing(index_elements=list(unique))
