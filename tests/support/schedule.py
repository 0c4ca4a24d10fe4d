"""Events and deliverers for tests that start from the schedule rather than from Slack."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk import WebClient

from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, Status
from services.editing import new_uid, save_event

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
    form = EventInput(draft=draft, trip_id=None, channel_id=channel, lead_times=lead_times, past_record=False)
    return save_event(engine, team_id=TEAM, actor=actor, form=form, now=clock(), default_channel=None).event


def client_for(fake_slack, *, timeout: float = 5) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.base_url, timeout=timeout, retry_handlers=[])
