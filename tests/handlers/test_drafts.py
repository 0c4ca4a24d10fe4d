"""Drafting from a story in Slack, as Slack sends it: the message shortcut and `/trip draft`,
the drafts modal, Review and Update pushed over it, and Add selected."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime

from sqlmodel import select

from domain.vocabulary import Precision, Status
from domain.zones import start_of_day
from storage.db import session
from storage.models import Event, EventChange, Reminder, StoryDraftSet
from tests.support.forms import stored
from tests.support.samples import ROOT
from tests.support.schedule import add_event
from tests.support.views import submission
from tests.support.waiting import wait_for_calls

SEED = (ROOT / "bench" / "data" / "stories" / "01-blinken-paris.txt").read_text(encoding="utf-8")
# Posted at 09:00 in Paris on Tuesday 2 April 2024, the story's own day.
POSTED = datetime(2024, 4, 2, 7, 0, tzinfo=UTC)
SHORTCUT = "draft_from_story"
# The first story read in a process loads the language model, on a machine others share.
READING = 30.0
TIME_STORY = (
    "US Secretary of State Antony Blinken will meet French President Emmanuel Macron at the Elysee Palace "
    "in Paris on Tuesday at 3 pm, the French presidency said."
)


def message(text: str, at: datetime = POSTED) -> dict:
    return {"ts": f"{at.timestamp():.6f}", "text": text}


def from_shortcut(bot, fake_slack, text: str = SEED, **fields) -> dict:
    """The drafts view for `text` posted as a message, as Slack shows it (with its id)."""
    updates = len(fake_slack.calls_to("views.update"))
    opens = len(fake_slack.calls_to("views.open"))
    started = time.monotonic()
    response = bot.shortcut(message(text), SHORTCUT, **fields)
    assert response.status_code == 200 and response.text == ""
    assert time.monotonic() - started < 3
    assert len(fake_slack.calls_to("views.open")) == opens + 1  # opened before the acknowledgement
    update = wait_for_calls(fake_slack, "views.update", updates + 1, timeout=READING)[-1]
    return {**update.payload["view"], "id": update.payload["view_id"]}


def drafts_in(view: dict) -> dict[str, int]:
    """Each draft's title → its index, from the draft sections."""
    found = {}
    for block in view["blocks"]:
        name = block.get("block_id", "")
        if name.startswith("draft_text_"):
            title = re.match(r"\*(.+?)\*", block["text"]["text"]).group(1)
            found.setdefault(title, int(name.removeprefix("draft_text_")))
    return found


def text_of(view: dict, index: int) -> str:
    return next(b for b in view["blocks"] if b.get("block_id") == f"draft_text_{index}")["text"]["text"]


def ticked(view: dict) -> set[int]:
    return {
        int(b["block_id"].removeprefix("draft_"))
        for b in view["blocks"]
        if b["type"] == "input" and b["block_id"].startswith("draft_") and b["element"].get("initial_options")
    }


def tick(view: dict, *indexes: int) -> dict:
    """The drafts view submitted with exactly `indexes` ticked."""
    values = {
        b["block_id"]: ["yes"] if int(b["block_id"].removeprefix("draft_")) in indexes else []
        for b in view["blocks"]
        if b["type"] == "input" and b["block_id"].startswith("draft_")
    }
    return submission(view, values)


def press(bot, view: dict, action_id: str, index: int, **fields):
    button = {"type": "button", "action_id": action_id, "value": str(index), "block_id": f"draft_actions_{index}"}
    return bot.action(button, view=view, **fields)


def history_rows(engine) -> list[EventChange]:
    with session(engine) as db:
        return list(db.exec(select(EventChange).order_by(EventChange.id)))


def test_the_shortcut_opens_reading_at_once_then_shows_the_drafts(bot, fake_slack, engine):
    started = time.time()
    view = from_shortcut(bot, fake_slack)
    opened = fake_slack.calls_to("views.open")[0]
    assert "Reading the story…" in json.dumps(opened.payload["view"], ensure_ascii=False)
    update = fake_slack.calls_to("views.update")[0]
    assert update.payload["view_id"] == opened.answer["view"]["id"]
    assert opened.received_at - started < 3

    titles = drafts_in(view)
    macron = titles["Blinken meets Macron"]
    assert "Tue 2 Apr, time TBC" in text_of(view, macron) and "Paris, France" in text_of(view, macron)
    assert "July 2024, date TBC" in json.dumps(view, ensure_ascii=False)
    assert macron in ticked(view)
    assert view["submit"]["text"] == "Add selected" and len(view["blocks"]) <= 100
    # The drafts are kept for the views that follow; the view carries only their id.
    metadata = json.loads(view["private_metadata"])
    with session(engine) as db:
        (kept,) = db.exec(select(StoryDraftSet)).all()
    assert metadata == {"d": kept.id}
    assert "France is one of the main military providers" not in kept.drafts  # the story itself is not kept
    assert kept.source_url == f"https://newsroom.slack.com/archives/C0FOREIGN/p{int(POSTED.timestamp())}000000"
    (link,) = fake_slack.calls_to("chat.getPermalink")
    assert link.payload["channel"] == "C0FOREIGN"


