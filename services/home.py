"""The Home tab's dashboard for one user: the week ahead, what they cover, their follows and
what each matches next, the key events nobody covers, and (for editors) the feeds' health.

Each part reads only as many rows as the tab can show, with a total beside them, so that a
schedule of thousands of events or a user with fifty follows costs a few small queries.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from blocks.changes import HOME_LINES
from blocks.home import FEED_LINES, FOLLOW_LINES, GAP_LINES, ITINERARIES, MINE_LINES, WEEK_LINES
from domain.home import (
    GAP_HORIZON,
    WEEK_DAYS,
    Dashboard,
    FeedHealth,
    FollowNext,
    Part,
)
from domain.search import query_words
from domain.zones import add_days, later, start_of_day
from services.changes import unseen_changes
from services.fetching import shown_url
from services.itineraries import followed_itineraries
from storage.db import session
from storage.events import COUNT_CAP, find_events
from storage.home import (
    first_matches,
    follows_of,
    record_viewer,
    subscriptions_by_health,
    uncovered_events,
    viewers_since,
)

# Rows read for each part: as many as the tab shows at most (it may show fewer, when long
# lines fill a section first). A follow's next event costs a search of its own, so no more
# follows are read than can be shown.
WEEK_ROWS = WEEK_LINES
MINE_ROWS = MINE_LINES
GAP_ROWS = GAP_LINES
FOLLOW_ROWS = FOLLOW_LINES
FEED_ROWS = FEED_LINES


def open_home(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, newsroom_tz: ZoneInfo, editor: bool
) -> Dashboard:
    """The user opened the Home tab: remember it (their tab is then refreshed when the schedule
    changes), and gather their dashboard."""
    with session(engine) as db, db.begin():
        record_viewer(db, team_id=team_id, user_id=user_id, now=now)
    return build_dashboard(engine, team_id=team_id, user_id=user_id, now=now, newsroom_tz=newsroom_tz, editor=editor)


def build_dashboard(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, newsroom_tz: ZoneInfo, editor: bool
) -> Dashboard:
    """`editor`: whether the user may change the schedule (the feeds' health is shown only then)."""
    first = now.astimezone(newsroom_tz).date()
    last = add_days(first, WEEK_DAYS - 1)
    with session(engine) as db:
        week = find_events(
            db,
            team_id=team_id,
            not_over_at=now,
            starts_before=start_of_day(add_days(last, 1), newsroom_tz),
            limit=WEEK_ROWS,
        )
        mine = find_events(db, team_id=team_id, covered_by=user_id, not_over_at=now, limit=MINE_ROWS)
        gaps = uncovered_events(
            db,
            team_id=team_id,
            not_over_at=now,
            starts_before=later(now, GAP_HORIZON),
            limit=GAP_ROWS,
        )
        follows = follows_of(db, team_id=team_id, user_id=user_id, limit=FOLLOW_ROWS)
        # Matched as `/trip <query>` matches: every word of the query as a prefix of a word of the event.
        firsts = first_matches(
            db, team_id=team_id, queries=[query_words(follow.query) for follow in follows.follows], not_over_at=now
        )
        nexts = [
            FollowNext(query=follow.query, next_event=first)
            for follow, first in zip(follows.follows, firsts, strict=True)
        ]
        feeds: list[FeedHealth] | None = None
        feeds_total = 0
        if editor:
            found = subscriptions_by_health(db, team_id=team_id, limit=FEED_ROWS)
            feeds_total = found.total
            feeds = [
                FeedHealth(
                    name=row.name,
                    url=shown_url(row.url),
                    last_success_at=row.last_success_at,
                    last_error=row.last_error,
                    failing_since=row.failing_since,
                )
                for row in found.subscriptions
            ]
    itineraries = followed_itineraries(
        engine, team_id=team_id, queries=[n.query for n in nexts], now=now, limit=ITINERARIES
    )
    # Read, not marked: the tab is published by refreshes too, which are no one's reading.
    changes = unseen_changes(engine, team_id=team_id, user_id=user_id, now=now, editor=editor, limit=HOME_LINES)
    return Dashboard(
        user_id=user_id,
        now=now,
        days=(first, last),
        week=Part(week.events, week.total, COUNT_CAP),
        mine=Part(mine.events, mine.total, COUNT_CAP),
        gaps=Part(gaps.events, gaps.total, COUNT_CAP),
        follows=nexts,
        follows_total=follows.total,
        feeds=feeds,
        feeds_total=feeds_total,
        editor=editor,
        itineraries=itineraries,
        changes=changes,
    )


def recent_viewers(engine: Engine, *, team_id: str, since: datetime) -> list[str]:
    """The users who opened the Home tab at `since` or later, the latest first."""
    with session(engine) as db:
        return viewers_since(db, team_id=team_id, since=since)
