"""`/trip changes` and the Home tab's "Since you last looked": what others changed on the
schedule, by event, since the user last asked or in a window they name.

Asking without a window reads, in one snapshot, the changes that the user's marker says they
have not been shown (storage/changes.py says why that is exact on both databases) and gives the
new marker to store once the reply has reached the user: `mark_read`. A reply Slack did not take leaves the marker,
and the changes are shown again. A window (`/trip changes 24h`) is a look back and leaves the
marker where it is; so does the Home tab, which is published by jobs as well as by the user.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from domain.changes import FIRST_LOOK, STEPS_SHOWN, ChangesDigest, group_changes
from domain.snapshot import PRIVATE_FIELDS
from domain.zones import earlier
from storage.changes import (
    Marker,
    Span,
    Watermark,
    changed_events,
    changes_of,
    events_by_id,
    mark_seen,
    one_snapshot,
    seen_marker,
    watermark,
)
from storage.db import session

# Events shown in a reply, and the titles of those after them named in its last line.
MAX_EVENTS = 25
MORE_TITLES = 30


@dataclass(frozen=True)
class Unseen:
    """What others changed that the user has not been shown, and the marker to store once they
    have been."""

    digest: ChangesDigest
    marker: Marker


def changes_since_last_look(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, editor: bool, limit: int = MAX_EVENTS
) -> Unseen:
    """What others changed since the user's marker (the last 24 hours the first time)."""
    return _unseen_digest(engine, team_id=team_id, user_id=user_id, now=now, editor=editor, limit=limit)


def mark_read(engine: Engine, *, team_id: str, user_id: str, marker: Marker) -> None:
    """The user has been shown what `changes_since_last_look` gave with `marker`."""
    with session(engine) as db, db.begin():
        mark_seen(db, team_id=team_id, user_id=user_id, marker=marker)


def changes_in_window(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, editor: bool, window: timedelta
) -> ChangesDigest:
    """What others changed in the last `window`; the marker stays where it is."""
    with session(engine) as db:
        since = earlier(now, window)
        span = Span(after=since, until=now)
        digest = _digest(db, team_id=team_id, user_id=user_id, span=span, since=since, now=now, editor=editor)
    return replace(digest, window_minutes=int(window.total_seconds() // 60))


def unseen_changes(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, editor: bool, limit: int
) -> ChangesDigest:
    """For the Home tab: what `/trip changes` would show now, without moving the marker."""
    return _unseen_digest(engine, team_id=team_id, user_id=user_id, now=now, editor=editor, limit=limit, more=0).digest


def _unseen_digest(engine: Engine, *, team_id: str, user_id: str, now: datetime, editor: bool, **shown: int) -> Unseen:
    """What others changed after the user's marker, read in one snapshot, with the marker that
    reading it would leave; `shown`: how many events and further titles the digest keeps."""
    with session(engine) as db:
        one_snapshot(db)
        marker, below = seen_marker(db, team_id=team_id, user_id=user_id), watermark(db, team_id=team_id)
        span, since = _unseen(marker, below, now), _since(marker, now)
        digest = _digest(db, team_id=team_id, user_id=user_id, span=span, since=since, now=now, editor=editor, **shown)
    return Unseen(replace(digest, first=marker is None), Marker(now, below.mark, below.seen))


def _since(marker: Marker | None, now: datetime) -> datetime:
    return marker.at if marker is not None else earlier(now, FIRST_LOOK)


def _unseen(marker: Marker | None, below: Watermark, now: datetime) -> Span:
    if marker is None:
        return Span(after=earlier(now, FIRST_LOOK), until=now, below=below.below)
    return Span(from_mark=marker.mark, below=below.below, seen=marker.seen)


def _digest(
    db: Session,
    *,
    team_id: str,
    user_id: str,
    span: Span,
    since: datetime,
    now: datetime,
    editor: bool,
    limit: int = MAX_EVENTS,
    more: int = MORE_TITLES,
) -> ChangesDigest:
    # Editors are told that notes changed; no one else is (as in `/trip history`). Deleted
    # events are listed to everyone, as followers are told of them: "taken off the schedule".
    hidden = () if editor else PRIVATE_FIELDS
    found = changed_events(
        db, team_id=team_id, user_id=user_id, span=span, now=now, limit=limit + more, without_fields=hidden
    )
    shown_ids, more_ids = found.event_ids[:limit], found.event_ids[limit:]
    events = events_by_id(db, team_id=team_id, event_ids=found.event_ids)
    read = changes_of(
        db, team_id=team_id, user_id=user_id, event_ids=shown_ids, span=span, steps=STEPS_SHOWN, without_fields=hidden
    )
    entries = group_changes(
        read.rows, {i: events[i] for i in shown_ids if i in events}, counts=read.steps, said=read.kinds
    )
    return ChangesDigest(
        since=since,
        now=now,
        window_minutes=None,
        first=False,
        events=entries,
        total=found.total,
        own=found.own,
        more_titles=[events[i].title for i in more_ids if i in events],
    )
