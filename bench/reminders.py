"""Reminder delivery against a fake Slack that allows one message a second per channel."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from bench.latency import summary
from bench.processes import start_bot
from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, Precision, ReminderStatus, Status
from services.editing import new_uid, save_event
from storage.models import Event, Reminder, table_of
from tripdesk.local_slack import LocalSlack

TEAM = "T0BENCH"


def add(engine: Engine, *, title: str, start: datetime, channel: str) -> None:
    draft = EventDraft(
        uid=new_uid(),
        title=title,
        starts_at=start,
        tz="Europe/Paris",
        kind=Kind.BILATERAL,
        status=Status.CONFIRMED,
        city="Paris",
    )
    form = EventInput(draft=draft, trip_id=None, channel_id=channel, lead_times=(60,), past_record=False)
    save_event(engine, team_id=TEAM, actor="U0BENCH", form=form, now=datetime.now(UTC), default_channel=None)


def _bring_forward(engine: Engine, *, titled: str, by: timedelta) -> None:
    """Move events titled `titled…` and their pending reminders earlier by `by`, in one
    transaction: they are added a day ahead, since adding a thousand events can take longer than
    any fixed margin, and a reminder saved after its due time is skipped as already past."""
    with Session(engine) as db, db.begin():
        events = list(db.exec(select(Event).where(col(Event.title).startswith(titled))).unique())
        for event in events:
            event.starts_at -= by
            event.finishes_at -= by
        ids = [event.id for event in events]
        pending = select(Reminder).where(col(Reminder.event_id).in_(ids), Reminder.status == ReminderStatus.PENDING)
        for reminder in db.exec(pending):
            reminder.due_at -= by


def _titles(slack: LocalSlack) -> list[tuple[str, float]]:
    return [(c.payload["text"].split(": ", 1)[1].split(" —")[0], c.received_at) for c in slack.posts()]


def burst(engine: Engine, database_url: str, *, bots: int, count: int, channels: int, log_dir: Path) -> dict:
    """`count` reminders due at one moment across `channels` channels."""
    slack = LocalSlack(team_id=TEAM).start()
    slack.post_interval = 1.0
    procs = [
        start_bot(database_url=database_url, api_url=slack.base_url, log_dir=log_dir, TRIPDESK_SWEEP_SECONDS="1")
        for _ in range(bots)
    ]
    try:
        ahead = datetime.now(UTC) + timedelta(days=1)
        for n in range(count):
            add(engine, title=f"Burst {n:05d}", start=ahead, channel=f"C0CH{n % channels:03d}")
        due = datetime.now(UTC) + timedelta(seconds=3)
        _bring_forward(engine, titled="Burst", by=ahead - timedelta(hours=1) - due)
        deadline = time.time() + (due - datetime.now(UTC)).total_seconds() + count / channels * 3 + 60
        while len(slack.posts()) < count and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(2)
        posts = _titles(slack)
    finally:
        for proc in procs:
            proc.stop()
        slack.stop()
    unique = {title for title, _ in posts}
    lateness = [at - due.timestamp() for _, at in posts]
    floor = (count / channels - 1) * 1.0
    last = max(lateness) if lateness else float("nan")
    return {
        "bots": bots,
        "reminders": count,
        "channels": channels,
        "delivered": len(unique),
        "duplicates": len(posts) - len(unique),
        "losses": count - len(unique),
        "rate_limited_429": slack.rate_limited,
        "last_delivered_s": round(last, 2),
        "floor_s": floor,
        "ratio": round(last / floor, 3) if floor else None,
        "lateness": summary(lateness) if lateness else {},
    }


def timeliness(
    engine: Engine, database_url: str, *, background: int, sample: int, spread: float, log_dir: Path
) -> dict:
    """`sample` reminders due within `spread` seconds among `background` pending over the next hours.

    All are scheduled before the bot starts, as they would be in a running newsroom."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        events, reminders = [], []
        for n in range(background):
            start = now + timedelta(hours=2, seconds=n * 2)
            events.append(
                {
                    "id": 10_000_000 + n,
                    "team_id": TEAM,
                    "uid": f"later-{n}@bench",
                    "title": f"Later {n}",
                    "kind": Kind.OTHER,
                    "status": Status.CONFIRMED,
                    "precision": Precision.EXACT,
                    "starts_at": start,
                    "finishes_at": start + timedelta(hours=1),
                    "tz": "Europe/Paris",
                    "city": "",
                    "country": "",
                    "venue": "",
                    "notes": "",
                    "created_by": "import",
                    "created_at": now,
                    "updated_by": "import",
                    "updated_at": now,
                    "version": 1,
                    "past_record": False,
                    "channel_id": f"C0LATER{n % 50:02d}",
                }
            )
            reminders.append(
                {
                    "team_id": TEAM,
                    "event_id": 10_000_000 + n,
                    "lead_minutes": 60,
                    "channel_id": f"C0LATER{n % 50:02d}",
                    "due_at": start - timedelta(hours=1),
                    "status": ReminderStatus.PENDING,
                    "attempts": 0,
                    "late": False,
                }
            )
        for model, rows in ((Event, events), (Reminder, reminders)):
            for chunk in range(0, len(rows), 5000):
                connection.execute(insert(table_of(model)), rows[chunk : chunk + 5000])
    ahead = datetime.now(UTC) + timedelta(days=1)
    offsets = {f"Soon {n:04d}": spread * n / sample for n in range(sample)}
    for n, (title, offset) in enumerate(offsets.items()):
        add(engine, title=title, start=ahead + timedelta(seconds=offset), channel=f"C0SOON{n % 20:02d}")
    first_due = datetime.now(UTC) + timedelta(seconds=5)
    _bring_forward(engine, titled="Soon", by=ahead - timedelta(hours=1) - first_due)
    dues = {title: first_due.timestamp() + offset for title, offset in offsets.items()}
    slack = LocalSlack(team_id=TEAM).start()
    slack.post_interval = 1.0
    proc = start_bot(database_url=database_url, api_url=slack.base_url, log_dir=log_dir)
    try:
        deadline = first_due.timestamp() + spread + 60
        while sum(1 for t, _ in _titles(slack) if t.startswith("Soon")) < sample and time.time() < deadline:
            time.sleep(0.2)
        posts = [(t, at) for t, at in _titles(slack) if t.startswith("Soon")]
    finally:
        proc.stop()
        slack.stop()
    lateness = [at - dues[t] for t, at in posts]
    return {
        "pending": background + sample,
        "sample": sample,
        "spread_s": spread,
        "delivered": len({t for t, _ in posts}),
        "lateness": summary(lateness) if lateness else {},
    }
