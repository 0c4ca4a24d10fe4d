"""The daily agenda: at the newsroom's 07:00 on both sides of a DST change, once a day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from domain.vocabulary import Kind, Precision
from domain.zones import zone
from infra.config import load_settings
from jobs.agenda import DailyAgenda
from jobs.scheduler import agenda_trigger
from services.editing import change_coverage
from storage.db import session
from storage.models import Event
from tests.support.schedule import add_event, client_for

PARIS = zone("Europe/Paris")


def agenda(engine, fake_slack, clock, replica="replica-a", channel="C0FOREIGN"):
    return DailyAgenda(
        engine=engine,
        client=client_for(fake_slack),
        clock=clock,
        newsroom_tz=PARIS,
        channel_id=channel,
        team_id=lambda: "T0NEWSROOM",
        replica=replica,
    )


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (datetime(2024, 3, 30, 12, 0, tzinfo=UTC), datetime(2024, 3, 31, 5, 0, tzinfo=UTC)),  # Sunday: already CEST
        (datetime(2024, 3, 29, 12, 0, tzinfo=UTC), datetime(2024, 3, 30, 6, 0, tzinfo=UTC)),  # Saturday: CET
        (datetime(2024, 10, 26, 12, 0, tzinfo=UTC), datetime(2024, 10, 27, 6, 0, tzinfo=UTC)),  # back to CET
        (datetime(2024, 10, 25, 12, 0, tzinfo=UTC), datetime(2024, 10, 26, 5, 0, tzinfo=UTC)),
    ],
)
def test_seven_o_clock_in_paris_on_both_sides_of_dst(after, expected):
    settings = load_settings({"TRIPDESK_TZ": "Europe/Paris"}, env_file=None)
    assert settings.digest_time == time(7, 0)
    trigger = agenda_trigger(settings)
    fire = trigger.get_next_fire_time(None, after)
    assert fire == expected
    assert fire.astimezone(PARIS).time() == time(7, 0)


def test_posted_once_whatever_the_number_of_replicas(engine, fake_slack, clock, sample):
    clock.moment = datetime(2024, 4, 2, 5, 0, tzinfo=UTC)  # 07:00 in Paris
    results = [agenda(engine, fake_slack, clock, replica=f"r{n}").post() for n in range(3)]
    assert results == ["posted", "already posted", "already posted"]
    (post,) = fake_slack.posts()
    message = post.payload
    assert message["channel"] == "C0FOREIGN"
    assert message["text"].startswith("Agenda for Tue 2 Apr 2024")
    text = str(message["blocks"])
    assert "*Today, Tue 2 Apr 2024*" in text and "Blinken meets President Macron" in text
    assert "*Tomorrow, Wed 3 Apr 2024*" in text and "NATO foreign ministers" in text
    assert "Pashinyan" not in text  # Friday


def test_the_next_day_says_what_changed(engine, fake_slack, clock, sample):
    clock.moment = datetime(2024, 4, 1, 5, 0, tzinfo=UTC)
    assert agenda(engine, fake_slack, clock).post() == "posted"
    clock.advance(timedelta(hours=3))
    event = add_event(engine, clock, title="Blinken and Lecornu dinner", start=datetime(2024, 4, 2, 18, 0, tzinfo=UTC))
    change_coverage(engine, team_id="T0NEWSROOM", actor="U0EDITOR", event_id=event.id, users=["U0ALICE"], now=clock())
    clock.moment = datetime(2024, 4, 2, 5, 0, tzinfo=UTC)
    assert agenda(engine, fake_slack, clock, replica="other").post() == "posted"
    second = fake_slack.posts()[1].payload
    changed = next(
        b["text"]["text"]
        for b in second["blocks"]
        if b["type"] == "section" and "Changed since the last agenda" in b["text"]["text"]
    )
    assert "Blinken and Lecornu dinner" in changed and "added it to the schedule" in changed and "<@U0ALICE>" in changed


def test_catching_up_after_downtime_and_failures(engine, fake_slack, clock, sample):
    daily = agenda(engine, fake_slack, clock)
    clock.moment = datetime(2024, 4, 2, 4, 59, tzinfo=UTC)  # 06:59 in Paris
    assert daily.post_if_due(time(7, 0)) is None
    fake_slack.fail("chat.postMessage", "internal_error", status=500)
    clock.moment = datetime(2024, 4, 2, 5, 20, tzinfo=UTC)
    assert daily.post_if_due(time(7, 0)) == "failed"
    fake_slack.failures.clear()
    clock.advance(timedelta(minutes=1))
    assert agenda(engine, fake_slack, clock, replica="other").post_if_due(time(7, 0)) == "posted"
    assert daily.post_if_due(time(7, 0)) == "already posted"
    clock.moment = datetime(2024, 4, 3, 12, 0, tzinfo=UTC)  # 14:00: too late for the day's agenda
    assert daily.post_if_due(time(7, 0)) is None
    assert len(fake_slack.posts()) == 1


def test_without_a_channel_nothing_is_posted(engine, fake_slack, clock):
    assert agenda(engine, fake_slack, clock, channel=None).post() == "no channel"
    assert fake_slack.calls == []


def test_a_25_hour_day_holds_exactly_the_events_that_start_on_it(engine, fake_slack, clock):
    # Sunday 27 October 2024: Paris falls back at 03:00 CEST, so 02:00–03:00 happens twice.
    sunday = {
        "Sunday first minute": datetime(2024, 10, 26, 22, 0, tzinfo=UTC),  # 00:00 CEST
        "Sunday repeated hour": datetime(2024, 10, 27, 1, 30, tzinfo=UTC),  # the second 02:30 (CET)
        "Sunday last minute": datetime(2024, 10, 27, 22, 59, tzinfo=UTC),  # 23:59 CET
    }
    around = {
        "Saturday night": datetime(2024, 10, 26, 21, 0, tzinfo=UTC),  # 23:00–23:59 CEST
        "Monday first minute": datetime(2024, 10, 27, 23, 0, tzinfo=UTC),  # 00:00 CET
    }
    clock.moment = datetime(2024, 10, 25, 12, 0, tzinfo=UTC)
    for title, start in {**sunday, **around}.items():
        # Ending within the day: an event still under way at midnight is listed on both days.
        add_event(engine, clock, title=title, start=start, ends_at=start + timedelta(minutes=59))
    clock.moment = datetime(2024, 10, 26, 5, 0, tzinfo=UTC)  # 07:00 on Saturday
    assert agenda(engine, fake_slack, clock).post() == "posted"
    (post,) = fake_slack.posts()
    days: dict[str, list[str]] = {}
    current = None
    for block in post.payload["blocks"]:
        text = block.get("text", {}).get("text", "") if block["type"] == "section" else ""
        if text.startswith(("*Today", "*Tomorrow")):
            current = text.split(",")[0].strip("*")
            days[current] = []
        elif current and text:
            days[current] += [title for title in {**sunday, **around} if title in text]
    assert days["Today"] == ["Saturday night"]
    assert sorted(days["Tomorrow"]) == sorted(sunday)


def not_covered(message: dict) -> str:
    return next(
        (
            b["text"]["text"]
            for b in message["blocks"]
            if b["type"] == "section" and b["text"]["text"].startswith("*Not covered yet*")
        ),
        "",
    )


def test_the_agenda_lists_the_key_events_of_its_days_no_one_covers(engine, fake_slack, clock, sample):
    clock.moment = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)
    add_event(
        engine,
        clock,
        title="Blinken and Lecornu dinner",
        start=datetime(2024, 4, 2, 18, 0, tzinfo=UTC),
        marked_key=True,
    )
    covered = add_event(
        engine, clock, title="G7 ministerial", start=datetime(2024, 4, 2, 9, 0, tzinfo=UTC), kind=Kind.MINISTERIAL
    )
    change_coverage(engine, team_id="T0NEWSROOM", actor="U0EDITOR", event_id=covered.id, users=["U0ALICE"], now=clock())
    month_only = add_event(
        engine,
        clock,
        title="Month-only ministerial",
        start=datetime(2024, 4, 2, 9, 0, tzinfo=UTC),
        kind=Kind.MINISTERIAL,
    )
    with session(engine) as db, db.begin():
        found = db.get(Event, month_only.id)
        assert found is not None
        found.precision = Precision.MONTH
    clock.moment = datetime(2024, 4, 2, 5, 0, tzinfo=UTC)  # 07:00 in Paris on Tuesday
    assert agenda(engine, fake_slack, clock).post() == "posted"
    (post,) = fake_slack.posts()
    section = not_covered(post.payload)
    assert "NATO foreign ministers" in section  # Wednesday's ministerial
    assert "Blinken and Lecornu dinner" in section  # marked key
    assert "G7 ministerial" not in section  # covered
    assert "Month-only ministerial" not in section  # no start to count back from: never chased either
    assert "Blinken meets President Macron" not in section  # a bilateral, not marked
    assert "Pashinyan" not in section  # Friday: beyond the agenda's two days
    assert "Not covered yet: Blinken and Lecornu dinner; NATO foreign ministers' meeting" in post.payload["text"]


def test_an_agenda_with_every_key_event_covered_has_no_such_section(engine, fake_slack, clock):
    clock.moment = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)
    add_event(engine, clock, title="Bilateral", start=datetime(2024, 4, 2, 9, 0, tzinfo=UTC))
    clock.moment = datetime(2024, 4, 2, 5, 0, tzinfo=UTC)
    assert agenda(engine, fake_slack, clock).post() == "posted"
    (post,) = fake_slack.posts()
    assert not_covered(post.payload) == "" and "Not covered yet" not in post.payload["text"]
