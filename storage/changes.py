"""What changed on a workspace's schedule in a span of its history, and how far each user has
read it. Every function takes a session and keyword arguments and is scoped by `team_id`.

A user's unseen changes are not found by time: a change is dated when its save starts, and it
becomes visible when its save commits, later and in another order. They are found by a marker
of what the last read saw instead:

- On SQLite writers take turns (one write transaction at a time), so change ids are given in
  commit order: the next id is the largest committed one plus one. The mark is the largest id
  visible, plus one; a change committed after it was read has a larger id. A read covers
  [the user's mark, the new mark).
- On PostgreSQL ids come from a sequence in insert order, and a transaction may commit long
  after a later one. Each row keeps the id of the transaction that wrote it (`xact`, given by
  the database). The mark is the oldest transaction still running when the read's snapshot was
  taken (`pg_snapshot_xmin`), and with it the read keeps the transactions at or above the mark
  whose rows of the workspace it saw (`seen`). Every transaction below the mark had ended, so
  its rows were all there to see and have been seen; every one at or above it that the read
  saw is listed. The next read shows the rows at or above the mark of the transactions not
  listed: those that committed after the snapshot, whenever they began. A transaction left
  open elsewhere on the server (in any database) holds the mark back, and only makes the list
  longer: it hides nothing that has committed.

The list keeps the SEEN_KEPT largest transactions. Should more than that many transactions
write to one workspace's history while one older transaction stays open, the smallest ones
listed are dropped, and their changes are shown once more: shown twice, never passed over.

A read's statements run in one snapshot (REPEATABLE READ on PostgreSQL: `one_snapshot`), so the
rows read, the mark and the list agree.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, text
from sqlmodel import Session, col, select

from storage.db import insert_for
from storage.models import ChangesSeen, Event, EventChange, table_of

# Transactions at or above a mark kept as seen (see above): a list of deltas, a few bytes each.
SEEN_KEPT = 10_000


@dataclass(frozen=True)
class Span:
    """Which changes a read covers: those made from `after` up to `until` (both included), and
    those at or above the mark `from_mark` and below the watermark `below` (any left None:
    no bound) whose transaction is not in `seen`."""

    after: datetime | None = None
    until: datetime | None = None
    from_mark: int | None = None
    below: int | None = None
    seen: tuple[int, ...] = ()


@dataclass(frozen=True)
class Marker:
    """How far a user has read: when, the mark of that read, and (on PostgreSQL) the
    transactions at or above the mark whose changes it saw, in ascending order."""

    at: datetime
    mark: int
    seen: tuple[int, ...] = ()


@dataclass(frozen=True)
class Watermark:
    """Where a read stands: the mark to store, the transactions at or above it already visible
    (PostgreSQL), and the bound a read applies above (SQLite: the mark; PostgreSQL: none, its
    snapshot is the bound)."""

    mark: int
    seen: tuple[int, ...] = ()
    below: int | None = None


@dataclass(frozen=True)
class ChangedEvents:
    """The events others changed in a span, in the order the desk reads them (first `limit`),
    how many there are in all, and how many events the reader changed themselves."""

    event_ids: list[int]
    total: int
    own: int


@dataclass(frozen=True)
class EventRows:
    """Others' changes of some events in a span: the rows of each event's newest `steps`
    changes (a change: the rows one save wrote), oldest first; how many changes each event has
    in the span in all; and what each row of the span says, for the kinds of change."""

    rows: list[EventChange]
    steps: dict[int, int]
    kinds: dict[int, list[tuple[str, str | None, str | None]]]


def one_snapshot(session: Session) -> None:
    """Run the rest of this session's transaction in one snapshot; call it first. On SQLite the
    mark is exact without (writers take turns)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def watermark(session: Session, *, team_id: str) -> Watermark:
    """Every change below the mark is visible now, and every change written later is at or
    above it; on PostgreSQL, with the transactions at or above it visible now."""
    if session.get_bind().dialect.name == "postgresql":
        mark = int(session.exec(select(text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))).one())
        seen = session.exec(
            select(col(EventChange.xact))
            .where(col(EventChange.team_id) == team_id, col(EventChange.xact) >= mark)
            .distinct()
            .order_by(col(EventChange.xact).desc())
            .limit(SEEN_KEPT)
        ).all()
        return Watermark(mark=mark, seen=tuple(sorted(int(x) for x in seen if x is not None)))
    # Over the whole table rather than the workspace: the largest rowid is read from the end
    # of the table at once, and is as good a bound.
    mark = (session.exec(select(func.max(col(EventChange.id)))).one() or 0) + 1
    return Watermark(mark=mark, below=mark)


