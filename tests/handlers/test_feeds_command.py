"""`/trip feeds` through signed requests: editors list, add, remove and sync; slow work
is acknowledged at once and reported through the response_url."""

from __future__ import annotations

import json
import threading

import pytest
from sqlmodel import select

from domain.vocabulary import Status
from services.editing import set_status
from storage.db import session
from storage.models import Event
from tests.support.calendars import Stop, calendar
from tests.support.feed_server import FeedServer
from tests.support.schedule import TEAM
from tests.support.waiting import wait_for_calls, wait_until

MACRON = Stop("macron@feed.test", "Blinken meets Macron", "20240402T100000", "20240402T110000")
NATO = Stop("nato@feed.test", "NATO foreign ministers", "20240404T090000", "20240404T120000")


@pytest.fixture
def publisher():
    server = FeedServer().start()
    server.etag = None
    yield server
    server.stop()


def command(desk, text: str, user_id: str = "U0EDITOR", **fields) -> dict:
    response = desk.command(text, user_id=user_id, **fields)
    assert response.status_code == 200
    reply = json.loads(response.text)
    assert reply["response_type"] == "ephemeral"
    return reply


def command_then_report(desk, fake_slack, text: str) -> tuple[dict, dict]:
    """The acknowledgement and the report that follows it through the response_url."""
    before = len(fake_slack.calls_to("response_url"))
    ack = command(desk, text, response_url=fake_slack.response_url("feeds"))
    (report,) = [c.payload for c in wait_for_calls(fake_slack, "response_url", before + 1, timeout=20)[before:]]
    desk.settle()
    return ack, report


def shown(message: dict) -> str:
    """Every text of the message's blocks, one a line."""
    found: list[str] = []

    def walk(part) -> None:
        if isinstance(part, dict):
            if part.get("type") in ("mrkdwn", "plain_text"):
                found.append(part["text"])
            for value in part.values():
                walk(value)
        elif isinstance(part, list):
            for value in part:
                walk(value)

    walk(message["blocks"])
    return "\n".join(found)


def events(engine) -> dict[str, Event]:
    with session(engine) as db:
        return {e.uid: e for e in db.exec(select(Event)).unique()}


def test_editors_list_the_feeds(desk):
    reply = command(desk, "feeds")
    assert "TripDesk follows no calendar feeds yet" in reply["text"]


@pytest.mark.parametrize("text", ["feeds", "feeds add https://example.org/a.ics", "feeds remove 1", "feeds sync"])
def test_non_editors_may_not_change_the_feeds(desk, engine, text, publisher, fake_slack):
    reply = command(desk, text, user_id="U0READER", response_url=fake_slack.response_url("feeds"))
    assert "Only the desk's editors" in reply["text"]
    desk.settle()
    assert fake_slack.calls_to("response_url") == [] and publisher.requests == []
    assert "no calendar feeds yet" in command(desk, "feeds")["text"]


def test_an_editor_adds_a_feed_and_its_first_sync_is_reported(desk, fake_slack, engine, publisher):
    publisher.files["/ministry.ics?key=s3cr3t"] = calendar(MACRON, NATO)

    ack, report = command_then_report(
        desk, fake_slack, f"feeds add <{publisher.url}/ministry.ics?key=s3cr3t> Quai d'Orsay & <!here>"
    )

    assert "Added feed 1, *Quai d'Orsay &amp; &lt;!here&gt;*" in shown(ack) and "Fetching it now…" in shown(ack)
    assert "s3cr3t" not in json.dumps(ack)
    assert "2 events: 2 new, 0 updated, 0 unchanged" in shown(report)
    assert {e.feed_id for e in events(engine).values()} == {1}
    listing = command(desk, "feeds")
    text = shown(listing)
    assert "*1. Quai d'Orsay &amp; &lt;!here&gt;*" in text and "ministry.ics?key=[redacted]" in text
    assert "Last good sync <!date^" in text and "2 events: 2 new" in text
    assert "s3cr3t" not in json.dumps(listing)


def test_adding_acknowledges_before_the_publisher_has_answered(desk, fake_slack, publisher):
    publisher.files["/slow.ics"] = calendar(MACRON)
    gate = publisher.gates["/slow.ics"] = threading.Event()

    ack = command(desk, f"feeds add {publisher.url}/slow.ics Slow", response_url=fake_slack.response_url("feeds"))

    assert "Fetching it now…" in shown(ack)
    wait_until(lambda: publisher.asked("/slow.ics"))  # the fetch is under way, held by the publisher
    assert fake_slack.calls_to("response_url") == []
    gate.set()
    (report,) = [c.payload for c in wait_for_calls(fake_slack, "response_url", 1, timeout=20)]
    assert "1 event: 1 new" in shown(report)
    desk.settle()


