"""The form warns of a clash under the start time and saves only when the editor says so;
cards show the clash. The sample trip's Brussels meeting moved to 11:00 on 2 April."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import select

from storage.db import session
from storage.models import Event, EventClash
from tests.support.cards import card_controls, choose
from tests.support.views import submission
from tests.support.waiting import wait_for_calls

MOVED = {"start_date": "2024-04-02", "start_time": "11:00", "precision": "exact"}
WARNING = (
    "⚠️ Impossible travel: Paris 10:00 → Brussels 11:00 (264 km) for Antony Blinken — Blinken meets President Macron"
)


def open_edit(bot, fake_slack, query: str) -> dict:
    before = len(fake_slack.calls_to("views.open"))
    menu, _ = card_controls(bot, query)
    choose(bot, fake_slack, menu["edit"])
    return wait_for_calls(fake_slack, "views.open", before + 1)[-1].payload["view"]


def armenia(engine) -> Event:
    with session(engine) as db:
        return next(e for e in db.exec(select(Event)).unique() if "Armenia" in e.title)


def paris_meeting(engine) -> Event:
    with session(engine) as db:
        return next(e for e in db.exec(select(Event)).unique() if e.title == "Blinken meets President Macron")


def test_moving_the_brussels_meeting_next_to_paris_warns_then_saves_anyway(bot, fake_slack, sample, engine):
    view = open_edit(bot, fake_slack, "pashinyan")
    before = armenia(engine)
    reply = json.loads(bot.submit(submission(view, MOVED)).text)

    # Not saved: the same form, the warning under the start time, and the box to save anyway.
    assert reply["response_action"] == "update"
    warned = reply["view"]
    ids = [b.get("block_id") for b in warned["blocks"]]
    assert ids[ids.index("start_time") + 1 : ids.index("start_time") + 3] == ["clash_warning", "save_anyway"]
    assert [b.get("block_id") for b in view["blocks"]] == [i for i in ids if i not in ("clash_warning", "save_anyway")]
    warning = warned["blocks"][ids.index("clash_warning")]["elements"][0]["text"]
    assert warning.splitlines()[0] == WARNING
    shown = json.loads(warned["private_metadata"])
    assert {k: v for k, v in shown.items() if k != "k"} == json.loads(view["private_metadata"])
    assert paris_meeting(engine).id in shown["k"] and len(shown["k"]) == len(warning.splitlines())
    assert warned["callback_id"] == "event_form"
    assert warned["submit"]["text"] == "Save" and warned["type"] == "modal"
    after = armenia(engine)
    assert (after.starts_at, after.version) == (before.starts_at, before.version)

    # Submitted again without the box: warned again, still not saved.
    again = json.loads(bot.submit(submission(warned, MOVED)).text)
    assert again["response_action"] == "update" and WARNING in json.dumps(again, ensure_ascii=False)
    assert armenia(engine).version == before.version

    saved = json.loads(bot.submit(submission(warned, {**MOVED, "save_anyway": ["yes"]})).text)
    assert saved["response_action"] == "update" and "clash_warning" not in json.dumps(saved)
    moved = armenia(engine)
    assert moved.starts_at == datetime(2024, 4, 2, 9, 0, tzinfo=UTC)
    with session(engine) as db:
        rows = db.exec(select(EventClash).where(EventClash.event_id == moved.id)).all()
    assert {row.other_title for row in rows} >= {"Blinken meets President Macron"}
    # Seen by the editor: not told to the channel again.
    assert all(row.noticed_at is not None for row in rows if row.event_id < row.other_id)

    card = json.loads(bot.command("pashinyan").text)
    text = json.dumps(card, ensure_ascii=False)
    assert ":warning: Clashes with *Blinken meets President Macron* (impossible travel from Paris, 264 km)" in text


def test_a_move_that_leaves_time_for_the_journey_saves_at_once(bot, fake_slack, sample, engine):
    view = open_edit(bot, fake_slack, "pashinyan")
    # UNESCO ends at 18:00 in Paris: 20:30 in Brussels leaves 2 h 30 min.
    reply = json.loads(bot.submit(submission(view, {**MOVED, "start_time": "20:30"})).text)
    assert reply["response_action"] == "update" and "clash_warning" not in json.dumps(reply)
    assert armenia(engine).starts_at == datetime(2024, 4, 2, 18, 30, tzinfo=UTC)
    assert ":warning:" not in json.loads(bot.command("pashinyan").text)["text"]


def test_cancelling_a_clashing_event_clears_its_clashes(bot, fake_slack, sample, engine):
    view = open_edit(bot, fake_slack, "pashinyan")
    warned = json.loads(bot.submit(submission(view, MOVED)).text)["view"]
    bot.submit(submission(warned, {**MOVED, "save_anyway": ["yes"]}))
    menu, _ = card_controls(bot, "macron")
    assert ":warning: Clashes with" in json.dumps(json.loads(bot.command("macron").text), ensure_ascii=False)
    choose(bot, fake_slack, menu["cancel"])
    confirm = wait_for_calls(fake_slack, "views.open", 2)[-1].payload["view"]
    bot.submit(submission(confirm, {}))
    with session(engine) as db:
        macron = next(e for e in db.exec(select(Event)).unique() if "Macron" in e.title)
        assert macron.clashes == []


def test_save_anyway_does_not_accept_a_clash_the_warning_did_not_show(bot, fake_slack, sample, engine):
    view = open_edit(bot, fake_slack, "pashinyan")
    before = armenia(engine)
    warned = json.loads(bot.submit(submission(view, MOVED)).text)["view"]
    assert "Blinken meets President Macron" in json.dumps(warned, ensure_ascii=False)

    # The box ticked, and the meeting moved to Washington as well: the Paris clash was shown,
    # the Washington distance makes a new one with the other Paris events: warned again.
    elsewhere = {**MOVED, "city": "Washington", "country": "United States", "save_anyway": ["yes"]}
    again = json.loads(bot.submit(submission(warned, elsewhere)).text)
    assert again["response_action"] == "update"
    rewarned = again["view"]
    first, now = (set(json.loads(v["private_metadata"])["k"]) for v in (warned, rewarned))
    assert now - first
    assert "clash_warning" in [b.get("block_id") for b in rewarned["blocks"]]
    assert armenia(engine).version == before.version
    with session(engine) as db:
        assert db.exec(select(EventClash).where(EventClash.event_id == before.id)).all() == []

    # Those shown now, accepted: saved, and marked seen.
    saved = json.loads(bot.submit(submission(rewarned, elsewhere)).text)
    assert saved["response_action"] == "update" and "clash_warning" not in json.dumps(saved)
    moved = armenia(engine)
    assert moved.city == "Washington" and moved.version == before.version + 1
