"""The drafts of a story between the views of the drafts modal: one row per story read."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col

from storage.models import StoryDraftSet, saved_id


def add_draft_set(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    reference: date,
    drafts: list[dict[str, Any]],
    channel_id: str | None,
    source_url: str | None,
) -> int:
    row = StoryDraftSet(
        team_id=team_id,
        user_id=user_id,
        created_at=now,
        reference=reference,
        channel_id=channel_id,
        source_url=source_url,
        drafts=json.dumps(drafts, ensure_ascii=False),
    )
    session.add(row)
    session.flush()
    return saved_id(row)


def get_draft_set(session: Session, *, team_id: str, user_id: str, set_id: int) -> StoryDraftSet | None:
    """The row, if it is this user's in this workspace: a view's metadata names it, and a
    view is only ever shown to the user it was opened for."""
    row = session.get(StoryDraftSet, set_id)
    if row is None or row.team_id != team_id or row.user_id != user_id:
        return None
    return row


def set_outcome(session: Session, *, row: StoryDraftSet, index: int, outcome: dict[str, Any]) -> None:
    outcomes = json.loads(row.outcomes or "{}")
    outcomes[str(index)] = outcome
    row.outcomes = json.dumps(outcomes, ensure_ascii=False)
    session.add(row)
    session.flush()


def forget_draft_sets(session: Session, *, before: datetime) -> int:
    result = session.exec(delete(StoryDraftSet).where(col(StoryDraftSet.created_at) < before))
    return result.rowcount
