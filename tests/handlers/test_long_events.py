"""An event as long as the store allows, through the real server and jobs: `/trip`, the week, the
Home tab, the edit form, the daily agenda and the reminder all reach the desk in a form Slack
accepts, instead of one long event getting every message that shows it refused."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from domain.drafts import EventDraft, TripRef
from domain.event_form import EventInput
from domain.validation import MAX_LENGTH
from domain.vocabulary import Kind, Status
from services.editing import change_coverage, new_uid, save_event
from tests.jobs.test_agenda import agenda
from tests.support.block_kit_limits import message_problems
from tests.support.cards import card_controls, choose
from tests.support.waiting import wait_for_calls

START = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
TITLE = ("Blinken & Séjourné <talks> on Ukraine, the Middle East and NATO's future; " * 5)[: MAX_LENGTH["title"]]
PEOPLE = tuple(f"Minister {n} of the Élysée & Quai d'Orsay <delegation>" for n in range(40))
URL = ("https://www.diplomatie.gouv.fr/fr/dossiers-pays/" + "europe/ukraine/" * 200)[: MAX_LENGTH["url"]]
COVERERS = [f"U{n:010d}" for n in range(250)]


@pytest.fixture
def maximal(engine, clock):
    draft = EventDraft(
        uid=new_uid(),
        title=TITLE.strip(),
        starts_at=START,
        tz="Europe/Paris",
        kind=Kind.BILATERAL,
        status=Status.CONFIRMED,
        venue=("Salon des Ambassadeurs & " * 10)[: MAX_LENGTH["venue"]].strip(),
        city=("Paris <8e> & " * 20)[: MAX_LENGTH["city"]].strip(),
        country=("République française & " * 10)[: MAX_LENGTH["country"]].strip(),
        participants=PEOPLE,
        trip=TripRef(principal=PEOPLE[0], name=("Europe & the Middle East <April> " * 10)[: MAX_LENGTH["trip"]]),
        source_url=URL,
        notes=("Pool & press <notes> " * 200)[: MAX_LENGTH["notes"]],
    )
    form = EventInput(draft=draft, trip_id=None, channel_id="C0FOREIGN", lead_times=(60,), past_record=False)
    event = save_event(
        engine, team_id="T0NEWSROOM", actor="U0EDITOR", form=form, now=clock(), default_channel=None
    ).event
    change_coverage(engine, team_id="T0NEWSROOM", actor="U0EDITOR", event_id=event.id, users=COVERERS, now=clock())
    return event


def accepted(response) -> dict:
    assert response.status_code == 200, response.text
    message = json.loads(response.text)
    assert message_problems(message) == []
    return message


@pytest.mark.usefixtures("maximal")
def test_trip_answers_with_the_long_event_cut_to_fit(bot, fake_slack):
    message = accepted(bot.command("ukraine"))
    assert message["text"].startswith("ukraine: 1 upcoming event")
    card = next(b["text"]["text"] for b in message["blocks"] if b.get("accessory", {}).get("action_id"))
    assert "Blinken &amp; Séjourné &lt;talks&gt;" in card
    assert "<@U0000000000>, <@U0000000001>" in card and " more" in card
    assert ":link: Source: diplomatie.gouv.fr" in card
    for query in ("week", "today", "next"):
        accepted(bot.command(query))
    accepted(bot.command("mine", user_id=COVERERS[-1]))
    assert fake_slack.problems == []


@pytest.mark.usefixtures("maximal")
def test_the_home_tab_and_the_edit_form_are_accepted(bot, fake_slack):
    home = {"type": "app_home_opened", "user": "U0EDITOR", "channel": "D0HOME", "tab": "home"}
    assert bot.event({**home, "event_ts": f"{time.time():.6f}"}).status_code == 200
    wait_for_calls(fake_slack, "views.publish")
    menu, _ = card_controls(bot, "ukraine")
    choose(bot, fake_slack, menu["edit"])
    (opened,) = wait_for_calls(fake_slack, "views.open")
    participants = next(b for b in opened.payload["view"]["blocks"] if b["block_id"] == "participants")
    assert participants["element"]["initial_value"].startswith(PEOPLE[0])
    assert fake_slack.problems == []


@pytest.mark.usefixtures("maximal")
def test_the_daily_agenda_and_the_reminder_are_accepted(engine, fake_slack, clock, deliverer):
    clock.moment = datetime(2024, 4, 2, 5, 0, tzinfo=UTC)  # 07:00 in Paris
    assert agenda(engine, fake_slack, clock).post() == "posted"
    clock.moment = START - timedelta(hours=1)
    deliverer.run_once()
    posts = fake_slack.posts()
    assert len(posts) == 2
    assert fake_slack.problems == []
