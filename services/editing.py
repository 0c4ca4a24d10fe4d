"""Changing the schedule from Slack: each change in one transaction with its history, and a
description of what changed for the notice that follows.

A change that moves reminders (saving, a new status, deleting) is announced through
`on_change` once it is committed, so that the reminder scheduler re-reads its next due time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from domain.drafts import TripRef
from domain.event_form import EventInput
from domain.reminders import storable_lead_times
from domain.snapshot import FieldChange, diff, snapshot
from domain.travel import PersonClash
from domain.vocabulary import Status
from storage.clashes import refresh_clashes
from storage.db import session
from storage.editing import (
    claim_version,
    create_event,
    get_event,
    get_trip,
    record,
    set_coverage,
    set_thread,
    touch,
    update_event,
)
from storage.editing import trip_choices as _trip_choices
from storage.models import Event, Trip
from storage.reminders import sync_reminders
from storage.replays import recall, remember

# Told after each committed change of the schedule (AppContext.schedule_changed in the bot).
ScheduleChanged = Callable[[], None]


def _nothing() -> None:
    pass


class StaleEdit(Exception):
    """The event changed (or went) since the form or dialog was opened."""


class UnknownTrip(Exception):
    """The chosen trip is not one of this workspace's."""


class Clashing(Exception):
    """Saving would make clashes the editor has not seen: nothing was saved."""

    def __init__(self, clashes: list[PersonClash], *, event_id: int | None):
        super().__init__(len(clashes))
        # The event as it would have been saved (its id, for a new one, is not kept).
        self.clashes, self.event_id = clashes, event_id


class AlreadySaved(Exception):
    """This very form was saved before: Slack sent the submission again."""

    def __init__(self, event_id: int | None):
        super().__init__(event_id)
        self.event_id = event_id


@dataclass
class EditOutcome:
    event: Event
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def new_uid() -> str:
    return f"{uuid.uuid4()}@tripdesk"


def save_event(
    engine: Engine,
    *,
    team_id: str,
    actor: str,
    form: EventInput,
    now: datetime,
    default_channel: str | None,
    event_id: int | None = None,
    version: int | None = None,
    submission: str | None = None,
    origin: str | None = None,
    warn_clashes: bool = False,
    accepted_clashes: Collection[int] = (),
    on_change: ScheduleChanged = _nothing,
) -> EditOutcome:
    """Create the event, or update `event_id` if it is still at `version`; its reminders follow.

    Its clashes are found again (domain/travel.py). With `warn_clashes`, a save that makes a
    new clash raises Clashing and saves nothing, unless the editor saw them all already: each
    new clash is with an event of `accepted_clashes` (the ones a warning showed). Otherwise new
    clashes count as seen by the editor and are not posted to the channel.

    `submission` names the submitted form (its view id and hash): a form already saved is not
    saved twice, whether Slack re-sends it or the user submits again after a slow answer.
    `origin` ("a story") goes into the history beside who made the change.
    """
    with session(engine) as db, db.begin():
        outcome = _save(
            db,
            team_id=team_id,
            actor=actor,
            form=form,
            now=now,
            default_channel=default_channel,
            event_id=event_id,
            version=version,
            submission=submission,
            origin=origin,
        )
        new = refresh_clashes(db, team_id=team_id, event_ids=[outcome.event.id or 0], noticed_at=now)
        others = {one.pair[0] if one.pair[1] == outcome.event.id else one.pair[1] for one in new}
        if warn_clashes and not others <= set(accepted_clashes):
            raise Clashing(new, event_id=outcome.event.id)
        db.refresh(outcome.event, attribute_names=["clashes"])
    on_change()
    return outcome


def save_events(
    engine: Engine,
    *,
    team_id: str,
    actor: str,
    forms: list[EventInput],
    now: datetime,
    default_channel: str | None,
    submission: str | None = None,
    origin: str | None = None,
    then: Callable[[Session, list[EditOutcome]], None] | None = None,
    on_change: ScheduleChanged = _nothing,
) -> list[EditOutcome]:
    """Create one event per form in one transaction: all of them, or none.

    `then` runs inside that transaction with the outcomes, for what must be written with them.
    """
    with session(engine) as db, db.begin():
        if submission is not None and (done := recall(db, key=submission)) is not None:
            raise AlreadySaved(done.event_id)
        outcomes = [
            _save(
                db,
                team_id=team_id,
                actor=actor,
                form=form,
                now=now,
                default_channel=default_channel,
                event_id=None,
                version=None,
                submission=None,
                origin=origin,
            )
            for form in forms
        ]
        if outcomes:
            _remember_submission(db, submission, event=outcomes[0].event, now=now)
        # Clashes that drafts bring are told to the channel (jobs/feeds.py), as an import's are.
        refresh_clashes(db, team_id=team_id, event_ids=[o.event.id or 0 for o in outcomes])
        for outcome in outcomes:
            db.refresh(outcome.event, attribute_names=["clashes"])
        if then is not None:
            then(db, outcomes)
    on_change()
    return outcomes


