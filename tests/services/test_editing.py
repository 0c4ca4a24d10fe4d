"""Changing the schedule, service by service, on the real database: each change with its
history and reminders in one transaction, stale versions refused, and the reminder scheduler
told after each committed change of the schedule (and only then)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, ReminderStatus, Status
from services.editing import (
    AlreadySaved,
    StaleEdit,
    UnknownTrip,
    change_coverage,
    delete_event,
    load_event,
    new_uid,
    record_thread,
    save_event,
    set_status,
    trip_choices,
)
from services.history import event_history, event_reminders

TEAM = "T0NEWSROOM"
START = datetime(2024, 4, 2, 13, 0, tzinfo=UTC)  # 15:00 in Paris, the day after the test clock


class Notifier:
    def __init__(self):
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


@pytest.fixture
def told():
    return Notifier()


def form(*, title="Blinken meets Macron", start=START, trip_id=None, lead_times=(60,), **fields) -> EventInput:
    draft = EventDraft(
        uid=new_uid(),
        title=title,
        starts_at=start,
        tz="Europe/Paris",
        kind=Kind.BILATERAL,
        status=Status.CONFIRMED,
        city="Paris",
        venue="Élysée Palace",
        participants=("Antony Blinken", "Emmanuel Macron"),
        **fields,
    )
    return EventInput(draft=draft, trip_id=trip_id, channel_id="C0FOREIGN", lead_times=lead_times, past_record=False)


def save(engine, clock, told, **options):
    return save_event(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        form=options.pop("form", None) or form(),
        now=clock(),
        default_channel=None,
        on_change=told,
        **options,
    )


def history_of(engine, query="macron"):
    _matched, rows = event_history(engine, team_id=TEAM, query=query, editor=True)
    return [(change.action, change.field, change.old, change.new) for change, _event in rows]


def pending(engine, query="macron"):
    _matched, events = event_reminders(engine, team_id=TEAM, query=query, editor=True)
    return [
        (r.lead_minutes, r.due_at)
        for _event, reminders in events
        for r in reminders
        if r.status is ReminderStatus.PENDING
    ]


def test_a_new_event_is_saved_with_its_history_and_reminders_then_announced(engine, clock, told):
    outcome = save(engine, clock, told)

    assert outcome.action == "created" and outcome.event.id is not None and outcome.event.version == 1
    assert load_event(engine, team_id=TEAM, event_id=outcome.event.id).title == "Blinken meets Macron"
    assert history_of(engine) == [("created", None, None, None)]
    assert pending(engine) == [(60, START - timedelta(hours=1))]
    assert told.calls == 1


def test_an_edit_at_the_current_version_says_what_changed(engine, clock, told):
    event = save(engine, clock, told).event
    moved = form(start=START + timedelta(hours=2))

    outcome = save(engine, clock, told, form=moved, event_id=event.id, version=event.version)

    assert outcome.action == "changed" and outcome.event.version == 2
    assert [c.field for c in outcome.changes] == ["when"]
    assert history_of(engine)[0][:2] == ("changed", "when")
    assert pending(engine) == [(60, START + timedelta(hours=1))]
    assert told.calls == 2


def test_an_edit_from_a_stale_version_changes_nothing_and_announces_nothing(engine, clock, told):
    event = save(engine, clock, told).event
    save(engine, clock, told, form=form(title="First save wins"), event_id=event.id, version=event.version)

    with pytest.raises(StaleEdit):
        save(engine, clock, told, form=form(title="Second save loses"), event_id=event.id, version=event.version)

    assert load_event(engine, team_id=TEAM, event_id=event.id).title == "First save wins"
    assert told.calls == 2


def test_a_form_submitted_twice_is_saved_once(engine, clock, told):
    first = save(engine, clock, told, submission="view:V1:h1")

    with pytest.raises(AlreadySaved) as again:
        save(engine, clock, told, submission="view:V1:h1")

    assert again.value.event_id == first.event.id
    assert event_history(engine, team_id=TEAM, query="macron", editor=True)[0] == 1
    assert told.calls == 1


def test_an_unknown_trip_is_refused(engine, clock, told):
    with pytest.raises(UnknownTrip):
        save(engine, clock, told, form=form(trip_id=999))

    assert event_history(engine, team_id=TEAM, query="macron", editor=True)[0] == 0
    assert told.calls == 0


def test_joining_a_trip_adds_its_principal_to_the_participants(engine, clock, told, sample):
    trip = next(t for t in trip_choices(engine, team_id=TEAM, since=clock()) if t.principal == "Antony Blinken")
    joined = form(trip_id=trip.id)
    joined = replace(joined, draft=replace(joined.draft, participants=("Emmanuel Macron",)))

    event = save(engine, clock, told, form=joined).event

    assert event.trip_id == trip.id
    assert [p.name for p in event.participants] == ["Antony Blinken", "Emmanuel Macron"]


def test_postponing_records_the_status_and_reschedules_nothing(engine, clock, told):
    event = save(engine, clock, told).event

    outcome = set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.POSTPONED,
        now=clock(),
        default_channel=None,
        on_change=told,
    )

    assert outcome.event.status is Status.POSTPONED
    assert [(c.field, c.old, c.new) for c in outcome.changes] == [("status", "Confirmed", "Postponed")]
    assert history_of(engine)[0] == ("postponed", "status", "Confirmed", "Postponed")
    assert pending(engine) == []
    assert told.calls == 2


def test_a_status_from_a_stale_version_is_refused(engine, clock, told):
    event = save(engine, clock, told).event

    with pytest.raises(StaleEdit):
        set_status(
            engine,
            team_id=TEAM,
            actor="U0EDITOR",
            event_id=event.id,
            version=event.version + 1,
            status=Status.CANCELLED,
            now=clock(),
            default_channel=None,
            on_change=told,
        )

    assert load_event(engine, team_id=TEAM, event_id=event.id).status is Status.CONFIRMED
    assert told.calls == 1


def test_a_deleted_event_leaves_the_schedule_but_keeps_its_history(engine, clock, told):
    event = save(engine, clock, told).event

    delete_event(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        now=clock(),
        default_channel=None,
        on_change=told,
    )

    assert load_event(engine, team_id=TEAM, event_id=event.id) is None
    assert [action for action, *_ in history_of(engine)] == ["deleted", "created"]
    assert pending(engine) == []
    assert told.calls == 2
    with pytest.raises(StaleEdit):
        delete_event(
            engine,
            team_id=TEAM,
            actor="U0EDITOR",
            event_id=event.id,
            version=event.version + 1,
            now=clock(),
            default_channel=None,
            on_change=told,
        )
    assert told.calls == 2


def test_coverage_is_added_once_set_as_a_whole_and_never_announced_as_a_schedule_change(engine, clock, told):
    event = save(engine, clock, told).event
    cover = dict(engine=engine, team_id=TEAM, event_id=event.id, now=clock())

    first = change_coverage(**cover, actor="U0ALICE", add="U0ALICE")
    again = change_coverage(**cover, actor="U0ALICE", add="U0ALICE")
    assigned = change_coverage(**cover, actor="U0EDITOR", users=["U0BOB"])

    assert (first.added, again.added, again.changes) == (["U0ALICE"], [], [])
    assert (assigned.added, assigned.removed) == (["U0BOB"], ["U0ALICE"])
    assert [c.user_id for c in load_event(engine, team_id=TEAM, event_id=event.id).coverage] == ["U0BOB"]
    assert history_of(engine)[0] == ("coverage", "coverage", "U0ALICE", "U0BOB")
    assert told.calls == 1


def test_coverage_of_an_event_no_longer_there_is_refused(engine, clock):
    with pytest.raises(StaleEdit):
        change_coverage(engine, team_id=TEAM, actor="U0ALICE", event_id=999, add="U0ALICE", now=clock())


def test_the_first_notice_becomes_the_events_thread(engine, clock, told):
    event = save(engine, clock, told).event

    record_thread(engine, event_id=event.id, ts="1712000000.000100")

    assert load_event(engine, team_id=TEAM, event_id=event.id).thread_ts == "1712000000.000100"


def test_an_event_of_another_workspace_cannot_be_changed(engine, clock, told):
    event = save(engine, clock, told).event

    with pytest.raises(StaleEdit):
        set_status(
            engine,
            team_id="T0OTHER",
            actor="U0EDITOR",
            event_id=event.id,
            version=event.version,
            status=Status.CANCELLED,
            now=clock(),
            default_channel=None,
            on_change=told,
        )
    assert load_event(engine, team_id="T0OTHER", event_id=event.id) is None
