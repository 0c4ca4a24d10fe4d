"""Key events and the chase for their coverage: which events the desk must not miss, and when
the desk's channel is told that no one covers one.

An event is key by its kind (summits, ministerial meetings) or because an editor marked it so.
A key event still expected to happen that no one covers is chased 48 hours and 24 hours before
it starts, each once (again only if it moves a good deal later). Lead times are real time
(domain/zones.py): 48 hours before an event just after a daylight-saving change is 48 hours of
the clock on the wall, not two calendar days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.vocabulary import Kind, Precision, Status
from domain.zones import earlier, elapsed

KEY_KINDS = frozenset({Kind.SUMMIT, Kind.MINISTERIAL})
# Widest first. After downtime past the 48-hour mark, only the nearest lead whose moment has
# come is owed: a chase "in 2 days" sent 20 hours before the start would mislead.
CHASE_LEADS = (timedelta(hours=48), timedelta(hours=24))
# The statuses of an event still expected to happen: cancelled and postponed ones are never chased.
LIVE_STATUSES = tuple(status for status in Status if status.live)
# A chase row's states: claimed by a replica about to post, posted, or a failed post to try again.
SENDING, SENT, PENDING = "sending", "sent", "pending"
# An event moved later is chased again only when it moved by at least this share of the lead
# time (12 hours for the 48-hour chase, 6 for the 24-hour one): a start put back by ten minutes
# is news for the event's thread, not a second "nobody covers this" in the desk's channel.
MOVED_ENOUGH = 4


def is_key(event) -> bool:
    """Key by its kind, or marked key by an editor."""
    return bool(event.marked_key) or event.kind in KEY_KINDS


def needs_coverage(event) -> bool:
    """A key event still expected to happen (neither cancelled, postponed nor deleted), known at
    least to the day and no record of the past, that nobody covers. An event known only to the
    month has no start to count back from, so it is never chased nor listed as a gap.
    storage/coverage.py `needing_coverage` is the same rule in SQL."""
    return (
        is_key(event)
        and event.status.live
        and event.deleted_at is None
        and event.precision is not Precision.MONTH
        and not event.past_record
        and not event.coverage
    )


def chase_lead(event, now: datetime) -> timedelta | None:
    """The lead time whose chase `event` is owed at `now`, if any: the shortest one whose moment
    has passed, while the event is still to start."""
    if not needs_coverage(event) or event.starts_at <= now:
        return None
    left = elapsed(now, event.starts_at)
    owed = [lead for lead in CHASE_LEADS if left <= lead]
    return min(owed) if owed else None


def chase_opens(starts_at: datetime, lead_time: timedelta) -> datetime:
    """The moment a chase `lead_time` before `starts_at` falls due. A chase sent before this moment
    was for an earlier start (the event has moved later since), so it is owed again."""
    return earlier(starts_at, lead_time)


def chase_owed(last, nearer, *, starts_at: datetime, lead_time: timedelta, now: datetime) -> bool:
    """Whether the chase `lead_time` before `starts_at`, owed by the clock at `now`, is to be
    sent given `last`, the row of that event and lead, and `nearer`, its row for the next
    shorter lead (None: never claimed). A sent chase is owed again only if the event has since
    moved later by a good deal (MOVED_ENOUGH) and the chase was sent before the new start's mark.
    A 48-hour chase never sent (downtime) after a 24-hour one that was counts as that one: an
    event nudged later after its 24-hour chase is not chased "in 2 days" a minute later."""
    if last is None:
        last = nearer
    if last is None or last.status == PENDING:
        return True
    if last.status == SENDING:
        # A replica that claimed it and died: taken over once its lease is over.
        return last.claimed_until is None or last.claimed_until < now
    moved = elapsed(last.starts_at, starts_at)
    return moved >= lead_time / MOVED_ENOUGH and last.chased_at < chase_opens(starts_at, lead_time)


def lead_hours(lead_time: timedelta) -> int:
    return int(lead_time.total_seconds() // 3600)
