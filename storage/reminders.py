"""Reminder rows: kept in step with their event, claimed atomically, finished once.

A row is claimed by one statement that both picks and marks it, so that any number of
replicas sharing a database deliver it once: PostgreSQL skips rows another replica has locked
(FOR UPDATE SKIP LOCKED); SQLite runs the statement under its single write lock. A claim is a
lease: if its replica dies, the row becomes due again when `claimed_until` passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from domain.reminders import ALREADY_PAST, planned, why_no_reminders
from domain.vocabulary import ReminderStatus
from storage.bulk import insert_rows
from storage.db import IN_CHUNK, insert_for
from storage.follows import followers
from storage.leases import claim_first, finish_held
from storage.models import ChannelHold, Event, NewEvent, Reminder, saved_id, table_of

_BULK = 2000


def sync_reminders(session: Session, *, event: Event, now: datetime, default_channel: str | None) -> None:
    """Rewrite the event's pending reminders to match it and its followers, in the caller's
    transaction."""
    sync_many(session, events=[event], now=now, default_channel=default_channel)


def sync_many(
    session: Session, *, events: Sequence[Event | NewEvent], now: datetime, default_channel: str | None
) -> None:
    """`sync_reminders` for a batch (an import), reading the existing rows in a few queries.
    Events just inserted (`NewEvent`) have none: theirs are inserted in bulk statements."""
    existing: dict[int, list[Reminder]] = {}
    ids = [saved_id(event) for event in events if not isinstance(event, NewEvent)]
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        for row in session.exec(select(Reminder).where(col(Reminder.event_id).in_(chunk))):
            existing.setdefault(row.event_id, []).append(row)
    following = followers(session, events=events)
    fresh: list[dict[str, Any]] = []
    for event in events:
        personal = [(follow.user_id, follow.lead_minutes) for follow in following.get(saved_id(event), [])]
        if isinstance(event, NewEvent):
            fresh += _new_rows(event, now=now, default_channel=default_channel, personal=personal)
            if len(fresh) >= _BULK:
                insert_rows(session, table_of(Reminder), fresh)
                fresh = []
            continue
        _sync(
            session,
            event=event,
            rows=existing.get(saved_id(event), []),
            now=now,
            default_channel=default_channel,
            personal=personal,
        )
    insert_rows(session, table_of(Reminder), fresh)
    session.flush()


def _new_rows(
    event: NewEvent, *, now: datetime, default_channel: str | None, personal: list[tuple[str, int]]
) -> list[dict[str, Any]]:
    """The rows `_sync` would add for an event that has none yet, as the bulk statement's rows."""
    return [
        {
            "team_id": event.team_id,
            "event_id": event.id,
            "lead_minutes": lead,
            "channel_id": channel,
            "due_at": due,
            "status": ReminderStatus.SKIPPED if due <= now else ReminderStatus.PENDING,
            "attempts": 0,
            "last_error": ALREADY_PAST if due <= now else None,
            "may_have_posted": False,
            "next_attempt_at": None,
            "claimed_until": None,
            "claimed_by": None,
            "sent_at": None,
            "message_ts": None,
            "late": False,
        }
        for (lead, channel), due in planned(event, default_channel=default_channel, personal=personal).items()
    ]


def _sync(
    session: Session,
    *,
    event: Event,
    rows: list[Reminder],
    now: datetime,
    default_channel: str | None,
    personal: list[tuple[str, int]],
) -> None:
    wanted = planned(event, default_channel=default_channel, personal=personal)
    by_key = {(r.lead_minutes, r.channel_id): r for r in rows}
    reason = why_no_reminders(event) or "no longer asked for"
    for key, row in by_key.items():
        if key not in wanted and row.status == ReminderStatus.PENDING:
            _skip(row, reason)
    for (lead, channel), due in wanted.items():
        found = by_key.get((lead, channel))
        if found is None:
            row = Reminder(
                team_id=event.team_id,
                event_id=saved_id(event),
                lead_minutes=lead,
                channel_id=channel,
                due_at=due,
                status=ReminderStatus.PENDING,
            )
            session.add(row)
        elif found.status == ReminderStatus.SENDING or (
            found.due_at == due and found.status in (ReminderStatus.PENDING, ReminderStatus.SENT, ReminderStatus.FAILED)
        ):
            continue  # in flight (the deliverer checks the event again), or nothing changed
        else:
            row = found
        _reset(row, due)
        if due <= now:
            _skip(row, ALREADY_PAST)


def _skip(row: Reminder, reason: str) -> None:
    row.status, row.last_error, row.may_have_posted = ReminderStatus.SKIPPED, reason, False


def _reset(row: Reminder, due: datetime) -> None:
    row.due_at, row.status, row.attempts, row.last_error = due, ReminderStatus.PENDING, 0, None
    row.next_attempt_at = row.claimed_until = row.sent_at = None
    row.claimed_by = row.message_ts = None
    row.late = row.may_have_posted = False


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(
            col(Reminder.status) == ReminderStatus.PENDING,
            col(Reminder.due_at) <= now,
            or_(col(Reminder.next_attempt_at).is_(None), col(Reminder.next_attempt_at) <= now),
        ),
        and_(col(Reminder.status) == ReminderStatus.SENDING, col(Reminder.claimed_until) < now),
    )


