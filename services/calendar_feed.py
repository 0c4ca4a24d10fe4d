"""The live calendar feed: its secret address, and the feed itself, rendered once per change.

The address is `/calendar/<selector><verifier>.ics`. The selector (12 characters) finds the
workspace's row; the verifier (43 characters, 256 random bits) is then compared with
`hmac.compare_digest`, so the time an answer takes says nothing about how much of the verifier
was right. An unknown, malformed or rotated address gets the same 404.

Rendering 10,000 events takes a few hundred milliseconds, so the bytes are kept in memory and
served again as long as the workspace's schedule stamp (one aggregate query) is unchanged. The
ETag is derived from the stamp, so a client's conditional request is answered 304 without
rendering anything, by any replica.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from domain.calendar_feed import FeedEventRecord, FeedTitle, event_key, event_lines, render_feed
from domain.search import query_words
from storage.calendar_feeds import (
    ScheduleStamp,
    create_feed,
    feed_by_selector,
    feed_events,
    get_feed,
    replace_secret,
    schedule_stamp,
)
from storage.db import session
from storage.models import CalendarFeed

SELECTOR_CHARS = 12
VERIFIER_CHARS = 43
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{SELECTOR_CHARS + VERIFIER_CHARS}}}")
# Bumped whenever the rendering changes, so that clients holding an ETag of the old rendering
# are sent the new one although the schedule is the same.
RENDERING = "1"
# Feeds kept rendered: the whole schedule and a few queries' of a few workspaces.
CACHED_FEEDS = 32


@dataclass(frozen=True)
class FeedState:
    """A feed asked for by a valid address: whose it is, which events, and where they stand."""

    team_id: str
    title: FeedTitle
    words: tuple[str, ...]
    stamp: ScheduleStamp
    created_at: datetime

    @property
    def etag(self) -> str:
        parts = "\0".join((RENDERING, self.team_id, self.title.name, " ".join(self.words), self.stamp.key))
        return f'"{hashlib.sha256(parts.encode()).hexdigest()[:32]}"'

    @property
    def last_modified(self) -> datetime:
        """The latest change to the schedule (a deletion included), or when the address was made."""
        latest = self.stamp.latest
        return max(latest, self.created_at) if latest is not None else self.created_at


class FeedCache:
    """Rendered feeds by workspace, query and title, each with the stamp it was rendered at,
    and each workspace's events as last written, by `event_key`: after one change, one event
    is written again, not ten thousand."""

    def __init__(self, size: int = CACHED_FEEDS):
        self._size = size
        self._feeds: OrderedDict[tuple[str, tuple[str, ...], str], tuple[str, bytes]] = OrderedDict()
        self._events: OrderedDict[str, dict[tuple, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, state: FeedState) -> bytes | None:
        key = (state.team_id, state.words, state.title.name)
        with self._lock:
            found = self._feeds.get(key)
            if found is None or found[0] != state.stamp.key:
                return None
            self._feeds.move_to_end(key)
            return found[1]

    def put(self, state: FeedState, body: bytes) -> None:
        key = (state.team_id, state.words, state.title.name)
        with self._lock:
            self._feeds[key] = (state.stamp.key, body)
            self._feeds.move_to_end(key)
            while len(self._feeds) > self._size:
                self._feeds.popitem(last=False)

    def render(self, state: FeedState, events: Sequence[FeedEventRecord]) -> bytes:
        with self._lock:
            written = self._events.get(state.team_id, {})
        kept: dict[tuple, bytes] = {}

        def lines(event: FeedEventRecord) -> bytes:
            key = event_key(event)
            found = written.get(key)
            if found is None:
                found = event_lines(event)
            kept[key] = found
            return found

        body = render_feed(events, state.title, lines)
        if not state.words:
            # The whole schedule's events replace the last ones, so that old versions go; a
            # query's feed only reads them.
            with self._lock:
                self._events[state.team_id] = kept
                self._events.move_to_end(state.team_id)
                while len(self._events) > self._size:
                    self._events.popitem(last=False)
        return body


def _new_secret() -> tuple[str, str]:
    return secrets.token_urlsafe(9), secrets.token_urlsafe(32)


def _token(feed: CalendarFeed) -> str:
    return feed.selector + feed.verifier


def feed_token(engine: Engine, *, team_id: str, actor: str, desk: str, now: datetime) -> str:
    """The workspace's feed token, made on first use."""
    with session(engine) as db, db.begin():
        feed = get_feed(db, team_id=team_id)
        if feed is None:
            selector, verifier = _new_secret()
            feed = create_feed(
                db, team_id=team_id, selector=selector, verifier=verifier, desk=desk, actor=actor, now=now
            )
        return _token(feed)


def rotate_feed(engine: Engine, *, team_id: str, actor: str, desk: str, now: datetime) -> str:
    """A new token for the workspace's feed; the old address answers 404 from now on."""
    selector, verifier = _new_secret()
    with session(engine) as db, db.begin():
        feed = replace_secret(
            db, team_id=team_id, selector=selector, verifier=verifier, desk=desk, actor=actor, now=now
        )
        return _token(feed)


def open_feed(engine: Engine, *, token: str, query: str = "") -> FeedState | None:
    """The feed `token` opens, where its schedule stands; None for any token that opens none."""
    if not _TOKEN.fullmatch(token):
        return None
    selector, verifier = token[:SELECTOR_CHARS], token[SELECTOR_CHARS:]
    with session(engine) as db:
        feed = feed_by_selector(db, selector=selector)
        if feed is None or not hmac.compare_digest(feed.verifier.encode(), verifier.encode()):
            return None
        stamp = schedule_stamp(db, team_id=feed.team_id)
        return FeedState(
            team_id=feed.team_id,
            title=FeedTitle(desk=feed.desk, query=query),
            words=tuple(query_words(query)),
            stamp=stamp,
            created_at=feed.created_at,
        )


def feed_body(engine: Engine, cache: FeedCache, state: FeedState) -> bytes:
    """The feed's iCalendar bytes: from the cache while the schedule is as `state` found it."""
    cached = cache.get(state)
    if cached is not None:
        return cached
    with session(engine) as db:
        events = feed_events(db, team_id=state.team_id, words=state.words)
    body = cache.render(state, events)
    cache.put(state, body)
    return body
