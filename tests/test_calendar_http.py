"""The live calendar feed served by the bot's real HTTP server (uvicorn on loopback), in HTTP
mode and in Socket Mode: the secret address, rotation, conditional requests, a query's feed,
and SEQUENCE following real changes made through the editing services."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, Status
from handlers.context import AppContext
from services.calendar_feed import feed_token, rotate_feed
from services.editing import delete_event, new_uid, save_event, set_status
from tests.support.bot_server import BotServer
from tests.support.schedule import TEAM
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app

PUBLIC = "https://tripdesk.example.org"
START = datetime(2024, 4, 2, 13, 0, tzinfo=UTC)


@pytest.fixture
def feed_desk(settings, engine, clock):
    """The bot in HTTP mode with its public address set and one editor, U0EDITOR."""
    ctx = AppContext(
        settings=replace(settings, editors=frozenset({"U0EDITOR"}), public_url=PUBLIC), engine=engine, clock=clock
    )
    bolt = create_app(ctx)
    server = BotServer(asgi_app(engine=engine, bolt=bolt), bolt=bolt).start()
    yield server
    server.stop()


@pytest.fixture
def socket_mode_server(engine):
    """What `bot.py run` serves in Socket Mode: no Slack route, the health check and the feed."""
    server = BotServer(asgi_app(engine=engine, bolt=None)).start()
    yield server
    server.stop()


def token(engine, clock) -> str:
    return feed_token(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=clock())


def draft(**fields) -> EventDraft:
    values = dict(
        uid=new_uid(),
        title="Blinken meets Séjourné",
        starts_at=START,
        tz="Europe/Paris",
        kind=Kind.BILATERAL,
        status=Status.CONFIRMED,
        city="Paris",
        country="France",
        venue="Quai d'Orsay",
        participants=("Antony Blinken", "Stéphane Séjourné"),
    )
    return EventDraft(**{**values, **fields})


def save(engine, clock, event_draft: EventDraft, *, event=None):
    form = EventInput(draft=event_draft, trip_id=None, channel_id=None, lead_times=(60,), past_record=False)
    return save_event(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        form=form,
        now=clock(),
        default_channel=None,
        event_id=event.id if event else None,
        version=event.version if event else None,
    ).event


def events_of(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_secret_address_serves_the_schedule_as_text_calendar(feed_desk, engine, clock, sample):
    response = feed_desk.http.get(f"/calendar/{token(engine, clock)}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["etag"].startswith('"')
    assert response.headers["last-modified"].endswith("GMT")
    assert "private" in response.headers["cache-control"]
    events = events_of(response)
    assert len(events) == 8
    sejourne = events["blinken-sejourne-2024-04-02@samples.tripdesk"]
    assert sejourne["SUMMARY"] == "Blinken and Séjourné: talks at the Quai d'Orsay"
    assert sejourne.decoded("DTSTART") == datetime(2024, 4, 2, 10, 0, tzinfo=UTC)
    # The strict parser takes the whole feed as served.
    assert len(IcsCalendarStream.calendar_from_ics(response.text).events) == 8


def test_no_accept_header_and_any_accept_header_get_the_same_calendar(feed_desk, engine, clock, sample):
    path = f"/calendar/{token(engine, clock)}.ics"
    bare = feed_desk.http.build_request("GET", path)
    del bare.headers["accept"]
    plain = feed_desk.http.send(bare)
    html = feed_desk.http.get(path, headers={"Accept": "text/html"})
    assert plain.status_code == html.status_code == 200
    assert plain.content == html.content
    assert html.headers["content-type"] == "text/calendar; charset=utf-8"


def test_a_wrong_secret_gets_the_same_404_as_any_unknown_address(feed_desk, engine, clock, sample):
    good = token(engine, clock)
    wrong_verifier = good[:12] + ("A" if good[12] != "A" else "B") + good[13:]
    wrong_selector = ("A" if good[0] != "A" else "B") + good[1:]
    answers = [
        feed_desk.http.get(f"/calendar/{candidate}.ics")
        for candidate in (wrong_verifier, wrong_selector, good[:-1], "x" * 55, "..%2F..%2Fetc")
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert len({a.content for a in answers}) == 1
    assert b"VCALENDAR" not in answers[0].content


def test_rotation_makes_the_old_address_404(feed_desk, engine, clock, sample):
    old = token(engine, clock)
    assert feed_desk.http.get(f"/calendar/{old}.ics").status_code == 200
    new = rotate_feed(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=clock())
    assert new != old
    assert feed_desk.http.get(f"/calendar/{old}.ics").status_code == 404
    assert feed_desk.http.get(f"/calendar/{new}.ics").status_code == 200
    # The address given afterwards is the new one.
    assert token(engine, clock) == new


def test_an_unchanged_schedule_gets_304_and_a_change_a_new_calendar(feed_desk, engine, clock):
    save(engine, clock, draft())
    path = f"/calendar/{token(engine, clock)}.ics"
    first = feed_desk.http.get(path)
    etag = first.headers["etag"]
    again = feed_desk.http.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = feed_desk.http.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    assert feed_desk.http.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200

    clock.advance(timedelta(minutes=5))
    save(engine, clock, draft())
    changed = feed_desk.http.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert len(events_of(changed)) == 2
    later = format_datetime(clock().replace(microsecond=0), usegmt=True)
    assert changed.headers["last-modified"] == later


def test_head_answers_the_headers_without_the_body(feed_desk, engine, clock, sample):
    path = f"/calendar/{token(engine, clock)}.ics"
    head = feed_desk.http.head(path)
    get = feed_desk.http.get(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-type"] == "text/calendar; charset=utf-8"


def test_a_query_feed_has_the_querys_events_only(feed_desk, engine, clock, sample):
    path = f"/calendar/{token(engine, clock)}.ics"
    everything = feed_desk.http.get(path)
    response = feed_desk.http.get(path, params={"q": "sejourne"})
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["X-WR-CALNAME"] == "newsroom — TripDesk: sejourne"
    titles = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert titles and all("Séjourné" in title for title in titles)
    assert len(titles) < len(events_of(everything))
    assert response.headers["etag"] != everything.headers["etag"]
    # Nothing matches: an empty calendar, not an error.
    assert events_of(feed_desk.http.get(path, params={"q": "zzzz"})) == {}


def test_a_query_too_long_or_without_words_is_refused(feed_desk, engine, clock, sample):
    path = f"/calendar/{token(engine, clock)}.ics"
    assert feed_desk.http.get(path, params={"q": "a" * 201}).status_code == 400
    assert feed_desk.http.get(path, params={"q": "!!!"}).status_code == 400
    # A line break would end the calendar's name and start a property of the asker's choosing.
    for injected in ("and\r\nBEGIN:VEVENT", "and\rX-INJECTED:1", "and\x00"):
        assert feed_desk.http.get(path, params={"q": injected}).status_code == 400


def test_one_query_however_it_is_typed_is_one_feed(feed_desk, engine, clock, sample):
    path = f"/calendar/{token(engine, clock)}.ics"
    answers = [feed_desk.http.get(path, params={"q": q}) for q in ("Séjourné", "sejourne!", "  SEJOURNE.")]
    assert {a.status_code for a in answers} == {200}
    assert len({a.headers["etag"] for a in answers}) == 1
    assert {icalendar.Calendar.from_ical(a.content)["X-WR-CALNAME"] for a in answers} == {
        "newsroom — TripDesk: sejourne"
    }


def test_sequence_rises_with_each_change_of_time_place_and_status(feed_desk, engine, clock):
    path = f"/calendar/{token(engine, clock)}.ics"
    event = save(engine, clock, draft())
    uid = event.uid
    sequences = [events_of(feed_desk.http.get(path))[uid]["SEQUENCE"]]

    clock.advance(timedelta(minutes=1))
    moved = replace(draft(uid=uid), starts_at=START + timedelta(hours=2))
    event = save(engine, clock, moved, event=event)
    served = events_of(feed_desk.http.get(path))[uid]
    sequences.append(served["SEQUENCE"])
    assert served.decoded("DTSTART") == START + timedelta(hours=2)

    clock.advance(timedelta(minutes=1))
    event = save(
        engine, clock, replace(moved, city="Brussels", country="Belgium", venue="NATO headquarters"), event=event
    )
    served = events_of(feed_desk.http.get(path))[uid]
    sequences.append(served["SEQUENCE"])
    assert served["LOCATION"] == "NATO headquarters, Brussels, Belgium"

    clock.advance(timedelta(minutes=1))
    event = set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    ).event
    served = events_of(feed_desk.http.get(path))[uid]
    sequences.append(served["SEQUENCE"])
    assert served["STATUS"] == "CANCELLED" and served["SUMMARY"] == "Cancelled: Blinken meets Séjourné"
    assert served.decoded("LAST-MODIFIED") == clock()

    assert sequences == sorted(set(sequences)), sequences
    assert sequences[0] == 0

    delete_event(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        now=clock(),
        default_channel=None,
    )
    assert uid not in events_of(feed_desk.http.get(path))


def test_socket_mode_serves_the_feed_too(socket_mode_server, engine, clock, sample):
    path = f"/calendar/{token(engine, clock)}.ics"
    response = socket_mode_server.http.get(path)
    assert response.status_code == 200
    assert len(events_of(response)) == 8
    assert socket_mode_server.http.get(path, headers={"If-None-Match": response.headers["etag"]}).status_code == 304
    assert socket_mode_server.http.get("/calendar/" + "x" * 55 + ".ics").status_code == 404


def test_the_address_from_trip_feed_works_and_rotation_by_an_editor_ends_it(feed_desk, sample):
    reply = json.loads(feed_desk.command("feed", user_id="U0READER").text)
    assert reply["response_type"] == "ephemeral"
    url = reply["text"].rsplit(" ", 1)[-1]
    assert url.startswith(f"{PUBLIC}/calendar/") and url.endswith(".ics")
    path = url.removeprefix(PUBLIC)
    assert feed_desk.http.get(path).status_code == 200

    rotated = json.loads(feed_desk.command("feed rotate", user_id="U0EDITOR").text)
    new_url = rotated["text"].rsplit(" ", 1)[-1]
    assert new_url != url and new_url.startswith(f"{PUBLIC}/calendar/")
    assert "stopped working" in rotated["text"]
    assert feed_desk.http.get(path).status_code == 404
    assert feed_desk.http.get(new_url.removeprefix(PUBLIC)).status_code == 200


def test_gzip_for_clients_that_accept_it_and_plain_for_the_others(feed_desk, engine, clock, sample):
    path = f"/calendar/{token(engine, clock)}.ics"
    plain = feed_desk.http.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["content-length"] == str(len(plain.content))
    zipped = feed_desk.http.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert zipped.content == plain.content  # httpx decompresses
    assert "Accept-Encoding" in zipped.headers["vary"]
    assert zipped.headers["etag"] != plain.headers["etag"]
    refused = feed_desk.http.get(path, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    for etag in (plain.headers["etag"], zipped.headers["etag"]):
        assert feed_desk.http.get(path, headers={"If-None-Match": etag}).status_code == 304