def _save(
    db: Session,
    *,
    team_id: str,
    actor: str,
    form: EventInput,
    now: datetime,
    default_channel: str | None,
    event_id: int | None,
    version: int | None,
    submission: str | None,
    origin: str | None = None,
) -> EditOutcome:
    noted = [FieldChange("origin", None, origin)] if origin else []
    if submission is not None and (done := recall(db, key=submission)) is not None:
        raise AlreadySaved(done.event_id)
    event = _claimed(db, team_id=team_id, event_id=event_id, version=version) if event_id is not None else None
    draft = form.draft
    if form.trip_id is not None:
        trip = get_trip(db, team_id=team_id, trip_id=form.trip_id)
        if trip is None:
            raise UnknownTrip
        participants = (
            draft.participants if trip.principal in draft.participants else (trip.principal, *draft.participants)
        )
        draft = replace(draft, trip=TripRef(trip.principal, trip.name), participants=participants)
    lead_times = storable_lead_times(form.lead_times)
    if event is None:
        event = create_event(
            db,
            team_id=team_id,
            draft=draft,
            trip_id=form.trip_id,
            actor=actor,
            now=now,
            channel_id=form.channel_id,
            lead_times=lead_times,
            past_record=form.past_record,
            marked_key=form.marked_key,
        )
        db.refresh(event)
        record(db, event=event, actor=actor, now=now, action="created", changes=noted)
        sync_reminders(db, event=event, now=now, default_channel=default_channel)
        _remember_submission(db, submission, event=event, now=now)
        return EditOutcome(event, "created")
    before = snapshot(event)
    update_event(
        db,
        event=event,
        draft=replace(draft, uid=event.uid),
        trip_id=form.trip_id,
        actor=actor,
        now=now,
        channel_id=form.channel_id,
        lead_times=lead_times,
        past_record=form.past_record,
        marked_key=form.marked_key,
    )
    db.refresh(event)
    changes = diff(before, snapshot(event))
    record(db, event=event, actor=actor, now=now, action="changed", changes=[*changes, *noted])
    sync_reminders(db, event=event, now=now, default_channel=default_channel)
    _remember_submission(db, submission, event=event, now=now)
    return EditOutcome(event, "changed", changes)


def _claimed(db: Session, *, team_id: str, event_id: int, version: int | None) -> Event:
    """The event, once this change holds its `version`; StaleEdit when another change came first."""
    if version is None or not claim_version(db, team_id=team_id, event_id=event_id, version=version):
        raise StaleEdit
    event = get_event(db, team_id=team_id, event_id=event_id)
    if event is None:
        raise StaleEdit
    return event


def _remember_submission(db: Session, submission: str | None, *, event: Event, now: datetime) -> None:
    # Two copies of one submission can pass the first check together; the key decides.
    if submission is not None and not remember(db, key=submission, now=now, event_id=event.id):
        done = recall(db, key=submission)
        raise AlreadySaved(done.event_id if done else None)


def set_status(
    engine: Engine,
    *,
    team_id: str,
    actor: str,
    event_id: int,
    version: int,
    status: Status,
    now: datetime,
    default_channel: str | None,
    on_change: ScheduleChanged = _nothing,
) -> EditOutcome:
    with session(engine) as db, db.begin():
        event = _claimed(db, team_id=team_id, event_id=event_id, version=version)
        old = event.status
        event.status = status
        touch(db, event=event, actor=actor, now=now)
        changes = [FieldChange("status", old.label, status.label)] if old is not status else []
        record(db, event=event, actor=actor, now=now, action=status.value, changes=changes)
        refresh_clashes(db, team_id=team_id, event_ids=[event_id])
        db.refresh(event)
        sync_reminders(db, event=event, now=now, default_channel=default_channel)
    on_change()
    return EditOutcome(event, status.value, changes)


def delete_event(
    engine: Engine,
    *,
    team_id: str,
    actor: str,
    event_id: int,
    version: int,
    now: datetime,
    default_channel: str | None,
    on_change: ScheduleChanged = _nothing,
) -> EditOutcome:
    """Take the event off the schedule; the row stays, so its history can still be read."""
    with session(engine) as db, db.begin():
        event = _claimed(db, team_id=team_id, event_id=event_id, version=version)
        event.deleted_at = now
        touch(db, event=event, actor=actor, now=now)
        record(db, event=event, actor=actor, now=now, action="deleted")
        refresh_clashes(db, team_id=team_id, event_ids=[event_id])
        db.refresh(event, attribute_names=["clashes"])
        sync_reminders(db, event=event, now=now, default_channel=default_channel)
    on_change()
    return EditOutcome(event, "deleted")


def change_coverage(
    engine: Engine,
    *,
    team_id: str,
    actor: str,
    event_id: int,
    now: datetime,
    users: list[str] | None = None,
    add: str | None = None,
    on_change: ScheduleChanged = _nothing,
) -> EditOutcome:
    """Set who covers the event (`users`), or add one person (`add`, for "I'll cover").

    Reminders do not depend on who covers an event, but the Home tab does (its coverage gaps,
    what each user covers): `on_change` is called when the coverage changed.
    """
    with session(engine) as db, db.begin():
        event = get_event(db, team_id=team_id, event_id=event_id)
        if event is None:
            raise StaleEdit
        current = [c.user_id for c in event.coverage]
        wanted = users if users is not None else [*current, *([add] if add is not None else [])]
        added, removed = set_coverage(db, event=event, user_ids=wanted, actor=actor, now=now)
        changes = (
            [FieldChange("coverage", ", ".join(current), ", ".join(c.user_id for c in event.coverage))]
            if added or removed
            else []
        )
        if changes:
            record(db, event=event, actor=actor, now=now, action="coverage", changes=changes)
    if changes:
        on_change()
    return EditOutcome(event, "coverage", changes, added=added, removed=removed)


def load_event(engine: Engine, *, team_id: str, event_id: int) -> Event | None:
    with session(engine) as db:
        return get_event(db, team_id=team_id, event_id=event_id)


def trip_choices(engine: Engine, *, team_id: str, since: datetime) -> list[Trip]:
    """The trips an event can join in the form: those with a stop still to come at `since`."""
    with session(engine) as db:
        return _trip_choices(db, team_id=team_id, since=since)


def record_thread(engine: Engine, *, event_id: int, ts: str) -> None:
    """The event's notices and reminders go to the thread of message `ts` from now on."""
    with session(engine) as db, db.begin():
        set_thread(db, event_id=event_id, ts=ts)
