"""Follows through Slack: `/trip follow`, `unfollow` and `following` as signed commands, then an
editor's changes in the event form and the card's menu, and the DMs the follower gets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from domain.vocabulary import ReminderStatus
from storage.db import session
from storage.models import Follow, FollowNotice, Reminder
from tests.support.cards import card_controls, choose
from tests.support.follows import dms, notifier_for
from tests.support.forms import answer, open_form
from tests.support.samples import SAMPLE, load_ics
from tests.support.views import submission
from tests.support.waiting import wait_for_calls


def reply(response) -> dict:
    assert response.status_code == 200, response.text
    message = json.loads(response.text)
    assert message["response_type"] == "ephemeral"
    return message


def follows(engine) -> list[Follow]:
    with session(engine) as db:
        return list(db.exec(select(Follow).order_by(Follow.id)))


def test_follow_answers_with_what_matches_and_keeps_the_users_zone(bot, fake_slack, engine, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=clock())
    fake_slack.user_zones["U0ALICE"] = "America/New_York"
    message = reply(bot.command("follow Blinken 2h", user_id="U0ALICE"))
    assert "You follow *Blinken*" in message["text"]
    assert "a reminder 2 hours before each" in message["text"]
    # Eight stops to come; the first is the Élysée at 10:00 in Paris, 08:00 UTC.
    assert "8 to come; next: *Blinken meets President Macron*, Tue 2 Apr 2024, 10:00–11:00 CEST" in message["text"]
    assert f"<!date^{int(datetime(2024, 4, 2, 8, 0, tzinfo=UTC).timestamp())}^" in message["text"]
    (call,) = fake_slack.calls_to("users.info")
    assert call.payload["user"] == "U0ALICE"
    (follow,) = follows(engine)
    assert (follow.query, follow.query_key, follow.lead_minutes, follow.tz) == (
        "Blinken",
        "blinken",
        120,
        "America/New_York",
    )
    # Her personal reminders are planned at once, two hours before each stop with a time; the
    # three known only by their day get none, as in a channel ("2 hours before" a day means nothing).
    with session(engine) as db:
        personal = list(db.exec(select(Reminder).where(Reminder.channel_id == "U0ALICE")))
    assert len(personal) == 5
    assert {r.lead_minutes for r in personal} == {120}
    first = min(personal, key=lambda r: r.due_at)
    assert first.due_at == datetime(2024, 4, 2, 6, 0, tzinfo=UTC)


def test_one_follow_whatever_the_accents_case_and_order_and_a_second_changes_the_lead(bot, engine, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=clock())
    reply(bot.command("follow Séjourné", user_id="U0ALICE"))
    message = reply(bot.command("follow SEJOURNE 1d", user_id="U0ALICE"))
    assert "your reminders now come 1 day before, not 1 hour" in message["text"]
    message = reply(bot.command("follow sejourne 1d", user_id="U0ALICE"))
    assert "You already follow *sejourne*; your reminders stay 1 day before" in message["text"]
    (follow,) = follows(engine)
    assert (follow.query_key, follow.lead_minutes) == ("sejourne", 1440)
    with session(engine) as db:
        rows = list(db.exec(select(Reminder).where(Reminder.channel_id == "U0ALICE")))
    # The hour-before reminders of the two Séjourné meetings gave way to the day-before ones.
    assert sorted((r.lead_minutes, r.status) for r in rows) == [
        (60, ReminderStatus.SKIPPED),
        (60, ReminderStatus.SKIPPED),
        (1440, ReminderStatus.PENDING),
        (1440, ReminderStatus.PENDING),
    ]
    reply(bot.command("follow blinken macron", user_id="U0ALICE"))
    reply(bot.command("follow Macron  Blinken", user_id="U0ALICE"))
    assert [f.query_key for f in follows(engine)] == ["sejourne", "blinken macron"]


def test_following_lists_each_follow_with_its_next_event(bot, engine, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=clock())
    assert "You follow nothing yet" in reply(bot.command("following", user_id="U0ALICE"))["text"]
    reply(bot.command("follow nato 1d", user_id="U0ALICE"))
    reply(bot.command("follow <!channel> kremlin", user_id="U0ALICE"))
    message = reply(bot.command("following", user_id="U0ALICE"))
    assert message["text"] == "Your follows (2): nato, &lt;!channel&gt; kremlin"
    body = message["blocks"][1]["text"]["text"]
    assert "• *nato* — reminders 1 day before — 3 to come; next: *" in body
    assert "• *&lt;!channel&gt; kremlin* — reminders 1 hour before — nothing on the schedule yet" in body
    # Someone else's follows are theirs.
    assert "You follow nothing yet" in reply(bot.command("following", user_id="U0BOB"))["text"]


def test_unfollow(bot, engine, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=clock())
    message = reply(bot.command("unfollow macron", user_id="U0ALICE"))
    assert message["text"] == "You don't follow *macron*. `/trip following` lists what you follow."
    reply(bot.command("follow Macron", user_id="U0ALICE"))
    message = reply(bot.command("unfollow MACRON", user_id="U0ALICE"))
    assert message["text"] == "You no longer follow *Macron*: no more DMs or personal reminders about it."
    assert follows(engine) == []
    with session(engine) as db:
        rows = list(db.exec(select(Reminder).where(Reminder.channel_id == "U0ALICE")))
    assert rows and {(r.status, r.last_error) for r in rows} == {(ReminderStatus.SKIPPED, "no longer asked for")}


def test_follows_are_capped_per_user(bot, engine):
    for n in range(50):
        reply(bot.command(f"follow minister{n}", user_id="U0ALICE"))
    message = reply(bot.command("follow one more", user_id="U0ALICE"))
    assert "You already follow 50 things, the most one person may" in message["text"]
    assert len(follows(engine)) == 50
    # Following again what one already follows is still a change of lead time, not a new follow.
    assert "2 hours before" in reply(bot.command("follow minister7 2h", user_id="U0ALICE"))["text"]
    assert "Your follows (50): minister0, " in reply(bot.command("following", user_id="U0ALICE"))["text"]


def test_slack_without_the_users_zone_gives_the_newsrooms(bot, fake_slack, engine):
    fake_slack.fail("users.info", "user_not_found")
    assert "You follow *macron*" in reply(bot.command("follow macron", user_id="U0ALICE"))["text"]
    assert follows(engine)[0].tz == "Europe/Paris"


def add(bot, fake_slack) -> None:
    view = open_form(bot, fake_slack)["view"]
    filled = {"start_time": "10:00", "end_date": "2024-04-02", "end_time": "11:00", "tz": "Europe/Paris"}
    assert answer(bot, view, **filled)["response_action"] == "update"


def test_the_follower_is_told_once_of_each_change_and_the_editor_never_of_their_own(bot, fake_slack, engine, clock):
    fake_slack.user_zones["U0ALICE"] = "America/New_York"
    reply(bot.command("follow macron", user_id="U0ALICE"))
    reply(bot.command("follow élysée", user_id="U0EDITOR"))
    notifier = notifier_for(engine, fake_slack, clock)

    add(bot, fake_slack)  # by U0EDITOR, in the event form
    assert notifier.run_once().sent == 1
    (added,) = dms(fake_slack, "U0ALICE")
    assert added["text"].startswith("New on the schedule: Blinken meets President Macron — Tue 2 Apr 2024, 10:00–11:00")
    assert "(Tue 2 Apr 2024, 04:00 EDT your time)" in added["text"]
    assert "*New on the schedule:* *Blinken meets President Macron*" in added["blocks"][0]["text"]["text"]
    assert "You follow *macron*" in added["blocks"][1]["elements"][0]["text"]

    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["edit"])
    view = wait_for_calls(fake_slack, "views.open", 2)[-1].payload["view"]
    assert json.loads(bot.submit(submission(view, {"start_time": "15:00", "end_time": "16:00"})).text)
    assert notifier.run_once().sent == 1
    moved = dms(fake_slack, "U0ALICE")[-1]
    assert "Time: Tue 2 Apr 2024, 10:00–11:00 → 15:00–16:00 CEST" in moved["blocks"][0]["text"]["text"]
    assert "(Tue 2 Apr 2024, 09:00 EDT your time)" in moved["text"]

    # Who covers it is the desk's business, not a follower's.
    _, buttons = card_controls(bot, "macron", user_id="U0BOB")
    bot.action(buttons["cover_me"], user_id="U0BOB")
    assert notifier.run_once().sent == 0

    menu, _ = card_controls(bot, "macron")
    choose(bot, fake_slack, menu["cancel"])
    dialog = wait_for_calls(fake_slack, "views.open", 3)[-1].payload["view"]
    bot.submit(submission(dialog, {}))
    assert notifier.run_once().sent == 1
    cancelled = dms(fake_slack, "U0ALICE")[-1]
    assert cancelled["text"].startswith("Cancelled: Blinken meets President Macron")
    assert "~Blinken meets President Macron~" in cancelled["blocks"][0]["text"]["text"]

    assert notifier.run_once().sent == 0
    assert len(dms(fake_slack, "U0ALICE")) == 3
    assert dms(fake_slack, "U0EDITOR") == []
    with session(engine) as db:
        notices = list(db.exec(select(FollowNotice)))
    assert [(n.user_id, n.action, n.status) for n in notices] == [
        ("U0ALICE", "added", ReminderStatus.SENT),
        ("U0ALICE", "changed", ReminderStatus.SENT),
        ("U0ALICE", "cancelled", ReminderStatus.SENT),
    ]


def test_a_record_of_a_past_event_tells_nobody(bot, fake_slack, engine, clock):
    reply(bot.command("follow macron", user_id="U0ALICE"))
    view = open_form(bot, fake_slack)["view"]
    filled = {"start_date": "2024-03-30", "past_record": ["yes"], "tz": "Europe/Paris"}
    assert answer(bot, view, **filled)["response_action"] == "update"
    clock.advance(timedelta(minutes=1))
    assert notifier_for(engine, fake_slack, clock).run_once().sent == 0
    with session(engine) as db:
        assert list(db.exec(select(FollowNotice))) == []


def test_reminders_show_a_follower_their_own_personal_reminders_and_nobody_elses(bot, engine, clock):
    load_ics(engine, SAMPLE.read_bytes(), now=clock())
    reply(bot.command("follow macron 2h", user_id="U0ALICE"))
    mine = json.dumps(reply(bot.command("reminders macron", user_id="U0ALICE")))
    assert "2 hours before, <!date^" in mine and "in your DM" in mine
    theirs = json.dumps(reply(bot.command("reminders macron", user_id="U0BOB")))
    assert "2 hours before" not in theirs and "U0ALICE" not in theirs and "your DM" not in theirs
    assert "in <#C0FOREIGN>" in theirs
