"""Clashes between events of one person (domain/travel.py), kept in `event_clashes`.

`refresh_clashes` rewrites the clashes of the events just saved, in the saving transaction:
one query finds the events of the same people around them through the search terms (each
person's longest folded word, a range of `event_terms`' key bounded by MAX_SPAN), a second reads their
participants; the rule then runs in memory on each person's events near each saved one. An
import goes through the same two queries a group of GROUP events at a time, in start order.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlmodel import Session, col

from domain.drafts import MAX_SPAN
from domain.places import coordinates
from domain.search import words
from domain.travel import REACH, PersonClash, Whereabouts, clash, detail, people, place_of
from domain.vocabulary import Status
from domain.zones import earlier, elapsed, later
from storage.db import in_chunks, insert_for
from storage.models import Event, EventClash, EventTerm, Participant, Trip, table_of

_UNTOLD = {"noticed_at": None, "claimed_until": None, "claimed_by": None, "attempts": 0}
# Events that are not happening at their time.
_ABSENT = (Status.CANCELLED, Status.POSTPONED)


@dataclass(frozen=True)
class _Seen:
    where: Whereabouts
    named: dict[str, str]


# Events judged together: a large import goes a group at a time, in start order, so that only a
# group and the events around it are in memory (all 100,000 of an import at once took 135 MB).
GROUP = 5_000


def find_clashes(session: Session, *, team_id: str, event_ids: Sequence[int], group: int = GROUP) -> list[PersonClash]:
    """The clashes of these events with any other event of the same people (none for an event
    deleted, cancelled or postponed), each pair once; judged `group` events at a time."""
    if len(event_ids) <= group:
        return _find_among(session, team_id=team_id, event_ids=event_ids)
    starts = [
        (row.starts_at, row.id)
        for chunk in in_chunks(event_ids)
        for row in session.execute(select(col(Event.id), col(Event.starts_at)).where(col(Event.id).in_(chunk)))
    ]
    ordered = [event_id for _start, event_id in sorted(starts)]
    found: dict[tuple[int, int], PersonClash] = {}
    for n in range(0, len(ordered), group):
        for one in _find_among(session, team_id=team_id, event_ids=ordered[n : n + group]):
            found.setdefault(one.pair, one)
    return list(found.values())


def _find_among(session: Session, *, team_id: str, event_ids: Sequence[int]) -> list[PersonClash]:
    subjects = [
        seen
        for chunk in in_chunks(event_ids)
        for seen in _read(session, team_id=team_id, condition=col(Event.id).in_(chunk))
    ]
    if not subjects:
        return []
    names = {key for s in subjects for key in s.named}
    keys = sorted({max(words(name), key=len) for name in names if words(name)})
    low = min(earlier(s.where.starts_at, REACH) for s in subjects)
    high = max(later(s.where.window[1], REACH) for s in subjects)
    if not keys:
        return []
    # A range on the terms' key (team, term, start): no event lasts more than MAX_SPAN, so one
    # that started earlier than that before the window is over by then. The terms carry their
    # event's finish and deletion too, so the years of a person's past stay in the index, and
    # the ids come from it alone.
    terms = select(col(EventTerm.event_id)).where(
        col(EventTerm.team_id) == team_id,
        col(EventTerm.term).in_(keys),
        col(EventTerm.starts_at) < high,
        col(EventTerm.starts_at) > earlier(low, MAX_SPAN),
        col(EventTerm.finishes_at) > low,
        col(EventTerm.deleted_at).is_(None),
    )
    # The saved events are among them (an import's batch is most of them): read only the others.
    known = {s.where.id: s for s in subjects}
    ids = dict.fromkeys(session.execute(terms).scalars())
    others = [event_id for event_id in ids if event_id not in known]
    nearby = [known[event_id] for event_id in ids if event_id in known] + [
        seen
        for chunk in in_chunks(others)
        # The terms are the workspace's own: the events they name are too.
        for seen in _read(session, team_id=None, condition=col(Event.id).in_(chunk))
    ]
    # Each person's events by place, and in a place by start: two events at one place never
    # clash, so an event is compared only with the person's events elsewhere.
    by_person: dict[str, dict[tuple[str, str], list[_Seen]]] = {}
    for seen in nearby:
        if not seen.where.city.strip():
            continue  # no place: never a clash
        place = place_of(seen.where)
        for key in seen.named:
            if key in names:
                by_person.setdefault(key, {}).setdefault(place, []).append(seen)
    timeline = {
        key: {place: _Timeline.of(events) for place, events in places.items()} for key, places in by_person.items()
    }
    found: dict[tuple[int, int], PersonClash] = {}
    # A pair is judged once, whichever of its shared people led to it.
    checked: set[tuple[int, int]] = set()
    for subject in subjects:
        if not subject.where.city.strip():
            continue
        here = place_of(subject.where)
        low_start, high_start = earlier(subject.where.starts_at, REACH), later(subject.where.window[1], REACH)
        for key in subject.named:
            for place, line in timeline.get(key, {}).items():
                if place == here:
                    continue
                for other in line.around(low_start, high_start):
                    a, b = subject.where.id, other.where.id
                    pair = (a, b) if a < b else (b, a)
                    if a == b or pair in checked:
                        continue
                    checked.add(pair)
                    verdict = clash(subject.where, other.where)
                    if verdict is not None:
                        shared = [subject.named[k] for k in subject.named if k in other.named]
                        found[pair] = PersonClash(verdict, tuple(shared))
    return list(found.values())


class _Timeline:
    """One person's events at one place, by start; the long ones (known to the month, or
    lasting days) apart, so that one of them does not widen every look back by its length."""

    def __init__(self, short: list[_Seen], long: list[_Seen], short_reach: timedelta, long_reach: timedelta) -> None:
        self.short, self.long = short, long
        self.short_starts = [s.where.starts_at for s in short]
        self.long_starts = [s.where.starts_at for s in long]
        self.short_reach, self.long_reach = short_reach, long_reach

    @classmethod
    def of(cls, events: list[_Seen]) -> _Timeline:
        events.sort(key=lambda s: s.where.starts_at)
        short: list[_Seen] = []
        long: list[_Seen] = []
        reach = {True: timedelta(0), False: timedelta(0)}
        for seen in events:
            length = elapsed(seen.where.starts_at, seen.where.finishes_at)
            is_short = length <= REACH
            (short if is_short else long).append(seen)
            reach[is_short] = max(reach[is_short], length)
        return cls(short, long, reach[True], reach[False])

    def around(self, low: datetime, high: datetime) -> Iterable[_Seen]:
        """The events that start before `high` and may still be under way at `low`."""
        for events, starts, reach in (
            (self.short, self.short_starts, self.short_reach),
            (self.long, self.long_starts, self.long_reach),
        ):
            if events:
                yield from events[bisect.bisect_left(starts, earlier(low, reach)) : bisect.bisect_right(starts, high)]


def refresh_clashes(
    session: Session, *, team_id: str, event_ids: Sequence[int], noticed_at: datetime | None = None
) -> list[PersonClash]:
    """Rewrite the clashes of these events (after they were saved, in the same transaction) and
    return the ones that are new: pairs that did not clash before. `noticed_at`: the new ones
    were told already (an editor saw them in the form)."""
    if not event_ids:
        return []
    found = find_clashes(session, team_id=team_id, event_ids=event_ids)
    # Each pair's notice state carries over to its new rows. Read by the delete itself: a
    # claim or post committed while this waited for the rows' locks is kept (PostgreSQL).
    clashes = table_of(EventClash)
    before: dict[tuple[int, int], dict] = {}
    for chunk in in_chunks(event_ids):
        touching = or_(clashes.c.event_id.in_(chunk), clashes.c.other_id.in_(chunk))
        removed = session.execute(
            delete(clashes)
            .where(touching)
            .returning(
                clashes.c.event_id,
                clashes.c.other_id,
                clashes.c.noticed_at,
                clashes.c.claimed_until,
                clashes.c.claimed_by,
                clashes.c.attempts,
            )
        )
        for row in removed:
            key = (min(row.event_id, row.other_id), max(row.event_id, row.other_id))
            if row.event_id < row.other_id:
                before[key] = {
                    "noticed_at": row.noticed_at,
                    "claimed_until": row.claimed_until,
                    "claimed_by": row.claimed_by,
                    "attempts": row.attempts,
                }
            else:
                before.setdefault(key, _UNTOLD)
    rows = []
    for one in found:
        low, high = one.pair
        state = before[one.pair] if one.pair in before else {**_UNTOLD, "noticed_at": noticed_at}
        for event_id, other_id in ((low, high), (high, low)):
            rows.append(
                {
                    "event_id": event_id,
                    "other_id": other_id,
                    "team_id": team_id,
                    "kind": one.clash.kind.value,
                    "other_title": (one.clash.first if other_id == one.clash.first.id else one.clash.second).title,
                    "detail": detail(one.clash, for_id=event_id)[:200],
                    "distance_km": round(one.clash.distance_km) if one.clash.distance_km is not None else None,
                    "people": ", ".join(one.people)[:200],
                    **(state if event_id == low else _UNTOLD),
                }
            )
    if rows:
        # Another transaction rewriting a clash of the same pair may have written it first.
        session.execute(insert_for(session)(table_of(EventClash)).on_conflict_do_nothing(), rows)
    return [one for one in found if one.pair not in before]


def claim_notice(
    session: Session, *, pair: tuple[int, int], now: datetime, lease_until: datetime, replica: str
) -> bool:
    """Whether this replica is the one to post the clash of `pair` now: not told, and not held
    by another replica's lease nor waiting to be tried again after a failure."""
    low, high = sorted(pair)
    clashes = table_of(EventClash)
    result = session.execute(
        update(clashes)
        .where(
            clashes.c.event_id == low,
            clashes.c.other_id == high,
            clashes.c.noticed_at.is_(None),
            or_(clashes.c.claimed_until.is_(None), clashes.c.claimed_until <= now),
        )
        .values(claimed_until=lease_until, claimed_by=replica)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_told(session: Session, *, pairs: Sequence[tuple[int, int]], now: datetime, replica: str) -> None:
    """These clashes were posted by `replica`: told, never again."""
    clashes = table_of(EventClash)
    for low, high in (sorted(pair) for pair in pairs):
        session.execute(
            update(clashes)
            .where(clashes.c.event_id == low, clashes.c.other_id == high, clashes.c.claimed_by == replica)
            .values(noticed_at=now, claimed_until=None, claimed_by=None)
        )


def _read(session: Session, *, team_id: str | None, condition) -> list[_Seen]:
    if team_id is not None:
        condition = and_(col(Event.team_id) == team_id, condition)
    statement = (
        select(
            col(Event.id),
            col(Event.title),
            col(Event.starts_at),
            col(Event.finishes_at),
            col(Event.ends_at),
            col(Event.precision),
            col(Event.tz),
            col(Event.city),
            col(Event.country),
            col(Trip.principal),
        )
        .outerjoin(Trip, col(Trip.id) == col(Event.trip_id))
        # Only events that take place: deleted, cancelled and postponed ones never clash.
        .where(condition, col(Event.deleted_at).is_(None), col(Event.status).not_in(_ABSENT))
    )
    rows = list(session.execute(statement))
    names: dict[int, list[str]] = {}
    for chunk in in_chunks([row.id for row in rows]):
        query = (
            select(col(Participant.event_id), col(Participant.name))
            .where(col(Participant.event_id).in_(chunk))
            .order_by(col(Participant.event_id), col(Participant.position))
        )
        for event_id, name in session.execute(query):
            names.setdefault(event_id, []).append(name)
    return [
        _Seen(
            Whereabouts(
                id=row.id,
                title=row.title,
                starts_at=row.starts_at,
                finishes_at=row.finishes_at,
                ends_at=row.ends_at,
                precision=row.precision,
                tz=row.tz,
                city=row.city,
                country=row.country,
                coordinates=coordinates(row.city, row.country),
            ),
            people(row.principal, tuple(names.get(row.id, ()))),
        )
        for row in rows
    ]


def untold(session: Session, *, now: datetime, max_attempts: int, limit: int) -> list[EventClash]:
    """Clashes not told yet and free to claim, one row a pair (the smaller event's), oldest
    events first; none that failed `max_attempts` times."""
    statement = (
        select(EventClash)
        .where(
            col(EventClash.noticed_at).is_(None),
            col(EventClash.event_id) < col(EventClash.other_id),
            or_(col(EventClash.claimed_until).is_(None), col(EventClash.claimed_until) <= now),
            col(EventClash.attempts) < max_attempts,
        )
        .order_by(col(EventClash.event_id), col(EventClash.other_id))
        .limit(limit)
    )
    return list(session.execute(statement).scalars())


def unclaim_notice(
    session: Session, *, pairs: Sequence[tuple[int, int]], replica: str, retry_at: datetime | None, failed: bool
) -> None:
    """These clashes were not posted: free again (`retry_at`: not before then), one more
    attempt counted when the post `failed`."""
    clashes = table_of(EventClash)
    for low, high in (sorted(pair) for pair in pairs):
        session.execute(
            update(clashes)
            .where(clashes.c.event_id == low, clashes.c.other_id == high, clashes.c.claimed_by == replica)
            .values(
                claimed_until=retry_at,
                claimed_by=None,
                attempts=clashes.c.attempts + (1 if failed else 0),
            )
        )
