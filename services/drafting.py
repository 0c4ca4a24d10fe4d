"""Drafting events from a story: reading it, keeping the drafts while an editor goes through
them, comparing them with the schedule, and adding the chosen ones as the form would."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from domain.event_form import EventInput
from domain.search import query_words
from domain.stories.extract import extract
from domain.stories.model import StoryDraft
from domain.stories.review import DraftMatch, additions, best_match, day_span, draft_from_dict, draft_to_dict
from domain.zones import add_days, earlier, start_of_day
from services.editing import EditOutcome, ScheduleChanged, save_events
from storage.db import session
from storage.events import find_events
from storage.models import Event, StoryDraftSet
from storage.story_drafts import add_draft_set, forget_draft_sets, get_draft_set, set_outcome

# Long enough for an editor to come back to an open modal; the rows are small.
KEPT_FOR = timedelta(days=2)
# Events looked at per draft: those of its city on the days it may fall on.
CANDIDATES = 50
ORIGIN = "a story"


def _nothing() -> None:
    pass


@dataclass(frozen=True)
class DraftSet:
    id: int
    reference: date
    drafts: list[StoryDraft]
    channel_id: str | None
    source_url: str | None
    # Draft index → {"title": the event's title, "done": "added" | "updated"}
    outcomes: dict[int, dict[str, Any]] = field(default_factory=dict)


def read_story(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    text: str,
    published: date | None,
    today: date,
    now: datetime,
    channel_id: str | None,
    source_url: str | None,
) -> DraftSet:
    """Draft the events of `text` and keep the drafts (not the text) for the views that follow."""
    extraction = extract(text, published=published, today=today)
    with session(engine) as db, db.begin():
        forget_draft_sets(db, before=earlier(now, KEPT_FOR))
        set_id = add_draft_set(
            db,
            team_id=team_id,
            user_id=user_id,
            now=now,
            reference=extraction.reference,
            drafts=[draft_to_dict(d) for d in extraction.drafts],
            channel_id=channel_id,
            source_url=source_url,
        )
    return DraftSet(set_id, extraction.reference, list(extraction.drafts), channel_id, source_url)


def load_drafts(engine: Engine, *, team_id: str, user_id: str, set_id: object) -> DraftSet | None:
    """The drafts a view names, if they are still kept and are this user's."""
    if not isinstance(set_id, int):
        return None
    with session(engine) as db:
        row = get_draft_set(db, team_id=team_id, user_id=user_id, set_id=set_id)
        return _draft_set(row) if row is not None else None


def _draft_set(row: StoryDraftSet) -> DraftSet:
    outcomes = {int(k): v for k, v in json.loads(row.outcomes or "{}").items()}
    return DraftSet(
        id=row.id or 0,
        reference=row.reference,
        drafts=[draft_from_dict(d) for d in json.loads(row.drafts)],
        channel_id=row.channel_id,
        source_url=row.source_url,
        outcomes=outcomes,
    )


def schedule_matches(engine: Engine, *, team_id: str, drafts: Sequence[StoryDraft]) -> list[DraftMatch | None]:
    """For each draft, the event already on the schedule that it describes, if any. Callers pass
    the drafts they show: one query a draft."""
    found: list[DraftMatch | None] = []
    with session(engine) as db:
        for draft in drafts:
            event = best_match(draft, _candidates(db, team_id=team_id, draft=draft))
            found.append(DraftMatch(event, additions(draft, event)) if event is not None else None)
    return found


def _candidates(db: Session, *, team_id: str, draft: StoryDraft) -> list[Event]:
    span = day_span(draft)
    words = query_words(draft.city or "")
    if span is None or not words:
        return []
    # A day either side in UTC: the venue's day may begin or end on a neighbouring UTC date.
    page = find_events(
        db,
        team_id=team_id,
        words=words,
        not_over_at=start_of_day(add_days(span[0], -1), "UTC"),
        starts_before=start_of_day(add_days(span[1], 2), "UTC"),
        limit=CANDIDATES,
    )
    return list(page.events)


def add_drafts(
    engine: Engine,
    *,
    team_id: str,
    actor: str,
    set_id: int,
    chosen: dict[int, EventInput],
    now: datetime,
    default_channel: str | None,
    submission: str | None,
    on_change: ScheduleChanged = _nothing,
) -> list[EditOutcome]:
    """Add the checked drafts, in one transaction with their history ("from a story"),
    reminders and the record that they were added."""
    indexes = sorted(chosen)

    def mark(db: Session, outcomes: list[EditOutcome]) -> None:
        row = db.get(StoryDraftSet, set_id)
        if row is None:
            return
        for index, outcome in zip(indexes, outcomes, strict=True):
            set_outcome(db, row=row, index=index, outcome={"title": outcome.event.title, "done": "added"})

    return save_events(
        engine,
        team_id=team_id,
        actor=actor,
        forms=[chosen[i] for i in indexes],
        now=now,
        default_channel=default_channel,
        submission=submission,
        origin=ORIGIN,
        then=mark,
        on_change=on_change,
    )


def mark_done(
    engine: Engine, *, team_id: str, user_id: str, set_id: object, index: object, title: str, done: str
) -> None:
    """Record that draft `index` was added or used to update an event through its own form."""
    if not isinstance(set_id, int) or not isinstance(index, int):
        return
    with session(engine) as db, db.begin():
        row = get_draft_set(db, team_id=team_id, user_id=user_id, set_id=set_id)
        if row is not None:
            set_outcome(db, row=row, index=index, outcome={"title": title, "done": done})
