"""`/trip add` as an editor uses it: open the modal from a signed command, answer it as Slack
sends the answer, and read back what was stored."""

from __future__ import annotations

import json
import time

from sqlmodel import select

from storage.db import session
from storage.models import Event
from tests.support.views import submission
from tests.support.waiting import wait_for_calls

VALID = {
    "title": "Blinken meets President Macron",
    "kind": "bilateral",
    "participants": "Antony Blinken, Emmanuel Macron",
    "venue": "Élysée Palace",
    "city": "Paris",
    "country": "France",
    "start_date": "2024-04-02",
    "start_time": "15:00",
    "status": "confirmed",
    "source_url": "https://www.elysee.fr/",
}


def open_form(bot, fake_slack, **fields) -> dict:
    """The views.open payload for a new `/trip add` modal (acknowledged empty, within 3 s)."""
    before = len(fake_slack.calls_to("views.open"))
    started = time.monotonic()
    response = bot.command("add", **fields)
    assert response.status_code == 200 and response.text == ""
    call = wait_for_calls(fake_slack, "views.open", before + 1)[-1]
    assert time.monotonic() - started < 3
    return call.payload


def answer(bot, view, **values) -> dict:
    """Submit `view` filled with VALID overridden by `values`; the acknowledgement's body."""
    response = bot.submit(submission(view, {**VALID, **values}))
    assert response.status_code == 200
    return json.loads(response.text) if response.text else {}


def stored(engine) -> list[Event]:
    with session(engine) as db:
        return list(db.exec(select(Event)).unique())
