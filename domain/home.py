"""The Home tab as the desk's dashboard: what it is made of, and the rules that decide what goes
in it (how far ahead a coverage gap is looked for; which events are key is domain/coverage.py's rule).

The service gathers a `Dashboard` for one user; blocks/home.py lays it out. Each part carries
the total found beside the rows it holds, so that the tab can say "and 12 more" when only some
of them fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.changes import ChangesDigest
from domain.coverage import CHASE_LEADS
from domain.itinerary import PersonItinerary
from domain.records import EventRecord

# How far ahead a key event without anyone covering it counts as a gap: the first chase's lead.
GAP_HORIZON = CHASE_LEADS[0]
# The days of the schedule the tab lists: today and the six after it, on the newsroom's calendar.
WEEK_DAYS = 7


@dataclass(frozen=True)
class Part:
    """Some of the events of one part of the tab, in start order, and how many there are in
    all (`total` may stop counting at `count_cap`)."""

    events: Sequence[EventRecord]
    total: int
    count_cap: int | None = None


@dataclass(frozen=True)
class FollowNext:
    """One of the user's follows and the next event it matches (None: nothing upcoming)."""

    query: str
    next_event: EventRecord | None


@dataclass(frozen=True)
class FeedHealth:
    """How a subscribed calendar is doing, for the editors."""

    name: str
    url: str
    last_success_at: datetime | None
    last_error: str | None
    failing_since: datetime | None

    @property
    def failing(self) -> bool:
        return self.failing_since is not None or self.last_error is not None


@dataclass(frozen=True)
class Dashboard:
    user_id: str
    now: datetime
    # The newsroom's days the week covers, first and last.
    days: tuple[date, date]
    week: Part
    mine: Part
    gaps: Part
    follows: Sequence[FollowNext]
    follows_total: int
    # The subscribed feeds, for an editor; None for anyone else (the part is not shown).
    feeds: Sequence[FeedHealth] | None
    feeds_total: int
    # Whether the user may change the schedule: the Add event button is for them.
    editor: bool
    # The upcoming itineraries of the trips' principals the user follows: (the follow's query,
    # the itinerary), in the follows' order.
    itineraries: Sequence[tuple[str, PersonItinerary[EventRecord]]] = ()
    # What others changed since the user last asked `/trip changes` (None: not shown).
    changes: ChangesDigest | None = None
