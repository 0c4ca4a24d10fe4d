from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient

from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, Status
from jobs.reminders import ChannelPacer, ReminderDeliverer
from services.editing import new_uid, save_event

TEAM = "T0NEWSROOM"


def add_event(engine, clock, *, title="Blinken meets Macron", start, tz="Europe/Paris", kind=Kind.BILATERAL, lead_times=(60,), channel="C0FOREIGN", actor="U0EDITOR", status=Status.CONFIRMED, **fields):
    draft = EventDraft(uid=new_uid(), title=title, starts_at=start, tz=tz, kind=kind, status=status, city="Paris", venue="Élysée Palace", participants=("Antony Blinken", "Emmanuel Macron"), **fields)
    form = EventInput(draft=draft, trip_id=None, channel_id=channel, lead_times=lead_times, past_record=False)
    return save_event(engine, team_id=TEAM, actor=actor, form=form, now=clock(), default_channel=None).event


def client_for(fake_slack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.base_url, timeout=5, retry_handlers=[])


@pytest.fixture
def make_deliverer(engine, fake_slack, clock):
    made = []

    def make(*, interval: float | None = 0.0, engine_=None, replica=None, lease=timedelta(seconds=60)):
        deliverer = ReminderDeliverer(
            engine=engine_ or engine, client=client_for(fake_slack), clock=clock, replica=replica,
            pacer=ChannelPacer() if interval is None else ChannelPacer(interval=interval), retry_base=5.0, lease=lease,
        )
        made.append(deliverer)
        return deliverer

    yield make
    for deliverer in made:
        deliverer._stop.set()


@pytest.fixture
def deliverer(make_deliverer):
    return make_deliverer()
