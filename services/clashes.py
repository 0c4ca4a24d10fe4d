"""Telling the desk about clashes that arrived without an editor seeing them (an import, a feed
sync, drafts from a story): each posted once to the channel, whichever replica gets to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from storage.clashes import claim_notice, unclaim_notice, untold
from storage.db import session
from storage.editing import get_event
from storage.models import Event

# Clashes told in one run; the next run takes the rest.
BATCH = 20


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


def clashes_to_tell(engine: Engine, *, now: datetime, limit: int = BATCH) -> list[ClashToTell]:
    """Clashes not told yet, each claimed for this caller (another replica gets none of them).
    A clash whose events went meanwhile is claimed and dropped."""
    told = []
    with session(engine) as db, db.begin():
        for row in untold(db, limit=limit):
            pair = (row.event_id, row.other_id)
            if not claim_notice(db, pair=pair, now=now):
                continue
            events = [get_event(db, team_id=row.team_id, event_id=n) for n in pair]
            if any(e is None or e.deleted_at is not None for e in events):
                continue
            first, second = sorted((e for e in events if e is not None), key=lambda e: (e.starts_at, e.id or 0))
            told.append(ClashToTell(row.team_id, pair, row.kind, row.people, row.distance_km, first, second))
    return told


def clash_not_told(engine: Engine, *, pair: tuple[int, int]) -> None:
    """The post did not go out: the next run tries again."""
    with session(engine) as db, db.begin():
        unclaim_notice(db, pair=pair)
