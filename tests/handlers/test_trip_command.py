"""`/trip` through signed HTTP requests, answered in the acknowledgement."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.samples import load_ics

pytestmark = pytest.mark.usefixtures("sample")


def reply(response) -> dict:
    assert response.status_code == 200, response.text
    return json.loads(response.text)


def text_of(message: dict) -> str:
    parts = [message["text"]]
    for block in message["blocks"]:
        for key in ("text",):
            if isinstance(block.get(key), dict):
                parts.append(block[key]["text"])
        for element in block.get("elements", []):
            parts.append(
                element.get("text")
                if isinstance(element.get("text"), str)
                else (element.get("text") or {}).get("text", "")
            )
    return "\n".join(parts)


def test_blinken_shows_the_paris_brussels_and_washington_stops(bot):
    started = time.monotonic()
    response = bot.command("blinken")
    elapsed = time.monotonic() - started
    message = reply(response)
    assert elapsed < 3
    assert message["response_type"] == "ephemeral"
    body = text_of(message)
    for expected in ("Macron", "Séjourné", "Lecornu", "Azoulay", "Pashinyan", "Paris", "Brussels", "Washington"):
        assert expected in body
    assert "blinken: 8 upcoming events" in message["text"]


def test_venue_time_and_reader_time_token(bot):
    body = text_of(reply(bot.command("macron")))
    assert "Tue 2 Apr 2024, 10:00–11:00 CEST" in body
    # 10:00 in Paris on 2 April 2024 (CEST, UTC+2) is 08:00 UTC.
    stamp = int(datetime(2024, 4, 2, 8, 0, tzinfo=UTC).timestamp())
    assert f"<!date^{stamp}^{{date_short_pretty}} {{time}}|Tue 2 Apr 2024 08:00 UTC>" in body


@pytest.mark.parametrize("query", ["sejourne", "Séjourné", "SEJOURNE", "séj"])
def test_accents_and_case_do_not_matter(bot, query):
    message = reply(bot.command(query))
    assert "2 upcoming events" in message["text"]
    assert "Stéphane Séjourné" in text_of(message)


@pytest.mark.parametrize(
    ("query", "count", "expected"),
    [
        ("nato", 3, "NATO 75th-anniversary summit"),
        ("paris", 5, "UNESCO headquarters"),
        ("unesco", 1, "Audrey Azoulay"),
        ("brussels", 2, "Nikol Pashinyan"),
        ("washington", 3, "Walter E. Washington Convention Center"),
        ("blinken press", 1, "Joint press conference"),
    ],
)
def test_places_and_keywords(bot, query, count, expected):
    message = reply(bot.command(query))
    assert message["text"].startswith(f"{query}: {count} upcoming event")
    assert expected in text_of(message)


def test_precision_and_status_are_shown(bot):
    body = text_of(reply(bot.command("nato")))
    assert "Wed 3 – Thu 4 Apr 2024, time TBC" in body
    assert "Tue 9 – Thu 11 Jul 2024, time TBC" in body
    knds = text_of(reply(bot.command("knds")))
    assert "Tentative" in knds


def test_grouped_by_trip(bot):
    message = reply(bot.command("blinken"))
    headings = [b["elements"][0]["text"] for b in message["blocks"] if b["type"] == "context"]
    assert headings[0] == ":airplane: *Antony Blinken: Paris and Brussels, April 2024*"
    assert ":spiral_calendar_pad: *Tue 9 Jul 2024*" in headings


def test_misspelling_suggests_the_name(bot):
    message = reply(bot.command("blinkin"))
    assert "Did you mean *Blinken*?" in text_of(message)
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0]["text"]["text"] == "Search Blinken"


def test_nothing_upcoming_shows_the_most_recent_past(bot, clock):
    clock.advance(timedelta(days=200))
    message = reply(bot.command("blinken"))
    assert message["text"].startswith("blinken: nothing upcoming")
    body = text_of(message)
    assert "The most recent past events" in body
    assert body.index("Blinken meets President Macron") < body.index("NATO 75th-anniversary summit")


def test_cancelled_events_are_marked(bot, engine):
    data = (SAMPLE_CANCELLED).encode()
    load_ics(engine, data)
    body = text_of(reply(bot.command("stoltenberg")))
    assert "~Dinner with Jens Stoltenberg~  *CANCELLED*" in body
    assert "(cancelled)" in reply(bot.command("stoltenberg"))["text"]


SAMPLE_CANCELLED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:dinner@test
DTSTAMP:20240301T000000Z
SUMMARY:Dinner with Jens Stoltenberg
DTSTART;TZID=Europe/Brussels:20240403T200000
LOCATION:Brussels, Belgium
STATUS:CANCELLED
END:VEVENT
END:VCALENDAR
"""


def test_help_and_empty_text(bot):
    for text in ("", "help"):
        message = reply(bot.command(text))
        assert "/trip blinken" in text_of(message)


def test_queries_without_words_get_a_clear_line(bot):
    message = reply(bot.command("???"))
    assert "Search for a person, place or keyword" in message["text"]


def test_today_and_week_follow_the_newsroom_day(bot, clock):
    # 23:30 in Paris on Monday 1 April is already Tuesday in UTC; the newsroom's day is Monday.
    clock.moment = datetime(2024, 4, 1, 21, 30, tzinfo=UTC)
    assert "Nothing on the schedule today." in text_of(reply(bot.command("today")))
    clock.moment = datetime(2024, 4, 1, 22, 30, tzinfo=UTC)
    today = reply(bot.command("today"))
    assert today["text"].startswith("Today, Tue 2 Apr 2024")
    assert "5" not in today["text"].split("\n")[0]
    assert "Blinken meets President Macron" in text_of(today)
    assert "NATO foreign ministers" not in text_of(today)
    week = text_of(reply(bot.command("week")))
    assert "NATO foreign ministers" in week and "Pashinyan" in week and "75th" not in week


def test_next_lists_upcoming_events_of_anyone(bot):
    message = reply(bot.command("next"))
    assert message["text"].startswith("Next on the schedule")
    assert "Blinken meets President Macron" in text_of(message)


def test_other_workspaces_see_nothing(bot):
    message = reply(bot.command("blinken", team_id="T0OTHER"))
    assert "no events" in message["text"]
    assert "Macron" not in text_of(message)


def test_long_result_pages_with_show_more(bot, engine):
    events = "".join(
        f"BEGIN:VEVENT\nUID:g7-{i}@test\nDTSTAMP:20240301T000000Z\nSUMMARY:G7 meeting {i}\n"
        f"DTSTART;TZID=Europe/Rome:202405{1 + i:02d}T090000\nLOCATION:Rome, Italy\nEND:VEVENT\n"
        for i in range(25)
    )
    load_ics(engine, f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n{events}END:VCALENDAR\n".encode())
    message = reply(bot.command("g7"))
    assert message["text"].startswith("g7: 25 upcoming events")
    assert "Showing 1–10 of 25" in text_of(message)
    buttons = {e["action_id"]: e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert json.loads(buttons["trip_more"]["value"]) == {"m": "search", "q": "g7", "o": 10}