def supersede_overdue(session: Session, *, now: datetime) -> int:
    """Skip overdue reminders when a later one of the same event and channel is also due:
    after downtime, only the newest is worth sending."""
    newer = aliased(Reminder)
    result = session.exec(
        update(Reminder)
        .where(
            col(Reminder.status) == ReminderStatus.PENDING,
            col(Reminder.due_at) <= now,
            exists().where(
                col(newer.event_id) == col(Reminder.event_id),
                col(newer.channel_id) == col(Reminder.channel_id),
                col(newer.due_at) > col(Reminder.due_at),
                col(newer.due_at) <= now,
                col(newer.status).in_([ReminderStatus.PENDING, ReminderStatus.SENDING, ReminderStatus.SENT]),
            ),
        )
        .values(
            status=ReminderStatus.SKIPPED,
            last_error="superseded by a later reminder of the same event",
            may_have_posted=False,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _not_held_by_others(*, replica: str, now: datetime) -> ColumnElement[bool]:
    """The reminder's channel is not held by another replica (see `hold_channel`)."""
    return ~exists().where(
        col(ChannelHold.channel_id) == col(Reminder.channel_id),
        col(ChannelHold.held_by).is_not(None),
        col(ChannelHold.held_by) != replica,
        col(ChannelHold.held_until) >= now,
    )


def due_channels(session: Session, *, now: datetime, replica: str) -> list[str]:
    """Channels with reminders due that `replica` may post to: those another replica holds are
    its to drain, and asking for them again and again would only spin."""
    return list(
        session.exec(
            select(Reminder.channel_id).where(_due(now), _not_held_by_others(replica=replica, now=now)).distinct()
        )
    )


def claim_next(session: Session, *, channel_id: str, now: datetime, lease_until: datetime, replica: str) -> int | None:
    """Claim the oldest due reminder of `channel_id`; its id, or None when there is none."""
    return claim_first(
        session,
        model=Reminder,
        due=and_(col(Reminder.channel_id) == channel_id, _due(now)),
        order_by=(col(Reminder.due_at), col(Reminder.id)),
        lease_until=lease_until,
        replica=replica,
    )


def finish(session: Session, *, reminder_id: int, replica: str, status: ReminderStatus, **fields: Any) -> bool:
    """Record the outcome of a delivery this replica still holds the claim for."""
    return finish_held(session, model=Reminder, row_id=reminder_id, replica=replica, status=status, **fields)


def extend(session: Session, *, reminder_id: int, replica: str, lease_until: datetime) -> None:
    session.exec(
        update(Reminder)
        .where(
            col(Reminder.id) == reminder_id,
            col(Reminder.claimed_by) == replica,
            col(Reminder.status) == ReminderStatus.SENDING,
        )
        .values(claimed_until=lease_until)
        .execution_options(synchronize_session=False)
    )


def hold_channel(session: Session, *, channel_id: str, replica: str, now: datetime, until: datetime) -> bool:
    """Make `replica` the one that posts reminders to `channel_id` until `until`, unless another
    replica holds it; True when the channel is this replica's. One statement, so that two
    replicas asking at once cannot both get it."""
    statement = insert_for(session)(table_of(ChannelHold)).values(
        channel_id=channel_id, held_by=replica, held_until=until
    )
    free = or_(
        col(ChannelHold.held_by).is_(None),
        col(ChannelHold.held_by) == replica,
        col(ChannelHold.held_until) < now,
    )
    result = session.exec(
        statement.on_conflict_do_update(
            index_elements=["channel_id"], set_={"held_by": replica, "held_until": until}, where=free
        ).returning(col(ChannelHold.channel_id))
    )
    return result.scalar_one_or_none() is not None


def let_go_channel(session: Session, *, channel_id: str, replica: str, until: datetime) -> None:
    """Done with the channel; it stays this replica's until `until` (its last post's pacing
    interval), so that another replica, which knows nothing of that post, does not follow it
    too closely."""
    session.exec(
        update(ChannelHold)
        .where(col(ChannelHold.channel_id) == channel_id, col(ChannelHold.held_by) == replica)
        .values(held_until=until)
        .execution_options(synchronize_session=False)
    )


def release_all(session: Session, *, replica: str, keep: Sequence[int] = ()) -> int:
    """Give back this replica's claims (on shutdown), except those in `keep`, which may be on
    their way to Slack: another replica may deliver the rest, in the channels let go here."""
    session.exec(
        update(ChannelHold)
        .where(col(ChannelHold.held_by) == replica)
        .values(held_by=None, held_until=None)
        .execution_options(synchronize_session=False)
    )
    result = session.exec(
        update(Reminder)
        .where(
            col(Reminder.status) == ReminderStatus.SENDING,
            col(Reminder.claimed_by) == replica,
            col(Reminder.id).not_in(list(keep)),
        )
        .values(
            status=ReminderStatus.PENDING,
            claimed_until=None,
            claimed_by=None,
            attempts=col(Reminder.attempts) - 1,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def next_wakeup(session: Session, *, now: datetime, replica: str) -> datetime | None:
    """The earliest moment some reminder becomes due for `replica`. Reminders in a channel another
    replica holds are left out: it posts them, and if it dies, its claims' leases (counted here)
    and its hold lapse together."""
    pending = session.exec(
        select(func.min(func.coalesce(Reminder.next_attempt_at, Reminder.due_at))).where(
            col(Reminder.status) == ReminderStatus.PENDING, _not_held_by_others(replica=replica, now=now)
        )
    ).one()
    leased = session.exec(
        select(func.min(Reminder.claimed_until)).where(col(Reminder.status) == ReminderStatus.SENDING)
    ).one()
    candidates = [moment for moment in (pending, leased) if moment is not None]
    return min(candidates) if candidates else None


def reminders_of(session: Session, *, event_ids: list[int]) -> list[Reminder]:
    return list(
        session.exec(
            select(Reminder)
            .where(col(Reminder.event_id).in_(event_ids))
            .order_by(col(Reminder.event_id), col(Reminder.due_at))
        )
    )
