"""What a calendar feed said about an event, and how an import merges it with what editors did.

An imported event keeps the feed's values as of its last import. At the next import, field by
field: if the feed says what it said before, the event's value stays, whatever an editor made
of it; if the feed changed and the event still holds what the feed said before, the event takes
the new value; if the feed changed but an editor changed the field too, the editor's value
stays. An import never undoes a change made in TripDesk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.drafts import EventDraft, TripRef
from domain.snapshot import FieldChange
from domain.timetext import venue_time_text
from domain.vocabulary import Kind, Precision, Status

# The fields as the card and the history name them, with the stored values each covers. A field
# is taken or kept whole: a start from the feed with an end from an editor could end before it
# starts, a venue from one with a city from the other could be nowhere.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "when": ("starts_at", "ends_at", "precision", "tz"),
    "status": ("status",),
    "kind": ("kind",),
    "place": ("venue", "city", "country"),
    "participants": ("participants",),
    "trip": ("trip",),
    "source": ("source_url",),
    "notes": ("notes",),
}

# JSON-ready: strings, lists and None, so that values read back from the store compare equal.
Values = dict[str, Any]


@dataclass(frozen=True)
class Merge:
    values: Values
    # Fields the event takes from the feed.
    taken: list[str] = field(default_factory=list)
    # Fields the feed changed where an editor's different value stays.
    kept: list[str] = field(default_factory=list)


def draft_values(draft: EventDraft) -> Values:
    return _values(
        title=draft.title,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        precision=draft.precision,
        tz=draft.tz,
        status=draft.status,
        kind=draft.kind,
        venue=draft.venue,
        city=draft.city,
        country=draft.country,
        participants=draft.participants,
        trip=(draft.trip.principal, draft.trip.name) if draft.trip else None,
        source_url=draft.source_url,
        notes=draft.notes,
    )


def event_values(event) -> Values:
    return _values(
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        precision=event.precision,
        tz=event.tz,
        status=event.status,
        kind=event.kind,
        venue=event.venue,
        city=event.city,
        country=event.country,
        participants=[p.name for p in event.participants],
        trip=(event.trip.principal, event.trip.name) if event.trip else None,
        source_url=event.source_url,
        notes=event.notes,
    )


def _values(*, starts_at: datetime, ends_at: datetime | None, participants, trip, **plain) -> Values:
    return {
        **{name: str(value) if value is not None else None for name, value in plain.items()},
        "starts_at": _instant(starts_at),
        "ends_at": _instant(ends_at) if ends_at is not None else None,
        "participants": list(participants),
        "trip": list(trip) if trip is not None else None,
    }


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def dumps(values: Values) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> Values | None:
    return json.loads(text) if text else None


def merge(*, local: Values, last: Values | None, new: Values) -> Merge:
    """The event's values after an import: `local` as stored, `last` what the feed said at the
    previous import, `new` what it says now.

    `last` is None for an event imported before feeds were kept: its current values count as
    what the feed last said, so the import takes every field the feed has changed since.
    """
    # A key missing from stored feed values (one added to FIELDS since) counts as unchanged.
    last = local if last is None else {**local, **last}
    if new == last:  # the common case: the feed has not changed this event
        return Merge(dict(local))
    merged = dict(local)
    taken, kept = [], []
    for name, keys in FIELDS.items():
        mine, before, now = ([values[key] for key in keys] for values in (local, last, new))
        if now == before or now == mine:
            continue
        if mine == before:
            merged.update((key, new[key]) for key in keys)
            taken.append(name)
        else:
            kept.append(name)
    return Merge(merged, taken, kept)


def values_draft(uid: str, values: Values) -> EventDraft:
    """The event `values` describe, to be written back."""
    return EventDraft(
        uid=uid,
        title=values["title"],
        starts_at=datetime.fromisoformat(values["starts_at"]),
        ends_at=datetime.fromisoformat(values["ends_at"]) if values["ends_at"] else None,
        precision=Precision(values["precision"]),
        tz=values["tz"],
        status=Status(values["status"]),
        kind=Kind(values["kind"]),
        venue=values["venue"],
        city=values["city"],
        country=values["country"],
        participants=tuple(values["participants"]),
        trip=TripRef(*values["trip"]) if values["trip"] else None,
        source_url=values["source_url"],
        notes=values["notes"],
    )


def describe(values: Values, name: str) -> str:
    """One field in words, as `domain.snapshot.snapshot` puts the same field of an event."""
    if name == "when":
        return venue_time_text(
            starts_at=datetime.fromisoformat(values["starts_at"]),
            ends_at=datetime.fromisoformat(values["ends_at"]) if values["ends_at"] else None,
            precision=Precision(values["precision"]),
            tz=values["tz"],
        )
    if name == "status":
        return Status(values["status"]).label
    if name == "kind":
        return Kind(values["kind"]).label
    if name == "place":
        return ", ".join(part for part in (values["venue"], values["city"], values["country"]) if part)
    if name == "participants":
        return ", ".join(values["participants"])
    if name == "trip":
        return ": ".join(values["trip"]) if values["trip"] else ""
    if name == "source":
        return values["source_url"] or ""
    return values[name]


def changes(before: Values, after: Values, fields: Iterable[str] = FIELDS) -> list[FieldChange]:
    """What a reader would see change among `fields`, in the order of `FIELDS`."""
    found = []
    for name in fields:
        old, new = describe(before, name), describe(after, name)
        if old != new:
            found.append(FieldChange(name, old, new))
    return found


def feed_differences(event) -> list[FieldChange]:
    """The fields where the event differs from what the feed last said: `old` the event's
    value, `new` the feed's. None for an event made in TripDesk, or imported before feeds were
    kept and not since."""
    feed = loads(event.feed_values)
    if feed is None:
        return []
    local = event_values(event)
    feed = {**local, **feed}
    differing = [name for name, keys in FIELDS.items() if any(local[key] != feed[key] for key in keys)]
    # Values that differ only where no reader can see it (the seconds of a time) are not shown.
    return changes(local, feed, differing)
