"""The live calendar feed: its secret address, and the feed itself, rendered once per change.

The address is `/calendar/<selector><verifier>.ics`. The selector (12 characters) finds the
workspace's row; the verifier (43 characters, 256 random bits) is then compared with
`hmac.compare_digest`, so the time an answer takes says nothing about how much of the verifier
was right. An unknown, malformed or rotated address gets the same 404.

Writing 10,000 events takes seconds of CPU on a small server, so the feed is kept in memory
(plain and gzipped) and served again as long as the workspace's schedule stamp (one aggregate
query) is unchanged; after a change, only the events whose version changed are read and written
again, and every feed is rendered once at start (`warm_feeds`). The ETag is derived from the
stamp, so a client's conditional request is answered 304 without rendering anything, by any
replica.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from domain.calendar_feed import FeedTitle, assemble_feed, event_lines
from domain.search import query_words
from storage.calendar_feeds import (
    ScheduleStamp,
    all_feeds,
    create_feed,
    feed_by_selector,
    feed_events,
    feed_versions,
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
    def gzip_etag(self) -> str:
        """The gzipped representation's own ETag, as RFC 9110 wants for another encoding."""
        return self.etag[:-1] + '-gz"'

    @property
    def last_modified(self) -> datetime:
        """The latest change to the schedule (a deletion included), or when the address was made."""
        latest = self.stamp.latest
        return max(latest, self.created_at) if latest is not None else self.created_at


class FeedCache:
    """Rendered feeds by workspace, query and title, each with the stamp it was rendered at;
    and each event's lines as last written, by id with the version and time they were written
    at: after one change, one event is read and written again, not ten thousand."""

    def __init__(self, size: int = CACHED_FEEDS):
        self._size = size
        self._feeds: OrderedDict[tuple[str, tuple[str, ...], str], tuple[str, bytes]] = OrderedDict()
        self._events: OrderedDict[str, dict[int, tuple[tuple[int, datetime], bytes]]] = OrderedDict()
        self._gzipped: OrderedDict[tuple[str, tuple[str, ...], str], tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.rendering = threading.Lock()

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

    def gzipped(self, state: FeedState, body: bytes) -> bytes:
        """`body` (the feed `state` names) gzipped, compressed once per change."""
        key = (state.team_id, state.words, state.title.name)
        with self._lock:
            found = self._gzipped.get(key)
        if found is not None and found[0] == state.stamp.key:
            return found[1]
        # mtime=0: the same feed gives the same bytes, whichever replica compressed it.
        data = gzip.compress(body, mtime=0)
        with self._lock:
            self._gzipped[key] = (state.stamp.key, data)
            self._gzipped.move_to_end(key)
            while len(self._gzipped) > self._size:
                self._gzipped.popitem(last=False)
        return data

    def written(self, team_id: str) -> dict[int, tuple[tuple[int, datetime], bytes]]:
        with self._lock:
            return self._events.get(team_id, {})

    def keep_written(self, team_id: str, written: dict[int, tuple[tuple[int, datetime], bytes]]) -> None:
        with self._lock:
            self._events[team_id] = written
            self._events.move_to_end(team_id)
            while len(self._events) > self._size:
                self._events.popitem(last=False)


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
        return _state(db, feed, query)


def _state(db: Session, feed: CalendarFeed, query: str) -> FeedState:
    words = tuple(query_words(query))
    return FeedState(
        team_id=feed.team_id,
        # The title is made of the query's folded words, not of what was typed: "and", "And!"
        # and "and." are one feed (one cache entry), and nothing typed reaches the calendar text.
        title=FeedTitle(desk=feed.desk, query=" ".join(sorted(words))),
        words=words,
        stamp=schedule_stamp(db, team_id=feed.team_id),
        created_at=feed.created_at,
    )


def warm_feeds(engine: Engine, cache: FeedCache) -> int:
    """Render every workspace's whole feed into `cache` (at start, on a thread of its own), so
    that the first calendar to ask after a restart does not wait for 10,000 events to be
    written. Returns how many were rendered."""
    with session(engine) as db:
        states = [_state(db, feed, "") for feed in all_feeds(db)]
    for state in states:
        feed_body(engine, cache, state)
    return len(states)


def feed_body(engine: Engine, cache: FeedCache, state: FeedState) -> bytes:
    """The feed's iCalendar bytes: from the cache while the schedule is as `state` found it;
    else the events' lines written last time for those unchanged, and the others read and
    written now."""
    cached = cache.get(state)
    if cached is not None:
        return cached
    # One render at a time: a request that comes while the same feed is being rendered (at
    # start, or by a calendar that asked a moment before) waits for it rather than doing it again.
    with cache.rendering:
        cached = cache.get(state)
        if cached is not None:
            return cached
        return _render(engine, cache, state)


def feed_gzipped(engine: Engine, cache: FeedCache, state: FeedState) -> bytes:
    """The feed gzipped, for clients that accept it: a tenth of the size or less."""
    return cache.gzipped(state, feed_body(engine, cache, state))


def _render(engine: Engine, cache: FeedCache, state: FeedState) -> bytes:
    written = cache.written(state.team_id)
    with session(engine) as db:
        versions = feed_versions(db, team_id=state.team_id, words=state.words)
        stale = [event_id for event_id, *key in versions if written.get(event_id, (None,))[0] != tuple(key)]
        fresh = feed_events(db, team_id=state.team_id, ids=stale)
    now_written = {}
    for event_id, version, updated_at in versions:
        event = fresh.get(event_id)
        if event is not None:
            now_written[event_id] = ((version, updated_at), event_lines(event))
        elif event_id in written:
            now_written[event_id] = written[event_id]
        # else: deleted between the two queries; the next request's stamp differs anyway.
    body = assemble_feed((lines for _key, lines in now_written.values()), state.title)
    if not state.words:
        # The whole schedule's lines replace the last ones, so that old versions go; a query's
        # feed only adds to them.
        cache.keep_written(state.team_id, now_written)
    else:
        cache.keep_written(state.team_id, {**written, **now_written})
    cache.put(state, body)
    return body