def test_a_draft_without_a_date_is_unticked_and_says_why(bot, fake_slack):
    view = from_shortcut(bot, fake_slack)
    undated = drafts_in(view)["Blinken meets Pashinyan"]  # in Brussels, on a day the story does not give
    assert undated not in ticked(view)
    assert "Date not given" in text_of(view, undated) and "Review it to set one" in text_of(view, undated)


def test_user_text_is_escaped(bot, fake_slack):
    view = from_shortcut(bot, fake_slack, text="<!channel> Blinken will meet Macron in Paris on Tuesday & talk.")
    assert "<!channel>" not in json.dumps(view) and "&amp;" in json.dumps(view)


def test_a_message_without_text_says_so(bot, fake_slack):
    view = from_shortcut(bot, fake_slack, text="")
    assert "no text to read" in json.dumps(view) and "submit" not in view


def test_trip_draft_pastes_a_story_and_reads_it_in_the_same_modal(bot, fake_slack, engine):
    response = bot.command("draft")
    assert response.status_code == 200 and response.text == ""
    (opened,) = wait_for_calls(fake_slack, "views.open")
    form = opened.payload["view"]
    story = next(b for b in form["blocks"] if b["block_id"] == "story")["element"]
    assert story["type"] == "plain_text_input" and story["multiline"] and story["max_length"] == 3000
    assert next(b for b in form["blocks"] if b["block_id"] == "published")["element"]["type"] == "datepicker"

    empty = json.loads(bot.submit(submission(form, {"story": "  "})).text)
    assert empty == {"response_action": "errors", "errors": {"story": "Paste the story's text."}}

    pasted = submission(form, {"story": SEED, "published": "2024-04-02"})
    reply = json.loads(bot.submit(pasted).text)
    assert reply["response_action"] == "update" and "Reading the story…" in json.dumps(reply, ensure_ascii=False)
    (update,) = wait_for_calls(fake_slack, "views.update", timeout=READING)
    assert update.payload["view_id"] == pasted["id"]
    view = update.payload["view"]
    assert "Blinken meets Macron" in drafts_in(view)
    assert "dates read against Tue 2 Apr 2024" in json.dumps(view)
    with session(engine) as db:
        (kept,) = db.exec(select(StoryDraftSet)).all()
    assert kept.source_url is None and kept.channel_id == "C0FOREIGN"
    assert fake_slack.calls_to("chat.getPermalink") == []


def test_add_selected_adds_two_drafts_with_reminders_notices_and_history(bot, fake_slack, engine):
    view = from_shortcut(bot, fake_slack)
    titles = drafts_in(view)
    chosen = [titles["Blinken meets Macron"], titles["Summit in Washington"]]
    reply = json.loads(bot.submit(tick(view, *chosen)).text)
    assert reply["response_action"] == "update", reply
    assert "Added 2 events to the schedule" in json.dumps(reply["view"])

    events = {e.title: e for e in stored(engine)}
    assert set(events) == {"Blinken meets Macron", "Summit in Washington"}
    paris = events["Blinken meets Macron"]
    assert paris.precision is Precision.DAY and paris.tz == "Europe/Paris"
    assert paris.starts_at == start_of_day(datetime(2024, 4, 2).date(), "Europe/Paris")
    assert paris.source_url.startswith("https://newsroom.slack.com/archives/C0FOREIGN/p")
    assert paris.notes.startswith("Speaking about aiding Ukraine") and paris.created_by == "U0EDITOR"
    assert [p.name for p in paris.participants] == ["Antony Blinken", "Emmanuel Macron"]
    assert events["Summit in Washington"].precision is Precision.MONTH

    with session(engine) as db:
        reminders = db.exec(select(Reminder)).all()
    # A meeting's default a day before (the hour before means nothing without the time);
    # "July, date TBC" gets none.
    assert [r.lead_minutes for r in reminders if r.event_id == paris.id] == [1440]
    assert {r.event_id for r in reminders} == {paris.id}
    notices = wait_for_calls(fake_slack, "chat.postMessage", 2)
    assert sorted(n.payload["text"].split(":")[0] for n in notices) == ["New on the schedule"] * 2
    rows = history_rows(engine)
    assert [(r.action, r.field, r.new, r.actor) for r in rows] == [("created", "origin", "a story", "U0EDITOR")] * 2
    assert "added it to the schedule from a story" in bot.command("history macron").text


