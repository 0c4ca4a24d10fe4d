"""`/trip itinerary <who>` and a card's Itinerary button, through signed requests and the fake
Slack: the sample trip, zone changes across daylight-saving changes and the date line, several
people, nothing upcoming."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Status
from services.editing import new_uid, save_event, set_status
from storage.db import session
from storage.models import Event, Follow
from tests.services.test_itineraries import calendar
from tests.support.block_kit_limits import message_problems, view_problems
from tests.support.long_content import mrkdwn_texts
from tests.support.samples import load_ics
from tests.support.schedule import TEAM
from tests.support.waiting import wait_for_calls

MINUS = "\u2212"


def reply(response) -> dict:
    assert response.status_code == 200, response.text
    message = json.loads(response.text)
    assert message_problems(message) == []
    return message


def body(message: dict) -> str:
    return "\n".join([message["text"], *mrkdwn_texts(message["blocks"])])


@pytest.mark.usefixtures("sample")
def test_the_sample_trip_is_paris_brussels_washington(bot):
    started = time.monotonic()
    message = reply(bot.command("itinerary blinken"))
    assert time.monotonic() - started < 3
    assert message["response_type"] == "ephemeral"
    assert message["text"] == (
        "Itinerary of Antony Blinken: Paris, France (Tue 2 Apr 2024)"
        " → Brussels, Belgium, same zone (Wed 3 – Fri 5 Apr 2024, known to the day, times TBC)"
        f" → Washington, United States, {MINUS}6 h (Tue 9 – Thu 11 Jul 2024, known to the day, times TBC)"
    )
    text = body(message)
    assert ":airplane: Paris → Brussels, same zone" in text
    assert f":airplane: Brussels → Washington, {MINUS}6 h\n_6 April – 8 July 2024: nothing on the schedule_" in text
    assert "8 events in 3 stops, 2 April – 11 July 2024" in text
    # The KNDS plant "near Paris" is on the Paris leg, marked tentative; times are the venue's
    # with a token for the reader's.
    assert "Visit to the KNDS artillery plant with Sébastien Lecornu*  ·  KNDS artillery plant  ·  _tentative_" in text
    stamp = int(datetime(2024, 4, 2, 8, 0, tzinfo=UTC).timestamp())
    assert f"Tue 2 Apr 2024, 10:00–11:00 CEST (your time <!date^{stamp}^" in text


@pytest.mark.usefixtures("sample")
@pytest.mark.parametrize("query", ["Blinken", "antony blinken", "BLINK", "Antony Blínken"])
def test_any_spelling_finds_him(bot, query):
    assert reply(bot.command(f"itinerary {query}"))["text"].startswith("Itinerary of Antony Blinken: Paris")


@pytest.mark.usefixtures("sample")
def test_a_counterpart_has_an_itinerary_too(bot):
    message = reply(bot.command("itinerary macron"))
    assert message["text"] == "Itinerary of Emmanuel Macron: Paris, France (Tue 2 Apr 2024)"


def test_without_a_name_a_usage_line(bot):
    message = reply(bot.command("itinerary"))
    assert message["text"] == "Say whose: `/trip itinerary blinken` shows their trip stop by stop."
    assert "Say whose" in reply(bot.command("itinerary ??"))["text"]


@pytest.mark.usefixtures("sample")
def test_no_one_by_that_name(bot):
    message = reply(bot.command("itinerary blinkin"))
    assert "No one called “blinkin” is on the schedule. Did you mean *Blinken*?" in message["text"]


@pytest.mark.usefixtures("sample")
def test_nothing_upcoming_offers_the_most_recent_trip(bot, clock):
    clock.advance(timedelta(days=200))
    message = reply(bot.command("itinerary blinken"))
    text = body(message)
    assert (
        "Nothing on the schedule for *Antony Blinken* from now on."
        " Here is the most recent trip, *Paris and Brussels, April 2024*:" in text
    )
    assert message["text"].startswith("Most recent trip of Antony Blinken: Paris, France")
    assert "Washington" not in message["text"]


def meeting(engine, clock, *, start: datetime, participants: tuple[str, ...]) -> None:
    draft = EventDraft(
        uid=new_uid(), title="Meeting", starts_at=start, tz="Europe/Paris", city="Paris", participants=participants
    )
    form = EventInput(draft=draft, trip_id=None, channel_id=None, lead_times=(), past_record=False)
    save_event(engine, team_id=TEAM, actor="U0EDITOR", form=form, now=clock(), default_channel=None)


def test_several_people_are_named_not_mixed(bot, engine, clock):
    meeting(engine, clock, start=datetime(2024, 4, 2, 8, tzinfo=UTC), participants=("Joe Biden", "Olaf Scholz"))
    meeting(engine, clock, start=datetime(2024, 4, 3, 8, tzinfo=UTC), participants=("Jill Biden",))
    message = reply(bot.command("itinerary biden"))
    assert "could be several people" in message["text"]
    assert "*Joe Biden*" in message["text"] and "*Jill Biden*" in message["text"]
    assert reply(bot.command("itinerary jill biden"))["text"].startswith("Itinerary of Jill Biden: Paris")


@pytest.mark.usefixtures("sample")
def test_a_cancelled_stop_is_struck_through_and_no_leg(bot, engine, clock):
    with session(engine) as db:
        pashinyan = db.exec(select(Event).where(col(Event.title).startswith("US–EU–Armenia"))).one()
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=pashinyan.id or 0,
        version=pashinyan.version,
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    )
    text = body(reply(bot.command("itinerary blinken")))
    assert "~US–EU–Armenia meeting with Prime Minister Nikol Pashinyan~  *CANCELLED*" in text
    assert ":round_pushpin: *Brussels, Belgium*  ·  Wed 3 – Thu 4 Apr 2024" in text
    assert "5 April – 8 July 2024: nothing on the schedule" in text


def envoy_trip() -> bytes:
    """A trip across Europe's change to summer time, then over the Pacific."""
    stops = [
        ("paris-1", "Europe/Paris", "20240329T100000", "Paris, France"),
        ("paris-2", "Europe/Paris", "20240401T100000", "Paris, France"),
        ("new-york", "America/New_York", "20240402T100000", "New York, United States"),
        ("tokyo", "Asia/Tokyo", "20240610T180000", "Tokyo, Japan"),
        ("honolulu", "Pacific/Honolulu", "20240610T090000", "Honolulu, United States"),
    ]
    events = "".join(
        f"BEGIN:VEVENT\nUID:{uid}@test\nDTSTAMP:20240301T000000Z\nSUMMARY:Envoy in {place.split(',')[0]}\n"
        f"DTSTART;TZID={tz}:{start}\nDURATION:PT2H\nLOCATION:Venue\\, {place.replace(',', chr(92) + ',')}\n"
        "STATUS:CONFIRMED\nX-TRIPDESK-PRINCIPAL:Special Envoy Kerry\nX-TRIPDESK-TRIP:Round the world\nEND:VEVENT\n"
        for uid, tz, start, place in stops
    )
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{events}END:VCALENDAR\n".encode()


