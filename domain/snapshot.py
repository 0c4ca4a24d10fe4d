"""An event in words, field by field: what the card shows, what history records, what a
change notice compares."""

from __future__ import annotations

from dataclasses import dataclass

from domain.reminders import effective_lead_times, lead_time_label, stored_lead_times
from domain.timetext import venue_time_text

# Field names in the order a change notice lists them, with their labels.
LABELS = {
    "title": "Title",
    "when": "Time",
    "status": "Status",
    "kind": "Kind",
    "place": "Place",
    "participants": "Participants",
    "trip": "Trip",
    "source": "Source",
    "notes": "Notes",
    "channel": "Reminder channel",
    "reminders": "Reminders",
    "key": "Key event",
}


# The desk's own working notes (contacts, how a date was learnt): their text is shown only in
# the edit form, and only editors are told, in `/trip history`, that they changed.
PRIVATE_FIELDS = frozenset({"notes"})


@dataclass(frozen=True)
class FieldChange:
    field: str | None
    old: str | None
    new: str | None


def public_changes(changes: list[FieldChange]) -> list[FieldChange]:
    """The changes a channel may be told of."""
    return [c for c in changes if c.field not in PRIVATE_FIELDS]


def event_time_text(event) -> str:
    return venue_time_text(starts_at=event.starts_at, ends_at=event.ends_at, precision=event.precision, tz=event.tz)


def place_text(event) -> str:
    return ", ".join(part for part in (event.venue, event.city, event.country) if part)


def people(event) -> tuple[str | None, list[str]]:
    """Who leads, if anyone (the trip's principal, among other participants), and whom they
    meet; or no one, and every participant."""
    names = [p.name for p in event.participants]
    principal = event.trip.principal if event.trip else None
    if principal in names and len(names) > 1:
        return principal, [n for n in names if n != principal]
    return None, names


def reminders_text(event) -> str:
    if event.past_record:
        return "none (record of a past event)"
    lead_times = effective_lead_times(event.kind, stored_lead_times(event.lead_times))
    return ", ".join(lead_time_label(m) for m in lead_times) or "none"


def snapshot(event) -> dict[str, str]:
    return {
        "title": event.title,
        "when": event_time_text(event),
        "status": event.status.label,
        "kind": event.kind.label,
        "place": place_text(event),
        "participants": ", ".join(p.name for p in event.participants),
        "trip": f"{event.trip.principal}: {event.trip.name}" if event.trip else "",
        "source": event.source_url or "",
        "notes": event.notes,
        "channel": event.channel_id or "",
        "reminders": reminders_text(event),
        "key": "Yes" if event.marked_key else "No",
    }


def diff(before: dict[str, str], after: dict[str, str]) -> list[FieldChange]:
    return [
        FieldChange(name, before.get(name), after.get(name)) for name in LABELS if before.get(name) != after.get(name)
    ]


def compact_change(old: str, new: str) -> str:
    """ "Tue 2 Apr 2024, 10:00 CEST" → "Tue 2 Apr 2024, 15:00 CEST" reads "Tue 2 Apr 2024, 10:00 → 15:00 CEST"."""
    old_words, new_words = old.split(" "), new.split(" ")
    start = 0
    while start < min(len(old_words), len(new_words)) - 1 and old_words[start] == new_words[start]:
        start += 1
    end = 0
    while end < min(len(old_words), len(new_words)) - start - 1 and old_words[-1 - end] == new_words[-1 - end]:
        end += 1
    prefix = " ".join(old_words[:start])
    suffix = " ".join(old_words[len(old_words) - end :]) if end else ""
    middle = (
        f"{' '.join(old_words[start : len(old_words) - end])} → {' '.join(new_words[start : len(new_words) - end])}"
    )
    return " ".join(part for part in (prefix, middle, suffix) if part)
