"""Importing a calendar again after editors changed its events in Slack: the import takes what
the feed changed, never what an editor changed, and the card says where the two differ."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from services.importing import import_calendar
from storage.db import session
from storage.models import Event, EventChange, Reminder
from tests.conftest import SAMPLE, TEAM
from tests.support.cards import card_controls, choose
from tests.support.views import submission
from tests.support.waiting import wait_for_calls

SOURCE = "samples/blinken-paris-brussels-2024.ics"
MACRON = "blinken-macron-2024-04-02@samples.tripdesk"
AT_TEN = b"DTSTART;TZID=Europe/Paris:20240402T100000\r\nDTEND;TZID=Europe/Paris:20240402T110000"
AT_NINE = b"DTSTART;TZID=Europe/Paris:20240402T090000\r\nDTEND;TZID=Europe/Paris:20240402T100000"
MOVED = SAMPLE.read_bytes().replace(AT_TEN, AT_NINE)


@pytest.fixture(autouse=True)
def days_before(clock):
    # Three days ahead: every reminder of the sample trip is still to come.
    clock.moment = datetime(2024, 3, 30, 8, 0, tzinfo=UTC)


def reimport(engine, clock, settings, data: bytes = SAMPLE.read_bytes()):
    return import_calendar(
        engine,
        team_id=TEAM,
        data=data,
        fallback_tz="Europe/Paris",
        actor="import",
        now=clock(),
        default_channel=settings.default_channel,
        source=SOURCE,
    )


def macron(engine) -> Event:
    with session(engine) as db:
        return db.exec(select(Event).where(Event.uid == MACRON)).unique().one()


def reminders(engine, event_id: int) -> dict[int, Reminder]:
    with session(engine) as db:
        return {r.lead_minutes: r for r in db.exec(select(Reminder).where(Reminder.event_id == event_id))}


def changes(engine, event_id: int) -> list[EventChange]:
    with session(engine) as db:
        rows = db.exec(select(EventChange).where(EventChange.event_id == event_id).order_by(EventChange.id))
        return list(rows)


def card(bot, query: str) -> str:
    message = json.loads(bot.command(query).text)
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def history(bot, query: str) -> str:
    return json.dumps(json.loads(bot.command(f"history {query}").text), ensure_ascii=False)


def open_edit(bot, fake_slack) -> dict:
    opened = len(fake_slack.calls_to("views.open"))
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["edit"])
    return wait_for_calls(fake_slack, "views.open", opened + 1)[-1].payload["view"]


def edit(bot, fake_slack, **values) -> None:
    view = open_edit(bot, fake_slack)
    assert json.loads(bot.submit(submission(view, values)).text)["response_action"] == "update"


def test_reimport_keeps_an_event_cancelled_in_slack(bot, fake_slack, engine, clock, settings, deliverer):
    reimport(engine, clock, settings)
    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["cancel"])
    dialog = wait_for_calls(fake_slack, "views.open")[-1].payload["view"]
    assert bot.submit(submission(dialog, {})).status_code == 200
    cancelled = macron(engine)
    assert cancelled.status.value == "cancelled"
    assert {r.status for r in reminders(engine, cancelled.id).values()} == {"skipped"}
    history_rows = len(changes(engine, cancelled.id))
    posted = len(wait_for_calls(fake_slack, "chat.postMessage"))  # the cancellation notice

    report = reimport(engine, clock, settings)

    event = macron(engine)
    assert event.status.value == "cancelled"
    assert {r.status for r in reminders(engine, event.id).values()} == {"skipped"}
    assert event.version == cancelled.version
    assert (report.created, report.updated, report.unchanged) == (0, 0, 8)
    assert len(changes(engine, event.id)) == history_rows
    assert not [c for c in changes(engine, event.id) if c.actor == "import" and c.field == "status"]
    clock.moment = datetime(2024, 4, 2, 7, 0, tzinfo=UTC)  # when the 1-hour reminder was due
    deliverer.run_once()
    assert [p for p in fake_slack.posts()[posted:] if "Macron" in p.payload["text"]] == []
    text = card(bot, "macron")
    assert "CANCELLED" in text
    assert "The calendar feed says: Status Confirmed" in text


def test_reimport_moves_an_event_nobody_edited(bot, fake_slack, engine, clock, settings):
    reimport(engine, clock, settings)
    before = macron(engine)
    form = open_edit(bot, fake_slack)  # opened before the import

    clock.advance(timedelta(minutes=5))
    report = reimport(engine, clock, settings, MOVED)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 7)
    event = macron(engine)
    assert event.starts_at == datetime(2024, 4, 2, 7, 0, tzinfo=UTC)  # 09:00 in Paris
    assert event.version == before.version + 1
    (row,) = [c for c in changes(engine, event.id) if c.action == "changed"]
    assert (row.actor, row.field, row.imported_from) == ("import", "when", SOURCE)
    assert (row.old, row.new) == ("Tue 2 Apr 2024, 10:00–11:00 CEST", "Tue 2 Apr 2024, 09:00–10:00 CEST")
    assert "by import of samples/blinken-paris-brussels-2024.ics" in history(bot, "macron")
    assert "Moved: Tue 2 Apr 2024, 10:00–11:00 → 09:00–10:00 CEST" in history(bot, "macron")
    planned = reminders(engine, event.id)
    assert {lead: (r.due_at, r.status) for lead, r in planned.items()} == {
        1440: (datetime(2024, 4, 1, 7, 0, tzinfo=UTC), "pending"),
        60: (datetime(2024, 4, 2, 6, 0, tzinfo=UTC), "pending"),
    }
    assert "The calendar feed says" not in card(bot, "macron")
    # The form opened before the import no longer saves over it.
    reply = json.loads(bot.submit(submission(form, {"venue": "Quai d'Orsay"})).text)
    assert reply["response_action"] == "errors" and "changed since you opened it" in reply["errors"]["title"]


def test_the_editors_title_and_the_feeds_time_both_survive(bot, fake_slack, engine, clock, settings):
    reimport(engine, clock, settings)
    edit(bot, fake_slack, title="Blinken and Macron at the Élysée")

    report = reimport(
        engine, clock, settings, MOVED.replace(b"Blinken meets President Macron", b"Blinken-Macron talks")
    )

    event = macron(engine)
    assert event.title == "Blinken and Macron at the Élysée"
    assert event.starts_at == datetime(2024, 4, 2, 7, 0, tzinfo=UTC)
    assert report.updated == 1 and report.kept == 1
    by_import = [c for c in changes(engine, event.id) if c.actor == "import" and c.action == "changed"]
    assert [c.field for c in by_import] == ["when"]
    text = card(bot, "macron")
    assert "Blinken and Macron at the Élysée" in text and "09:00–10:00 CEST" in text
    assert "The calendar feed says: Title Blinken-Macron talks" in text
    assert "Time" not in text.split("The calendar feed says:")[1]


def test_no_difference_once_the_feed_says_what_the_editor_set(bot, fake_slack, engine, clock, settings):
    reimport(engine, clock, settings)
    edit(bot, fake_slack, start_time="09:00", end_time="10:00")
    assert "The calendar feed says: Time Tue 2 Apr 2024, 10:00–11:00 CEST" in card(bot, "macron")
    edited = macron(engine)

    report = reimport(engine, clock, settings, MOVED)

    event = macron(engine)
    assert event.starts_at == datetime(2024, 4, 2, 7, 0, tzinfo=UTC)
    assert "The calendar feed says" not in card(bot, "macron")
    assert event.version == edited.version
    assert (report.updated, report.kept) == (0, 0)
    assert not [c for c in changes(engine, event.id) if c.actor == "import" and c.action == "changed"]


def test_the_card_escapes_and_shortens_what_the_feed_says(bot, fake_slack, engine, clock, settings):
    long_title = "<!channel> " + "Macron " * 20
    reimport(
        engine, clock, settings, SAMPLE.read_bytes().replace(b"Blinken meets President Macron", long_title.encode())
    )
    edit(bot, fake_slack, title="Blinken meets Macron")

    line = card(bot, "macron").split("The calendar feed says: ")[1]

    assert line.startswith("Title &lt;!channel&gt; Macron Macron")
    assert line.endswith("…") and len(line) < 90
    assert "<!channel>" not in line


def test_an_import_records_the_events_it_adds(bot, engine, clock, settings):
    reimport(engine, clock, settings)
    (row,) = changes(engine, macron(engine).id)
    assert (row.action, row.actor, row.imported_from) == ("created", "import", SOURCE)
    assert "by import of samples/blinken-paris-brussels-2024.ics" in history(bot, "macron")