def test_zone_changes_across_daylight_saving_and_the_date_line(bot, engine, clock):
    clock.moment = datetime(2024, 3, 1, tzinfo=UTC)
    load_ics(engine, envoy_trip())
    message = reply(bot.command("itinerary kerry"))
    text = body(message)
    # Paris is on summer time by 2 April (+2), as is New York (−4): −6 h, not the −5 h of
    # the leg's first day. Tokyo (+9) to Honolulu (−10) goes back over the date line.
    assert f":airplane: Paris → New York, {MINUS}6 h" in text
    assert ":airplane: New York → Tokyo, +13 h" in text
    assert f":airplane: Tokyo → Honolulu, {MINUS}19 h" in text
    # Landing in Honolulu on the morning of the day it left Tokyo: no day in between.
    assert "Honolulu, United States*  ·  Mon 10 Jun 2024" in text
    assert "_3 April – 9 June 2024: nothing on the schedule_" in text
    assert "_30–31 March 2024: nothing on the schedule_" in text


@pytest.mark.usefixtures("sample")
def test_the_card_button_answers_with_the_principals_itinerary(bot, fake_slack):
    listing = reply(bot.command("macron"))
    buttons = [e for b in listing["blocks"] if b["type"] == "actions" for e in b["elements"]]
    (itinerary,) = [b for b in buttons if b["action_id"] == "event_itinerary"]
    assert itinerary["text"]["text"] == "Itinerary"
    started = time.monotonic()
    response = bot.action(itinerary, response_url=fake_slack.response_url("itinerary"))
    assert response.status_code == 200 and time.monotonic() - started < 3
    (call,) = wait_for_calls(fake_slack, "response_url")
    answer = call.payload
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert message_problems(answer) == []
    assert answer["text"].startswith("Itinerary of Antony Blinken: Paris, France")
    assert f"Washington, United States, {MINUS}6 h" in answer["text"]


