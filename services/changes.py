"""`/trip changes` and the Home tab's "Since you last looked": what others changed on the
schedule, by event, since the user last asked or in a window they name.

Asking without a window reads from the user's marker and then moves the marker to the newest
change that was read — not to "now", so that a change committed between the read and the
write is still after the marker. A window (`/trip changes 24h`) is a look back and leaves the
marker where it is; so does the Home tab, which is published by jobs as well as by the user.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from domain.changes import FIRST_LOOK, ChangesDigest, group_changes
from domain.snapshot import PRIVATE_FIELDS
from domain.zones import earlier
from storage.changes import Point, changed_events, changes_of, events_by_id, mark_seen, newest_point, seen_point
from storage.db import session
from storage.events import COUNT_CAP

# Events shown in a reply, and the titles of those after them named in its last line.
MAX_EVENTS = 25
MORE_TITLES = 30
# History rows read for the events shown: their newest, if an import changed them many times.
MAX_ROWS = 600


def changes_since_last_look(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, editor: bool, limit: int = MAX_EVENTS
) -> ChangesDigest:
    """What others changed since the user's marker (the last 24 hours the first time), and the
    marker moved past everything read."""
    with session(engine) as db, db.begin():
        marker = seen_point(db, team_id=team_id, user_id=user_id)
        after = marker or Point(earlier(now, FIRST_LOOK))
        # The newest change first, and then only what is up to it: a change committed while
        # this reads is left for the next time rather than passed over by the marker.
        newest = newest_point(db, team_id=team_id, after=after, until=now)
        if newest is None:
            digest = _nothing(after, now)
        else:
            digest = _digest(
                db, team_id=team_id, user_id=user_id, after=after, until=newest, now=now, editor=editor, limit=limit
            )
        if newest is not None or marker is None:
            mark_seen(db, team_id=team_id, user_id=user_id, point=newest or after)
    return replace(digest, first=marker is None)


def changes_in_window(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, editor: bool, window: timedelta
) -> ChangesDigest:
    """What others changed in the last `window`; the marker stays where it is."""
    with session(engine) as db:
        digest = _digest(
            db, team_id=team_id, user_id=user_id, after=Point(earlier(now, window)), until=now, now=now, editor=editor
        )
    return replace(digest, window_minutes=int(window.total_seconds() // 60))


def unseen_changes(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, editor: bool, limit: int
) -> ChangesDigest:
    """For the Home tab: what `/trip changes` would show now, without moving the marker."""
    with session(engine) as db:
        marker = seen_point(db, team_id=team_id, user_id=user_id)
        digest = _digest(
            db,
            team_id=team_id,
            user_id=user_id,
            after=marker or Point(earlier(now, FIRST_LOOK)),
            until=now,
            now=now,
            editor=editor,
            limit=limit,
            more=0,
        )
    return replace(digest, first=marker is None)


def _nothing(after: Point, now: datetime) -> ChangesDigest:
    return ChangesDigest(since=after.at, now=now, window_minutes=None, first=False, events=(), total=0, own=0)


def _digest(
    db: Session,
    *,
    team_id: str,
    user_id: str,
    after: Point,
    until: datetime | Point,
    now: datetime,
    editor: bool,
    limit: int = MAX_EVENTS,
    more: int = MORE_TITLES,
) -> ChangesDigest:
    # Editors are told that notes changed; no one else is (as in `/trip history`). Deleted
    # events are listed to everyone, as followers are told of them: "taken off the schedule".
    hidden = () if editor else PRIVATE_FIELDS
    found = changed_events(
        db,
        team_id=team_id,
        user_id=user_id,
        after=after,
        until=until,
        now=now,
        limit=limit + more,
        without_fields=hidden,
    )
    shown_ids, more_ids = found.event_ids[:limit], found.event_ids[limit:]
    events = events_by_id(db, team_id=team_id, event_ids=found.event_ids)
    rows = changes_of(
        db,
        team_id=team_id,
        user_id=user_id,
        event_ids=shown_ids,
        after=after,
        until=until,
        limit=MAX_ROWS,
        without_fields=hidden,
    )
    entries = group_changes(rows, {i: events[i] for i in shown_ids if i in events})
    return ChangesDigest(
        since=after.at,
        now=now,
        window_minutes=None,
        first=False,
        events=entries,
        total=found.total,
        own=found.own,
        more_titles=[events[i].title for i in more_ids if i in events],
        count_cap=COUNT_CAP,
    )