def test_the_same_submission_twice_adds_once(bot, fake_slack, engine):
    view = from_shortcut(bot, fake_slack)
    submitted = tick(view, drafts_in(view)["Blinken meets Macron"])
    bot.submit(submitted)
    again = json.loads(bot.submit(submitted).text)
    assert again["response_action"] == "update"
    assert "Added to the schedule" in json.dumps(again["view"])
    assert len(stored(engine)) == 1


def test_a_draft_that_fails_a_check_is_shown_with_its_error_and_nothing_is_saved(bot, fake_slack, engine):
    view = from_shortcut(bot, fake_slack)
    titles = drafts_in(view)
    macron, undated = titles["Blinken meets Macron"], titles["Blinken meets Pashinyan"]
    reply = json.loads(bot.submit(tick(view, macron, undated)).text)
    assert reply == {
        "response_action": "errors",
        "errors": {f"draft_{undated}": "The story gives no date for it: Review it to set a date."},
    }
    assert stored(engine) == [] and fake_slack.calls_to("chat.postMessage") == []
    # Submitted again without it, the rest goes in cleanly.
    assert json.loads(bot.submit(tick(view, macron)).text)["response_action"] == "update"
    assert [e.title for e in stored(engine)] == ["Blinken meets Macron"]


def test_a_date_that_has_passed_is_refused_unless_it_happened(bot, fake_slack, engine, clock):
    view = from_shortcut(bot, fake_slack)
    clock.moment = datetime(2024, 4, 3, 9, 0, tzinfo=UTC)
    macron = drafts_in(view)["Blinken meets Macron"]
    reply = json.loads(bot.submit(tick(view, macron)).text)
    assert "This date has passed" in reply["errors"][f"draft_{macron}"]
    assert stored(engine) == []


def test_a_draft_already_on_the_schedule_is_flagged_and_unticked(bot, fake_slack, sample):
    view = from_shortcut(bot, fake_slack)
    macron = drafts_in(view)["Blinken meets Macron"]
    assert "Already on the schedule: *Blinken meets President Macron" in text_of(view, macron)
    assert macron not in ticked(view)
    # The schedule has the time and the confirmation already: nothing to offer.
    assert "draft_update" not in json.dumps(view)


def test_where_the_story_adds_a_time_and_a_confirmation_it_offers_to_update(bot, fake_slack, engine, clock):
    tuesday = start_of_day(datetime(2024, 4, 2).date(), "Europe/Paris")
    event = add_event(
        engine, clock, title="Blinken–Macron talks", start=tuesday, precision=Precision.DAY, status=Status.TENTATIVE
    )
    view = from_shortcut(bot, fake_slack, text=TIME_STORY)
    (index,) = drafts_in(view).values()
    assert "Already on the schedule: *Blinken–Macron talks" in text_of(view, index)
    assert "the time, 15:00 and that it is confirmed" in text_of(view, index)
    assert index not in ticked(view)

    press(bot, view, "draft_update", index)
    (pushed,) = wait_for_calls(fake_slack, "views.push")
    form = pushed.payload["view"]
    fields = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert fields["start_time"]["initial_time"] == "15:00"
    assert fields["precision"]["initial_option"]["value"] == "exact"
    assert fields["status"]["initial_option"]["value"] == "confirmed"
    assert fields["title"]["initial_value"] == "Blinken–Macron talks"  # the event's own, kept
    assert json.loads(form["private_metadata"])["e"] == event.id

    reply = json.loads(bot.submit(submission(form, {})).text)
    assert reply["response_action"] == "update"
    (updated,) = stored(engine)
    assert updated.starts_at == datetime(2024, 4, 2, 13, 0, tzinfo=UTC) and updated.status is Status.CONFIRMED
    assert ("changed", "origin", "a story") in [(r.action, r.field, r.new) for r in history_rows(engine)]
    parent = wait_for_calls(fake_slack, "views.update", 2)[-1]
    assert parent.payload["view_id"] == view["id"]
    assert "Updated on the schedule: *Blinken–Macron talks*" in text_of(parent.payload["view"], index)