def test_a_feed_is_added_once_and_only_from_a_web_address(desk, fake_slack, publisher):
    publisher.files["/ministry.ics"] = calendar(MACRON)
    command_then_report(desk, fake_slack, f"feeds add {publisher.url}/ministry.ics Ministry")

    again = command(desk, f"feeds add {publisher.url}/ministry.ics Other name")
    assert "already feed 1, “Ministry”" in again["text"]
    refused = command(desk, "feeds add ftp://example.org/a.ics")
    assert "http, https or webcal" in refused["text"]
    assert len(publisher.requests) == 1


def test_sync_acknowledges_at_once_then_reports_each_feed(desk, fake_slack, engine, publisher):
    publisher.files["/a.ics"] = calendar(MACRON)
    publisher.files["/b.ics"] = calendar(NATO)
    command_then_report(desk, fake_slack, f"feeds add {publisher.url}/a.ics Feed A")
    command_then_report(desk, fake_slack, f"feeds add {publisher.url}/b.ics Feed B")
    publisher.statuses["/b.ics"] = 500

    ack, report = command_then_report(desk, fake_slack, "feeds sync")

    assert shown(ack) == "Syncing 2 feeds…"
    text = shown(report)
    assert "*Feed A*: Unchanged since the last sync" in text
    assert "*Feed B*: could not fetch" in text and "HTTP 500; nothing was changed" in text
    listing = shown(command(desk, "feeds"))
    assert ":warning: Failing since <!date^" in listing and "HTTP 500" in listing
    assert set(events(engine)) == {MACRON.uid, NATO.uid}


def test_removing_a_feed_keeps_its_events(desk, fake_slack, engine, publisher):
    publisher.files["/a.ics"] = calendar(MACRON, NATO)
    command_then_report(desk, fake_slack, f"feeds add {publisher.url}/a.ics Feed A")

    reply = command(desk, "feeds remove 1")

    assert "Removed the feed *Feed A*; its 2 events stay on the schedule" in reply["text"]
    assert {e.feed_id for e in events(engine).values()} == {None}
    assert "no calendar feeds yet" in command(desk, "feeds")["text"]
    assert "no calendar feeds yet" in command(desk, "feeds remove 1")["text"]


def test_a_local_edit_survives_a_sync_and_the_card_says_what_the_feed_says(desk, fake_slack, engine, clock, publisher):
    publisher.files["/a.ics"] = calendar(MACRON, NATO)
    command_then_report(desk, fake_slack, f"feeds add {publisher.url}/a.ics Ministry feed")
    macron = events(engine)[MACRON.uid]
    set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=macron.id,
        version=macron.version,
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    )
    moved = Stop(MACRON.uid, MACRON.title, "20240402T150000", "20240402T160000")
    publisher.files["/a.ics"] = calendar(moved, NATO)

    _ack, report = command_then_report(desk, fake_slack, "feeds sync")

    assert "1 updated" in shown(report)
    card = shown(command(desk, "macron"))
    assert "CANCELLED" in card and "15:00" in card
    assert "The calendar feed says: Status Confirmed" in card
    history = json.dumps(command(desk, "history macron"), ensure_ascii=False)
    assert "by import of Ministry feed" in history


def test_an_event_gone_from_the_feed_shows_as_removed_in_the_history(desk, fake_slack, engine, publisher):
    later_stop = Stop("later@feed.test", "Later talks", "20240406T100000", "20240406T110000")
    publisher.files["/a.ics"] = calendar(MACRON, NATO, later_stop)
    command_then_report(desk, fake_slack, f"feeds add {publisher.url}/a.ics Ministry feed")
    publisher.files["/a.ics"] = calendar(MACRON, later_stop)

    _ack, report = command_then_report(desk, fake_slack, "feeds sync")

    assert "1 cancelled (no longer in the feed)" in shown(report)
    history = shown(command(desk, "history nato"))
    assert "by import of Ministry feed" in history and "cancelled it: removed from Ministry feed" in history
    assert "CANCELLED" in shown(command(desk, "nato"))


def test_a_feed_whose_first_sync_fails_stays_and_the_editor_is_told_how_to_remove_it(desk, fake_slack, publisher):
    publisher.statuses["/typo.ics"] = 404

    _ack, report = command_then_report(desk, fake_slack, f"feeds add {publisher.url}/typo.ics")

    assert "HTTP 404" in shown(report) and "`/trip feeds remove 1` if the address is wrong" in shown(report)
    assert "1. " in shown(command(desk, "feeds"))
