"""`/trip add`: the modal opened from a signed command, answered as Slack answers it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.db import session
from storage.models import EventChange
from tests.support.forms import answer, open_form, stored
from tests.support.waiting import wait_for_calls, wait_until


def test_add_opens_the_modal_with_the_command_trigger(bot, fake_slack):
    payload = open_form(bot, fake_slack)
    view = payload["view"]
    assert payload["trigger_id"]
    assert view["type"] == "modal" and view["callback_id"] == "event_form"
    assert len(view["title"]["text"]) <= 24
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["channel"]["element"]["initial_conversation"] == "C0FOREIGN"
    assert blocks["tz"]["element"]["initial_option"]["value"] == "auto"
    assert {
        "title",
        "kind",
        "participants",
        "venue",
        "city",
        "country",
        "start_date",
        "start_time",
        "tz",
        "end_date",
        "end_time",
        "precision",
        "status",
        "trip",
        "channel",
        "lead_times",
        "source_url",
        "notes",
        "past_record",
    } <= set(blocks)


def test_a_valid_submission_is_stored_announced_and_found(bot, fake_slack, engine):
    view = open_form(bot, fake_slack)["view"]
    reply = answer(bot, view)
    assert reply["response_action"] == "update"
    assert "Added to the schedule" in json.dumps(reply["view"])
    (event,) = stored(engine)
    assert event.tz == "Europe/Paris"  # from the city
    assert event.starts_at == datetime(2024, 4, 2, 13, 0, tzinfo=UTC)
    assert event.created_by == "U0EDITOR" and event.channel_id == "C0FOREIGN"

    notice = wait_for_calls(fake_slack, "chat.postMessage")[0].payload
    assert notice["channel"] == "C0FOREIGN"
    assert notice["text"].startswith("New on the schedule: Blinken meets President Macron")
    body = json.loads(bot.command("macron").text)
    text = json.dumps(body, ensure_ascii=False)
    assert "Tue 2 Apr 2024, 15:00 CEST" in text
    assert f"<!date^{int(datetime(2024, 4, 2, 13, 0, tzinfo=UTC).timestamp())}^" in text
    with session(engine) as db:
        (change,) = db.exec(select(EventChange)).all()
    assert (change.action, change.actor) == ("created", "U0EDITOR")
    # The notice opened the event's thread: later notices go there.
    wait_until(lambda: stored(engine)[0].thread_ts is not None)


def test_an_explicit_zone_wins_over_the_city(bot, fake_slack, engine):
    view = open_form(bot, fake_slack)["view"]
    answer(bot, view, tz="America/New_York", city="Paris", start_time="09:00")
    (event,) = stored(engine)
    assert event.tz == "America/New_York" and event.starts_at == datetime(2024, 4, 2, 13, 0, tzinfo=UTC)


def test_month_precision_for_in_july(bot, fake_slack, engine):
    view = open_form(bot, fake_slack)["view"]
    answer(
        bot,
        view,
        title="NATO summit",
        city="Washington",
        country="United States",
        start_date="2024-07-15",
        start_time=None,
        precision="month",
        kind="summit",
    )
    (event,) = stored(engine)
    assert event.starts_at == datetime(2024, 7, 1, 4, 0, tzinfo=UTC)
    assert "July 2024, date TBC" in json.loads(bot.command("nato").text)["text"]


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"title": "   "}, "title", "Give the event a title"),
        ({"title": "x" * 301}, "title", "At most 300 characters"),
        ({"notes": "n" * 4001}, "notes", "At most 4,000 characters"),
        ({"end_date": "2024-04-02", "end_time": "14:00"}, "end_date", "The end is before the start"),
        ({"start_date": "2024-03-31", "start_time": "02:30"}, "start_time", "does not exist in Europe/Paris"),
        ({"start_date": "2024-10-27", "start_time": "02:30"}, "start_time", "happens twice in Europe/Paris"),
        ({"tz": "Mars/Olympus_Mons"}, "tz", "not a time zone"),
        ({"source_url": "elysee dot fr"}, "source_url", "full web address"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "full web address"),
        ({"start_date": "2024-03-30"}, "start_date", "in the past"),
        ({"start_time": None}, "start_time", "Pick the start time"),
        ({"start_date": None}, "start_date", "Pick the day"),
        ({"channel": "C0SECRET"}, "channel", "Invite @TripDesk"),
        ({"trip": "new", "trip_name": ""}, "trip_name", "Name the new trip"),
        ({"kind": "party"}, "kind", "Pick one of the options"),
        ({"lead_times": ["999"]}, "lead_times", "Pick reminder times"),
    ],
)
def test_invalid_submissions_get_a_field_error_and_store_nothing(bot, fake_slack, engine, values, field, fragment):
    view = open_form(bot, fake_slack)["view"]
    reply = answer(bot, view, **values)
    assert reply["response_action"] == "errors"
    assert fragment in reply["errors"][field]
    assert stored(engine) == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_private_channel_the_bot_is_not_in(bot, fake_slack, engine):
    fake_slack.channels["C0PRIVATE"] = {"name": "secret-trips", "is_member": False, "is_private": True}
    view = open_form(bot, fake_slack)["view"]
    reply = answer(bot, view, channel="C0PRIVATE")
    assert reply["errors"]["channel"].startswith("Invite @TripDesk to #secret-trips")
    assert stored(engine) == []


def test_a_public_channel_is_joined(bot, fake_slack, engine):
    view = open_form(bot, fake_slack)["view"]
    assert answer(bot, view, channel="C0PUBLIC")["response_action"] == "update"
    assert [c.payload["channel"] for c in fake_slack.calls_to("conversations.join")] == ["C0PUBLIC"]
    assert stored(engine)[0].channel_id == "C0PUBLIC"


def test_an_archived_channel_is_refused(bot, fake_slack, engine):
    fake_slack.channels["C0OLD"] = {"name": "old-desk", "is_member": True, "is_private": False, "is_archived": True}
    reply = answer(bot, open_form(bot, fake_slack)["view"], channel="C0OLD")
    assert "#old-desk is archived" in reply["errors"]["channel"]


def test_a_record_of_a_past_event_is_allowed_without_reminders(bot, fake_slack, engine):
    view = open_form(bot, fake_slack)["view"]
    reply = answer(bot, view, start_date="2024-03-30", past_record=["yes"], lead_times=["60"])
    assert reply["response_action"] == "update"
    (event,) = stored(engine)
    assert event.past_record and event.lead_times == ""


def test_dst_edges_in_paris(bot, fake_slack, engine, clock):
    clock.moment = datetime(2024, 3, 1, tzinfo=UTC)
    view = open_form(bot, fake_slack)["view"]
    # 03:00 on 31 March exists (CEST): 01:00 UTC. 01:59 on 27 October is still CEST; 03:00 is CET.
    answer(bot, view, title="Spring", start_date="2024-03-31", start_time="03:00")
    answer(bot, view, title="Autumn before", start_date="2024-10-27", start_time="01:59")
    answer(bot, view, title="Autumn after", start_date="2024-10-27", start_time="03:00")
    starts = {e.title: e.starts_at for e in stored(engine)}
    assert starts == {
        "Spring": datetime(2024, 3, 31, 1, 0, tzinfo=UTC),
        "Autumn before": datetime(2024, 10, 26, 23, 59, tzinfo=UTC),
        "Autumn after": datetime(2024, 10, 27, 2, 0, tzinfo=UTC),
    }


def test_new_trip_and_joining_it(bot, fake_slack, engine):
    view = open_form(bot, fake_slack)["view"]
    answer(bot, view, trip="new", trip_name="Europe, April 2024", trip_principal="")
    (event,) = stored(engine)
    assert event.trip.principal == "Antony Blinken" and event.trip.name == "Europe, April 2024"
    second = open_form(bot, fake_slack)["view"]
    trip_options = {
        o["value"]: o["text"]["text"]
        for o in next(b for b in second["blocks"] if b["block_id"] == "trip")["element"]["options"]
    }
    assert trip_options[str(event.trip_id)] == "Antony Blinken: Europe, April 2024"
    answer(
        bot,
        second,
        title="Séjourné talks",
        participants="Stéphane Séjourné",
        start_time="17:00",
        trip=str(event.trip_id),
    )
    joined = next(e for e in stored(engine) if e.title == "Séjourné talks")
    assert joined.trip_id == event.trip_id
    assert [p.name for p in joined.participants] == ["Antony Blinken", "Stéphane Séjourné"]


def test_zone_options_follow_what_is_typed(bot):
    response = bot.suggest("tz", "new y")
    assert response.status_code == 200
    values = [o["value"] for o in json.loads(response.text)["options"]]
    assert "America/New_York" in values and len(values) <= 100
    everything = [o["value"] for o in json.loads(bot.suggest("tz", "").text)["options"]]
    assert everything[0] == "auto" and len(everything) == 100