def seen_marker(session: Session, *, team_id: str, user_id: str) -> Marker | None:
    row = session.get(ChangesSeen, (team_id, user_id))
    return Marker(row.seen_until, row.seen_mark, _unpack(row.seen_mark, row.seen_above)) if row is not None else None


def mark_seen(session: Session, *, team_id: str, user_id: str, marker: Marker) -> None:
    """Remember that the user has read the changes below `marker.mark` and those of
    `marker.seen`. A marker never moves back: of two reads at once, the one that saw further
    wins. Two reads with the same mark saw nested lists (a later snapshot sees what an earlier
    one saw, and more): the longer list is the further read."""
    seen = marker.seen[-SEEN_KEPT:]
    statement = insert_for(session)(table_of(ChangesSeen)).values(
        team_id=team_id,
        user_id=user_id,
        seen_until=marker.at,
        seen_mark=marker.mark,
        seen_above=_pack(marker.mark, seen),
        seen_count=len(seen),
    )
    current, new = table_of(ChangesSeen).c, statement.excluded
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["team_id", "user_id"],
            set_={
                "seen_until": new.seen_until,
                "seen_mark": new.seen_mark,
                "seen_above": new.seen_above,
                "seen_count": new.seen_count,
            },
            where=or_(
                current.seen_mark < new.seen_mark,
                and_(current.seen_mark == new.seen_mark, current.seen_count < new.seen_count),
                and_(
                    current.seen_mark == new.seen_mark,
                    current.seen_count == new.seen_count,
                    current.seen_until < new.seen_until,
                ),
            ),
        )
    )


def _pack(mark: int, seen: Sequence[int]) -> str:
    # Ascending, each as its distance from the one before (the first from the mark): the
    # transactions of a busy server are close together, so a few digits each.
    deltas, previous = [], mark
    for xact in seen:
        deltas.append(str(xact - previous))
        previous = xact
    return ",".join(deltas)


def _unpack(mark: int, packed: str) -> tuple[int, ...]:
    seen, previous = [], mark
    for delta in filter(None, packed.split(",")):
        previous += int(delta)
        seen.append(previous)
    return tuple(seen)


def _key(session: Session):
    return col(EventChange.xact) if session.get_bind().dialect.name == "postgresql" else col(EventChange.id)


def _in_span(session: Session, team_id: str, span: Span, without_fields: Collection[str]) -> list:
    conditions = [col(EventChange.team_id) == team_id]
    if span.after is not None:
        conditions.append(col(EventChange.at) >= span.after)
    if span.until is not None:
        conditions.append(col(EventChange.at) <= span.until)
    key = _key(session)
    if span.from_mark is not None:
        conditions.append(key >= span.from_mark)
    if span.below is not None:
        # Rows written before PostgreSQL kept their transaction have none: long finished.
        conditions.append(key < span.below if span.from_mark is not None else or_(key < span.below, key.is_(None)))
    if span.seen:
        conditions.append(key.not_in(list(span.seen)))
    if without_fields:
        conditions.append(or_(col(EventChange.field).is_(None), col(EventChange.field).not_in(list(without_fields))))
    return conditions


def _by_others(user_id: str):
    # An import's changes are the import's, whoever ran it.
    return or_(col(EventChange.actor) != user_id, col(EventChange.imported_from).is_not(None))