def test_review_pushes_the_form_filled_in_and_saving_it_adds_the_event(bot, fake_slack, engine):
    view = from_shortcut(bot, fake_slack)
    macron = drafts_in(view)["Blinken meets Macron"]
    press(bot, view, "draft_review", macron)
    (pushed,) = wait_for_calls(fake_slack, "views.push")
    form = pushed.payload["view"]
    fields = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert fields["title"]["initial_value"] == "Blinken meets Macron"
    assert fields["participants"]["initial_value"] == "Antony Blinken, Emmanuel Macron"
    assert fields["city"]["initial_value"] == "Paris"
    assert fields["start_date"]["initial_date"] == "2024-04-02"
    assert fields["precision"]["initial_option"]["value"] == "day"
    assert fields["tz"]["initial_option"]["value"] == "Europe/Paris"
    assert fields["notes"]["initial_value"].startswith("Speaking about aiding Ukraine")
    assert fields["source_url"]["initial_value"].startswith("https://newsroom.slack.com/archives/C0FOREIGN/")
    assert fields["channel"]["initial_conversation"] == "C0FOREIGN"

    # The reporter knows the time: the meeting is at 10:00.
    reply = json.loads(bot.submit(submission(form, {"start_time": "10:00", "precision": "exact"})).text)
    assert reply["response_action"] == "update", reply
    (event,) = stored(engine)
    assert event.starts_at == datetime(2024, 4, 2, 8, 0, tzinfo=UTC) and event.precision is Precision.EXACT
    assert [(r.action, r.field) for r in history_rows(engine)] == [("created", "origin")]
    wait_for_calls(fake_slack, "chat.postMessage")
    parent = wait_for_calls(fake_slack, "views.update", 2)[-1]
    assert parent.payload["view_id"] == view["id"]
    refreshed = parent.payload["view"]
    assert "Added to the schedule: *Blinken meets Macron*" in text_of(refreshed, macron)
    assert f"draft_{macron}" not in {b.get("block_id") for b in refreshed["blocks"]}  # nothing left to tick


def test_review_of_a_draft_without_a_date_asks_for_one(bot, fake_slack, engine):
    view = from_shortcut(bot, fake_slack)
    press(bot, view, "draft_review", drafts_in(view)["Blinken meets Pashinyan"])
    form = wait_for_calls(fake_slack, "views.push")[0].payload["view"]
    reply = json.loads(bot.submit(submission(form, {})).text)
    assert reply["response_action"] == "errors" and "start_date" in reply["errors"]
    assert stored(engine) == []


def test_non_editors_read_drafts_but_cannot_add_them(desk, fake_slack, engine):
    view = from_shortcut(desk, fake_slack, user_id="U0READER")
    assert "submit" not in view and "Only the desk's editors can add them" in json.dumps(view)
    assert not [b for b in view["blocks"] if b["type"] in ("input", "actions")]
    # A submission all the same (the user was an editor when the view was built) is refused.
    with_boxes = from_shortcut(desk, fake_slack, user_id="U0EDITOR")
    with session(engine) as db:
        row = db.exec(select(StoryDraftSet).where(StoryDraftSet.user_id == "U0EDITOR")).one()
        row.user_id = "U0READER"
        db.add(row)
        db.commit()
    macron = drafts_in(with_boxes)["Blinken meets Macron"]
    reply = json.loads(desk.submit(tick(with_boxes, macron), user_id="U0READER").text)
    assert "Only the desk's editors can change the schedule" in reply["errors"][f"draft_{macron}"]
    assert stored(engine) == []


def test_drafts_are_only_their_authors(bot, fake_slack, engine):
    view = from_shortcut(bot, fake_slack, user_id="U0EDITOR")
    reply = json.loads(bot.submit(tick(view, drafts_in(view)["Blinken meets Macron"]), user_id="U0OTHER").text)
    assert "no longer kept" in reply["errors"]["channel"]
    assert stored(engine) == []


def test_nothing_ticked_says_so(bot, fake_slack, engine):
    view = from_shortcut(bot, fake_slack)
    reply = json.loads(bot.submit(tick(view)).text)
    assert "Tick the drafts to add" in next(iter(reply["errors"].values()))
    assert stored(engine) == []


def test_stored_events_match_what_was_drafted(bot, fake_slack, engine):
    """The event added from a story is found by `/trip`, like any other."""
    view = from_shortcut(bot, fake_slack)
    bot.submit(tick(view, drafts_in(view)["Blinken meets Macron"]))
    with session(engine) as db:
        assert db.exec(select(Event)).unique().one().title == "Blinken meets Macron"
    assert "Tue 2 Apr 2024, time TBC" in json.loads(bot.command("macron").text)["text"]
