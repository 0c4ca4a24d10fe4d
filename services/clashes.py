"""Telling the desk about clashes that arrived without an editor seeing them (an import, a feed
sync, drafts from a story): each posted to the channel by one replica at a time.

A replica claims a clash with a lease before posting it and marks it told after Slack took
it: a replica that dies between the two lets the lease lapse and another posts it again, so a
clash is posted at least once, and twice only in that case. A post Slack refuses is tried
again later and later, and given up after MAX_ATTEMPTS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from domain.zones import later
from storage.changes import events_by_id
from storage.clashes import claim_notice, mark_told, unclaim_notice, untold
from storage.db import session
from storage.models import Event

# Clashes told in one run (one message for each channel); the next run takes the rest.
BATCH = 500
# How long a replica holds a clash it is posting.
LEASE = timedelta(minutes=5)
# After a failed post: the first wait, doubled after each failure up to the longest.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class ClashToTell:
    team_id: str
    pair: tuple[int, int]
    kind: str
    people: str
    distance_km: int | None
    # The one that starts first, then the other.
    first: Event
    second: Event
    # Failed posts so far.
    attempts: int = 0


def clashes_to_tell(engine: Engine, *, now: datetime, replica: str, limit: int = BATCH) -> list[ClashToTell]:
    """Clashes not told yet, each claimed for this replica (another gets none of them while
    the lease lasts). A clash whose events went meanwhile, or are both over or kept as a past
    record, is marked told without a post: there is nothing left to plan."""
    told = []
    quiet = []
    with session(engine) as db, db.begin():
        claimed = [
            row
            for row in untold(db, now=now, max_attempts=MAX_ATTEMPTS, limit=limit)
            if claim_notice(
                db, pair=(row.event_id, row.other_id), now=now, lease_until=later(now, LEASE), replica=replica
            )
        ]
        # The claimed clashes' events, in one query (the rows may be of several workspaces).
        events = {
            (team_id, event_id): event
            for team_id in {row.team_id for row in claimed}
            for event_id, event in events_by_id(
                db,
                team_id=team_id,
                event_ids=sorted(
                    {n for row in claimed if row.team_id == team_id for n in (row.event_id, row.other_id)}
                ),
            ).items()
        }
        for row in claimed:
            pair = (row.event_id, row.other_id)
            found = [events.get((row.team_id, n)) for n in pair]
            present = [e for e in found if e is not None and e.deleted_at is None]
            if len(present) < 2 or all(e.past_record or e.finishes_at <= now for e in present):
                quiet.append(pair)
                continue
            first, second = sorted(present, key=lambda e: (e.starts_at, e.id or 0))
            told.append(
                ClashToTell(row.team_id, pair, row.kind, row.people, row.distance_km, first, second, row.attempts)
            )
        mark_told(db, pairs=quiet, now=now, replica=replica)
    return told


def clashes_told(engine: Engine, *, pairs: list[tuple[int, int]], now: datetime, replica: str) -> None:
    """Slack took the post: never again."""
    with session(engine) as db, db.begin():
        mark_told(db, pairs=pairs, now=now, replica=replica)


def clash_not_told(engine: Engine, *, clash: ClashToTell, now: datetime, replica: str) -> bool:
    """Slack refused the post: tried again after a wait that doubles with each failure.
    Whether that was the last attempt (the clash is given up)."""
    wait = min(FIRST_RETRY * 2**clash.attempts, LONGEST_RETRY)
    with session(engine) as db, db.begin():
        unclaim_notice(db, pairs=[clash.pair], replica=replica, retry_at=later(now, wait), failed=True)
    return clash.attempts + 1 >= MAX_ATTEMPTS


def clashes_left(engine: Engine, *, pairs: list[tuple[int, int]], replica: str) -> None:
    """Not posted for want of a channel: free for the next run at once, no attempt counted."""
    with session(engine) as db, db.begin():
        unclaim_notice(db, pairs=pairs, replica=replica, retry_at=None, failed=False)