def changed_events(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    span: Span,
    now: datetime,
    limit: int,
    without_fields: Collection[str] = (),
    include_deleted: bool = True,
) -> ChangedEvents:
    """The events changed by others than `user_id` in `span`: those not over at `now` first,
    soonest first, then those over, latest first.

    One pass over the span: its rows grouped by event, each event marked as changed by others,
    by the reader, or both; both counts are taken over that set as its first rows are sorted."""
    others = func.max(case((_by_others(user_id), 1), else_=0))
    mine = func.max(case((_by_others(user_id), 0), else_=1))
    changed = (
        select(col(EventChange.event_id).label("event_id"), others.label("others"), mine.label("mine"))
        .where(*_in_span(session, team_id, span, without_fields))
        .group_by(col(EventChange.event_id))
        .subquery()
    )
    alive = [col(Event.deleted_at).is_(None)] if not include_deleted else []
    over = case((col(Event.finishes_at) <= now, 1), else_=0)
    rows = session.exec(
        select(Event.id, changed.c.others, func.sum(changed.c.others).over(), func.sum(changed.c.mine).over())
        .join(changed, changed.c.event_id == col(Event.id))
        .where(col(Event.team_id) == team_id, *alive)
        .order_by(
            changed.c.others.desc(),
            over,
            case((col(Event.finishes_at) <= now, None), else_=col(Event.starts_at)),
            col(Event.starts_at).desc(),
            col(Event.id),
        )
        .limit(limit)
    ).all()
    if not rows:
        return ChangedEvents(event_ids=[], total=0, own=0)
    return ChangedEvents(
        event_ids=[event_id for event_id, by_others, _, _ in rows if by_others and event_id is not None],
        total=int(rows[0][2]),
        own=int(rows[0][3]),
    )


def changes_of(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    event_ids: Sequence[int],
    span: Span,
    steps: int,
    without_fields: Collection[str] = (),
) -> EventRows:
    """Others' changes of `event_ids` in `span`: each event's newest `steps` changes, however
    many others it has (an import may change one event hundreds of times)."""
    if not event_ids:
        return EventRows(rows=[], steps={}, kinds={})
    conditions = [
        *_in_span(session, team_id, span, without_fields),
        _by_others(user_id),
        col(EventChange.event_id).in_(list(event_ids)),
    ]
    # A change is the rows one save wrote: same event, instant, author and action. Numbered
    # from the newest and from the oldest, any row of it tells how many changes its event has.
    change = (EventChange.at, EventChange.actor, EventChange.action, EventChange.imported_from)
    newest = func.dense_rank().over(partition_by=col(EventChange.event_id), order_by=[col(c).desc() for c in change])
    oldest = func.dense_rank().over(partition_by=col(EventChange.event_id), order_by=[col(c).asc() for c in change])
    ranked = (
        select(col(EventChange.id).label("id"), newest.label("newest"), (newest + oldest - 1).label("count"))
        .where(*conditions)
        .subquery()
    )
    found = session.exec(
        select(EventChange, ranked.c.count)
        .join(ranked, ranked.c.id == col(EventChange.id))
        .where(ranked.c.newest <= steps)
        .order_by(col(EventChange.at), col(EventChange.id))
    ).all()
    # What every row of the span says, each distinct thing once: the kinds of change an entry
    # names come from all of its changes, not only those listed.
    said = session.exec(
        select(
            EventChange.event_id,
            EventChange.action,
            EventChange.field,
            case((col(EventChange.field) == "status", col(EventChange.new)), else_=None),
        )
        .where(*conditions)
        .distinct()
    ).all()
    kinds: dict[int, list[tuple[str, str | None, str | None]]] = {}
    for event_id, action, field, new in said:
        kinds.setdefault(event_id, []).append((action, field, new))
    return EventRows(
        rows=[row for row, _ in found],
        steps={row.event_id: int(count) for row, count in found},
        kinds=kinds,
    )


def events_by_id(session: Session, *, team_id: str, event_ids: Sequence[int]) -> dict[int, Event]:
    if not event_ids:
        return {}
    rows = session.exec(select(Event).where(col(Event.team_id) == team_id, col(Event.id).in_(list(event_ids))))
    return {event.id: event for event in rows.unique() if event.id is not None}
