"""Events and deliverers for tests that start from the schedule rather than from Slack."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlmodel import col, select

from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, ReminderStatus, Status
from services.editing import new_uid, save_event
from storage.db import session
from storage.models import Event, Reminder

TEAM = "T0NEWSROOM"
START = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)  # the Paris stop, 10:00 local time


def add_event(
    engine,
    clock,
    *,
    title="Blinken meets Macron",
    start,
    tz="Europe/Paris",
    kind=Kind.BILATERAL,
    lead_times=(60,),
    channel="C0FOREIGN",
    actor="U0EDITOR",
    status=Status.CONFIRMED,
    marked_key=False,
    **fields,
):
    draft = EventDraft(
        uid=new_uid(),
        title=title,
        starts_at=start,
        tz=tz,
        kind=kind,
        status=status,
        city="Paris",
        venue="Élysée Palace",
        participants=("Antony Blinken", "Emmanuel Macron"),
        **fields,
    )
    form = EventInput(
        draft=draft, trip_id=None, channel_id=channel, lead_times=lead_times, past_record=False, marked_key=marked_key
    )
    return save_event(engine, team_id=TEAM, actor=actor, form=form, now=clock(), default_channel=None).event


def client_for(fake_slack, *, timeout: float = 5) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.base_url, timeout=timeout, retry_handlers=[])


def bring_forward(engine, *, titled: str, first_due: datetime) -> None:
    """Move the events whose title starts with `titled`, and their pending reminders, earlier
    by one shift so that the first reminder comes due at `first_due`.

    Bursts are added well ahead and then moved: adding hundreds of events takes longer than any
    fixed margin on a loaded machine, and a reminder saved after its due time is rightly skipped
    as already past, which a test would then count as lost."""
    with session(engine) as db, db.begin():
        events = list(db.exec(select(Event).where(col(Event.title).startswith(titled))).unique())
        ids = [event.id for event in events]
        reminders = list(
            db.exec(select(Reminder).where(col(Reminder.event_id).in_(ids), Reminder.status == ReminderStatus.PENDING))
        )
        shift = min(reminder.due_at for reminder in reminders) - first_due
        for event in events:
            event.starts_at -= shift
            event.finishes_at -= shift
            if event.ends_at is not None:
                event.ends_at -= shift
        for reminder in reminders:
            reminder.due_at -= shift
