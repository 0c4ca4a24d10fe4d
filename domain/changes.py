"""What changed on the schedule, by event: for `/trip changes` and the Home tab.

The history keeps one row per field changed; a reader catching up wants one entry per event
saying what happened to it — new, moved, confirmed, cancelled — and, under it, each change
with who made it and when. This module groups the rows and names the kinds of change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.records import ChangeRecord, EventRecord
from domain.snapshot import FieldChange
from domain.vocabulary import Status

# The kinds of change, in the order an entry names them.
NEW, MOVED, CONFIRMED, POSTPONED, CANCELLED, DELETED, EDITED, COVERAGE = (
    "new",
    "moved",
    "confirmed",
    "postponed",
    "cancelled",
    "deleted",
    "edited",
    "coverage",
)
KINDS = (NEW, MOVED, CONFIRMED, POSTPONED, CANCELLED, DELETED, EDITED, COVERAGE)
# With no marker yet, `/trip changes` looks this far back.
FIRST_LOOK = timedelta(hours=24)
# What a window may span: `/trip changes 30d` at most.
MAX_WINDOW_MINUTES = 30 * 1440
# The changes of an event read and listed: its latest.
STEPS_SHOWN = 5
# A history row that says where a change came from (a story), not what changed.
ORIGIN_FIELD = "origin"

_STATUS_KINDS = {
    Status.CONFIRMED.label: CONFIRMED,
    Status.POSTPONED.label: POSTPONED,
    Status.CANCELLED.label: CANCELLED,
}
_ACTION_KINDS = {
    "created": NEW,
    "confirmed": CONFIRMED,
    "postponed": POSTPONED,
    "cancelled": CANCELLED,
    "removed": CANCELLED,  # gone from its subscribed feed, so cancelled
    "deleted": DELETED,
    "coverage": COVERAGE,
}


@dataclass(frozen=True)
class Step:
    """One change of one event: the rows one save, status change or import wrote together."""

    actor: str
    imported_from: str | None
    at: datetime
    action: str
    rows: tuple[ChangeRecord, ...]

    @property
    def first(self) -> ChangeRecord:
        return self.rows[0]

    @property
    def fields(self) -> list[FieldChange]:
        return [FieldChange(r.field, r.old, r.new) for r in self.rows if r.field]


@dataclass(frozen=True)
class EventChanges:
    """One event and what happened to it: its kinds of change and its latest changes, oldest
    first, after `earlier` changes not read."""

    event: EventRecord
    kinds: tuple[str, ...]
    steps: tuple[Step, ...]
    earlier: int = 0

    @property
    def actors(self) -> list[Step]:
        """One step per author (a person, or an import's source), the latest of each, in order."""
        latest: dict[tuple[str, str | None], Step] = {}
        for step in self.steps:
            latest.pop((step.actor, step.imported_from), None)
            latest[(step.actor, step.imported_from)] = step
        return list(latest.values())


@dataclass(frozen=True)
class ChangesDigest:
    """What others changed in a span, for one reader.

    `since`: the span's start; `window_minutes`: the span asked for (`/trip changes 24h`), or
    None when it runs from the reader's marker; `first`: there was no marker yet, so the span
    is the last 24 hours. `events` are those shown, in the desk's order; `total` how many
    events others changed in all (counting may stop at `count_cap`); `more_titles` the titles
    of some of those not shown; `own` how many events the reader changed themselves."""

    since: datetime
    now: datetime
    window_minutes: int | None
    first: bool
    events: Sequence[EventChanges]
    total: int
    own: int
    more_titles: Sequence[str] = ()
    count_cap: int | None = None


def kinds_of(row: ChangeRecord) -> set[str]:
    """The kinds of change one history row stands for."""
    return kinds_said(row.action, row.field, row.new)


def kinds_said(action: str, field: str | None, new: str | None) -> set[str]:
    """The kinds of change a history row with this action, field and new value stands for."""
    kinds: set[str] = set()
    if (kind := _ACTION_KINDS.get(action)) is not None:
        kinds.add(kind)
    if field == "when":
        kinds.add(MOVED)
    elif field == "status":
        kinds.add(_STATUS_KINDS.get(new or "", EDITED))
    elif field and field not in (ORIGIN_FIELD, "coverage") and action != "created":
        kinds.add(EDITED)
    if not kinds and action == "changed" and field != ORIGIN_FIELD:
        kinds.add(EDITED)
    return kinds


def group_changes(
    rows: Sequence[ChangeRecord],
    events: Mapping[int, EventRecord],
    *,
    counts: Mapping[int, int] | None = None,
    said: Mapping[int, Sequence[tuple[str, str | None, str | None]]] | None = None,
) -> list[EventChanges]:
    """`rows` (oldest first) grouped by event, in the order of `events`; events without rows, and
    rows of events not given, are left out. When only an event's latest changes were read,
    `counts` says how many it has in all, and `said` what all of its rows say (action, field,
    new status) for its kinds."""
    steps: dict[int, list[Step]] = {}
    for row in rows:
        if row.event_id not in events:
            continue
        mine = steps.setdefault(row.event_id, [])
        last = mine[-1] if mine else None
        if (
            last is not None
            and last.at == row.at
            and last.actor == row.actor
            and last.action == row.action
            and last.imported_from == row.imported_from
        ):
            mine[-1] = Step(last.actor, last.imported_from, last.at, last.action, (*last.rows, row))
        else:
            mine.append(Step(row.actor, row.imported_from, row.at, row.action, (row,)))
    grouped = []
    for event_id, event in events.items():
        if event_id not in steps:
            continue
        found = set().union(*(kinds_of(row) for step in steps[event_id] for row in step.rows))
        if said is not None:
            found = found.union(*(kinds_said(*row) for row in said.get(event_id, ())))
        found = found or {EDITED}
        shown = steps[event_id][-STEPS_SHOWN:] if counts is not None else steps[event_id]
        earlier = (counts or {}).get(event_id, len(shown)) - len(shown)
        grouped.append(EventChanges(event, tuple(k for k in KINDS if k in found), tuple(shown), max(earlier, 0)))
    return grouped