@pytest.mark.usefixtures("sample")
def test_a_card_outside_any_trip_has_no_itinerary_button(bot):
    listing = reply(bot.command("stoltenberg"))
    actions = [e["action_id"] for b in listing["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "cover_me" in actions and "event_itinerary" not in actions


@pytest.mark.usefixtures("sample")
def test_the_button_of_a_deleted_event_says_so(bot, fake_slack, engine):
    bot.action(
        {"type": "button", "action_id": "event_itinerary", "value": "999999"},
        response_url=fake_slack.response_url("gone"),
    )
    (call,) = wait_for_calls(fake_slack, "response_url")
    assert call.payload["text"] == "That event is no longer on the schedule."


# -- the Home tab --------------------------------------------------------------------------------


def follow(engine, clock, user: str, *queries: str) -> None:
    with session(engine) as db, db.begin():
        for n, query in enumerate(queries):
            db.add(
                Follow(
                    team_id=TEAM,
                    user_id=user,
                    query=query,
                    query_key=query.lower(),
                    tz="Europe/Paris",
                    created_at=clock() + timedelta(seconds=n),
                )
            )


def home_of(bot, fake_slack, user: str) -> dict:
    before = len(fake_slack.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    assert bot.event({**event, "event_ts": f"{time.time():.6f}"}).status_code == 200
    view = wait_for_calls(fake_slack, "views.publish", before + 1)[-1].payload["view"]
    assert view_problems(view) == [] and len(view["blocks"]) <= 100
    return view


def itineraries_part(view: dict) -> str | None:
    headers = [n for n, b in enumerate(view["blocks"]) if b["type"] == "header"]
    for n in headers:
        if view["blocks"][n]["text"]["text"] == "Itineraries of the people you follow":
            following = [b for b in view["blocks"][n + 1 :]]
            end = next((i for i, b in enumerate(following) if b["type"] in ("divider", "header")), len(following))
            return "\n".join(b["text"]["text"] for b in following[:end])
    return None


@pytest.mark.usefixtures("sample")
def test_the_home_tab_shows_the_itinerary_of_a_followed_principal(bot, fake_slack, engine, clock):
    # Séjourné and Macron are counterparts, not principals of a trip: no itinerary for them.
    follow(engine, clock, "U0ALICE", "sejourne", "blinken", "macron")
    part = itineraries_part(home_of(bot, fake_slack, "U0ALICE"))
    assert part is not None
    assert part.startswith("*Antony Blinken*  ·  `/trip itinerary blinken`")
    assert ":round_pushpin: *Paris, France*  ·  Tue 2 Apr 2024  ·  5 events" in part
    assert ":airplane: Paris → Brussels, same zone" in part
    assert f":airplane: Brussels → Washington, {MINUS}6 h\n_6 April – 8 July 2024: nothing on the schedule_" in part
    assert "Emmanuel Macron" not in part
    follow(engine, clock, "U0BOB", "macron")
    assert itineraries_part(home_of(bot, fake_slack, "U0BOB")) is None


def test_the_home_tab_keeps_to_its_limits_with_long_itineraries(bot, fake_slack, engine, clock):
    cities = [("Paris", "Europe/Paris"), ("Tokyo", "Asia/Tokyo"), ("Lima", "America/Lima")]
    events = []
    for person in range(5):
        for n in range(40):
            city, tz = cities[n % 3]
            events.append(
                f"BEGIN:VEVENT\nUID:p{person}-{n}@test\nDTSTAMP:20240301T000000Z\nSUMMARY:Stop {n} <&> {'x' * 200}\n"
                f"DTSTART;TZID={tz}:2024{4 + n // 28:02d}{1 + n % 28:02d}T100000\nLOCATION:{city}\n"
                f"X-TRIPDESK-PRINCIPAL:Minister{person} Envoy\nX-TRIPDESK-TRIP:Tour\nEND:VEVENT\n"
            )
    load_ics(engine, f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n{''.join(events)}END:VCALENDAR\n".encode())
    follow(engine, clock, "U0ALICE", *(f"minister{n}" for n in range(5)))
    part = itineraries_part(home_of(bot, fake_slack, "U0ALICE"))
    assert part is not None and part.count("`/trip itinerary") == 3
    assert "and 32 more stops" in part
    message = reply(bot.command("itinerary minister1"))
    assert "more stops, to" in body(message)


DINNER = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//t//EN
BEGIN:VEVENT
UID:dinner@test
DTSTAMP:20240301T000000Z
SUMMARY:Dinner with Blinken and Scholz
DTSTART;TZID=Europe/Berlin:20240407T190000
LOCATION:Berlin, Germany
ATTENDEE;CN=Blinken:mailto:b@example.org
ATTENDEE;CN=Olaf Scholz:mailto:s@example.org
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.usefixtures("sample")
def test_the_button_and_the_home_tab_find_him_named_by_surname_alone(bot, fake_slack, engine, clock):
    # An event outside his trip that names him "Blinken": the command finds it, and so must
    # the card's button and the Home tab, which know his whole name.
    load_ics(engine, DINNER, now=clock())
    command = reply(bot.command("itinerary blinken"))["text"]
    assert "Berlin, Germany" in command
    listing = reply(bot.command("macron"))
    buttons = [e for b in listing["blocks"] if b["type"] == "actions" for e in b["elements"]]
    (itinerary,) = [b for b in buttons if b["action_id"] == "event_itinerary"]
    bot.action(itinerary, response_url=fake_slack.response_url("itinerary"))
    (call,) = wait_for_calls(fake_slack, "response_url")
    assert call.payload["text"] == command
    follow(engine, clock, "U0ALICE", "antony blinken")
    part = itineraries_part(home_of(bot, fake_slack, "U0ALICE"))
    assert part is not None and ":round_pushpin: *Berlin, Germany*  ·  Sun 7 Apr 2024  ·  1 event" in part


def test_a_past_trip_all_called_off_is_worded_alike_in_blocks_and_text(bot, engine, clock):
    load_ics(engine, calendar(("off", "Kamala Harris", "20240412T100000", "CANCELLED")), now=clock())
    clock.advance(timedelta(days=30))
    message = reply(bot.command("itinerary harris"))
    assert (
        "Nothing on the schedule for *Kamala Harris* from now on."
        " In the most recent trip, *Tour*, everything was cancelled or postponed:" in body(message)
    )
    assert message["text"] == "Most recent trip, Tour, of Kamala Harris: everything was cancelled or postponed."
