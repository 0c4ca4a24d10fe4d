"""When an event's reminders fall due, which lead times it may have, and how late one may still
be useful."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from domain.vocabulary import Kind, Precision
from domain.zones import earlier

# Minutes before the start that a reminder may be, in the order the form lists them.
LEAD_TIMES = {10080: "1 week", 1440: "1 day", 180: "3 hours", 60: "1 hour", 15: "15 minutes", 0: "at start"}
# The kind's reminders when the event names none.
DEFAULT_LEAD_TIMES = {
    Kind.SUMMIT: (10080, 1440, 60),
    Kind.MINISTERIAL: (1440, 60),
    Kind.BILATERAL: (1440, 60),
    Kind.VISIT: (1440, 60),
    Kind.PRESS_CONFERENCE: (60, 15),
    Kind.SPEECH: (60, 15),
    Kind.OTHER: (1440, 60),
}

MIN_LATENESS = timedelta(minutes=5)
# Later than this after its due time, a reminder is marked late in the message.
ON_TIME = timedelta(seconds=60)
ALREADY_PAST = "already past when the event was scheduled"


def lead_time_label(minutes: int) -> str:
    return LEAD_TIMES.get(minutes) or lead_text(minutes)


def lead_text(minutes: int) -> str:
    """Any lead time in words ("2 hours", "90 minutes"), a follower's included."""
    for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{minutes} minutes"


def effective_lead_times(kind: Kind, lead_times: tuple[int, ...] | None) -> tuple[int, ...]:
    return DEFAULT_LEAD_TIMES[kind] if lead_times is None else lead_times


def stored_lead_times(stored: str | None) -> tuple[int, ...] | None:
    """Lead times as the events table keeps them ("10080,1440,60"); None: the kind's defaults."""
    if stored is None:
        return None
    return tuple(int(m) for m in stored.split(",") if m)


def storable_lead_times(lead_times: tuple[int, ...] | None) -> str | None:
    return None if lead_times is None else ",".join(str(m) for m in lead_times)


def why_no_reminders(event) -> str | None:
    """The reason an event gets no reminders at all, or None when it does."""
    if event.deleted_at is not None:
        return "event deleted"
    if not event.status.live:
        return f"event {event.status.value}"
    if event.past_record:
        return "record of a past event"
    if event.precision is Precision.MONTH:
        return "only the month is known"
    return None


def planned(
    event, *, default_channel: str | None, personal: Iterable[tuple[str, int]] = ()
) -> dict[tuple[int, str], datetime]:
    """(lead minutes, channel) → due time, for every reminder the event should have: the
    channel's, and one in a DM for each (user id, lead minutes) of `personal`, its followers."""
    if why_no_reminders(event):
        return {}
    channel = event.channel_id or default_channel
    leads = effective_lead_times(event.kind, stored_lead_times(event.lead_times)) if channel else ()
    wanted = [(lead, channel) for lead in leads if channel] + [(lead, user) for user, lead in personal]
    if event.precision is Precision.DAY:
        # With only the day known, "an hour before" has no meaning; a day or a week still does.
        wanted = [(lead, where) for lead, where in wanted if lead >= 1440]
    return {(lead, where): earlier(event.starts_at, timedelta(minutes=lead)) for lead, where in wanted}


def is_personal(channel: str) -> bool:
    """Whether a reminder goes to a user (a follower's DM, see domain/follows.py) rather than a
    channel: Slack's user ids start with U or W, channel ids with C, G or D."""
    return channel[:1] in ("U", "W")


def lateness_limit(lead_minutes: int) -> timedelta:
    """How late a reminder may still go out: half its lead (a 1-hour reminder up to 30 minutes)."""
    return max(timedelta(minutes=lead_minutes) / 2, MIN_LATENESS)


def lead_phrase(lead_minutes: int) -> str:
    if lead_minutes == 0:
        return "Starting now"
    for size, unit in ((10080, "week"), (1440, "day"), (60, "hour"), (1, "minute")):
        if lead_minutes % size == 0:
            count = lead_minutes // size
            return f"In {count} {unit}{'s' if count != 1 else ''}"
    return f"In {lead_minutes} minutes"


def remaining_phrase(starts_at: datetime, now: datetime) -> str:
    """For a late reminder: the time actually left."""
    minutes = max(0, int((starts_at - now).total_seconds() // 60))
    return lead_phrase(minutes) if minutes else "Starting now"
