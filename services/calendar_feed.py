"""The live calendar feed: its secret address, and the feed itself, rendered once per change.

The address is `/calendar/<selector><verifier>.ics`. The selector (12 characters) finds the
workspace's row; the verifier (43 characters, 256 random bits) is then compared with
`hmac.compare_digest`, so the time an answer takes says nothing about how much of the verifier
was right. An unknown, malformed or rotated address gets the same 404.

Writing 10,000 events takes most of a second of CPU on a small server, so the feed is kept in
memory (plain, and gzipped in segments) and served again as long as the workspace's schedule
stamp (a revision kept by triggers, read by primary key) is unchanged; after a change, only the
events whose version changed are read and written again, and only their segments of the
gzipped feed compressed again; every feed is rendered once at start (`warm_feeds`). The ETag is
derived from the stamp, so a client's conditional request is answered 304 without rendering
anything, by any replica.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from domain.calendar_feed import CALENDAR_END, FeedTitle, calendar_head, event_lines
from domain.search import query_words
from storage.calendar_feeds import (
    OpenedFeed,
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
from storage.db import autocommit, session
from storage.models import CalendarFeed

SELECTOR_CHARS = 12
VERIFIER_CHARS = 43
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{SELECTOR_CHARS + VERIFIER_CHARS}}}")
# Bumped whenever the rendering changes, so that clients holding an ETag of the old rendering
# are sent the new one although the schedule is the same.
RENDERING = "1"
# Feeds kept rendered: the whole schedule and a few queries' of a few workspaces.
CACHED_FEEDS = 32
# Events per compressed segment of the gzipped feed, on average: a change compresses one
# segment again (about 60 KB, a millisecond or two) rather than the whole feed (10 MB at 10,000
# events, 0.3 s); the deflate window is 32 KB, so segments this size compress as well as one
# stream does.
SEGMENT_EVENTS = 64
_SPREAD = 2654435761
_CUT_SHIFT = 32 - (SEGMENT_EVENTS.bit_length() - 1)
GZIP_LEVEL = 9
_WINDOW = 1 << zlib.MAX_WBITS
# RFC 1952: gzip, deflate, no flags, mtime 0, maximum compression, Unix: as gzip.compress writes it.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"


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


@dataclass(frozen=True)
class _Rendered:
    """A feed as served: its bytes, gzipped too, and the compressed segments it was made of,
    each under the events (and their versions) it holds, for the next render to reuse."""

    stamp: str
    body: bytes
    gzipped: bytes
    segments: dict[tuple[_Identity, _Identity], bytes]


class FeedCache:
    """Rendered feeds by workspace, query and title, each with the stamp it was rendered at;
    and each event's lines as last written, by id with the version and time they were written
    at: after one change, one event is read and written again, not ten thousand, and one
    segment of the gzipped feed is compressed again."""

    def __init__(self, size: int = CACHED_FEEDS):
        self._size = size
        self._feeds: OrderedDict[tuple[str, tuple[str, ...], str], _Rendered] = OrderedDict()
        self._events: OrderedDict[str, dict[int, tuple[Hashable, bytes]]] = OrderedDict()
        self._lock = threading.Lock()
        self.rendering = threading.Lock()

    def get(self, state: FeedState) -> bytes | None:
        found = self.current(state)
        return found.body if found is not None else None

    def get_gzipped(self, state: FeedState) -> bytes | None:
        found = self.current(state)
        return found.gzipped if found is not None else None

    def current(self, state: FeedState) -> _Rendered | None:
        key = (state.team_id, state.words, state.title.name)
        with self._lock:
            found = self._feeds.get(key)
            if found is None or found.stamp != state.stamp.key:
                return None
            self._feeds.move_to_end(key)
            return found

    def last(self, state: FeedState) -> _Rendered | None:
        """The feed as last rendered, whatever the stamp: what a new render may reuse."""
        with self._lock:
            return self._feeds.get((state.team_id, state.words, state.title.name))

    def put(self, state: FeedState, rendered: _Rendered) -> None:
        key = (state.team_id, state.words, state.title.name)
        with self._lock:
            self._feeds[key] = rendered
            self._feeds.move_to_end(key)
            while len(self._feeds) > self._size:
                self._feeds.popitem(last=False)

    def written(self, team_id: str) -> dict[int, tuple[Hashable, bytes]]:
        with self._lock:
            return self._events.get(team_id, {})

    def keep_written(self, team_id: str, written: dict[int, tuple[Hashable, bytes]]) -> None:
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
    with autocommit(engine) as db:
        feed = feed_by_selector(db, selector=selector)
    if feed is None or not hmac.compare_digest(feed.verifier.encode(), verifier.encode()):
        return None
    return _state(feed, feed.stamp, query)


def _state(feed: CalendarFeed | OpenedFeed, stamp: ScheduleStamp, query: str) -> FeedState:
    words = tuple(query_words(query))
    return FeedState(
        team_id=feed.team_id,
        # The title is made of the query's folded words, not of what was typed: "and", "And!"
        # and "and." are one feed (one cache entry), and nothing typed reaches the calendar text.
        title=FeedTitle(desk=feed.desk, query=" ".join(sorted(words))),
        words=words,
        stamp=stamp,
        created_at=feed.created_at,
    )


def warm_feeds(engine: Engine, cache: FeedCache) -> int:
    """Render every workspace's whole feed into `cache` (at start, on a thread of its own), so
    that the first calendar to ask after a restart does not wait for 10,000 events to be
    written. Returns how many were rendered."""
    with session(engine) as db:
        states = [_state(feed, schedule_stamp(db, team_id=feed.team_id), "") for feed in all_feeds(db)]
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
    return _rendered(engine, cache, state).body


def feed_gzipped(engine: Engine, cache: FeedCache, state: FeedState) -> bytes:
    """The feed gzipped, for clients that accept it: a tenth of the size or less, compressed
    when the feed is rendered."""
    cached = cache.get_gzipped(state)
    if cached is not None:
        return cached
    return _rendered(engine, cache, state).gzipped


def _rendered(engine: Engine, cache: FeedCache, state: FeedState) -> _Rendered:
    # One render at a time: a request that comes while the same feed is being rendered (at
    # start, or by a calendar that asked a moment before) waits for it rather than doing it again.
    with cache.rendering:
        found = cache.current(state)
        if found is not None:
            return found
        return _render(engine, cache, state)


def _render(engine: Engine, cache: FeedCache, state: FeedState) -> _Rendered:
    written = cache.written(state.team_id)
    with session(engine) as db:
        versions = feed_versions(db, team_id=state.team_id, words=state.words)
        stale = [event_id for event_id, key in versions if (held := written.get(event_id)) is None or held[0] != key]
        fresh = feed_events(db, team_id=state.team_id, ids=stale, words=state.words)
    now_written: dict[int, tuple[Hashable, bytes]] = {}
    for event_id, key in versions:
        event = fresh.get(event_id)
        if event is not None:
            now_written[event_id] = (key, event_lines(event))
        elif event_id in written:
            now_written[event_id] = written[event_id]
        # else: deleted between the two queries; the next request's stamp differs anyway.
    head = calendar_head(state.title)
    body = b"".join((head, *(lines for _key, lines in now_written.values()), CALENDAR_END))
    last = cache.last(state)
    segments = _segments(now_written, head, last.segments if last is not None else {})
    rendered = _Rendered(
        stamp=state.stamp.key,
        body=body,
        gzipped=_gzip(head, segments.values(), body),
        segments=segments,
    )
    if not state.words:
        # The whole schedule's lines replace the last ones, so that old versions go; a query's
        # feed only adds to them.
        cache.keep_written(state.team_id, now_written)
    else:
        cache.keep_written(state.team_id, {**written, **now_written})
    cache.put(state, rendered)
    return rendered


_Identity = tuple[tuple[int, Hashable], ...]


def _segments(
    written: dict[int, tuple[Hashable, bytes]], head: bytes, before: dict[tuple[_Identity, _Identity], bytes]
) -> dict[tuple[_Identity, _Identity], bytes]:
    """The events, in the feed's order, cut into runs of about SEGMENT_EVENTS, each compressed
    on its own, or taken from `before` when it holds the same events at the same versions after
    the same run.

    A run ends after an event chosen by its id alone, not at every n-th event, so that an event
    added, moved or removed changes its own run and leaves the others as they were cut. Each run
    is compressed with the run before it as its dictionary: a decompressor has those bytes in its
    window anyway, and a run compressed from nothing would lose a sixth of the compression. So
    a change compresses its run and the next one again."""
    segments: dict[tuple[_Identity, _Identity], bytes] = {}
    previous: _Identity = ()
    previous_chunks = [head]
    run: list[tuple[int, Hashable]] = []
    chunks: list[bytes] = []
    for event_id, (key, lines) in written.items():
        run.append((event_id, key))
        chunks.append(lines)
        if _ends_run(event_id) or len(run) >= 4 * SEGMENT_EVENTS:
            previous = _close(segments, before, previous, previous_chunks, tuple(run), chunks)
            previous_chunks, run, chunks = chunks, [], []
    if run:
        _close(segments, before, previous, previous_chunks, tuple(run), chunks)
    return segments


def _close(
    segments: dict[tuple[_Identity, _Identity], bytes],
    before: dict[tuple[_Identity, _Identity], bytes],
    previous: _Identity,
    previous_chunks: list[bytes],
    identity: _Identity,
    chunks: list[bytes],
) -> _Identity:
    found = before.get((previous, identity))
    if found is None:
        # Joined only here: after one change, two runs of a hundred and fifty.
        found = _deflate(b"".join(chunks), b"".join(previous_chunks))
    segments[(previous, identity)] = found
    return identity


def _ends_run(event_id: int) -> bool:
    """True for about one id in SEGMENT_EVENTS, spread over ids given in a row (an import)
    by Knuth's multiplicative hash, whose top bits mix all of the id's."""
    return ((event_id * _SPREAD) & 0xFFFFFFFF) >> _CUT_SHIFT == 0


def _deflate(data: bytes, preceding: bytes = b"") -> bytes:
    """`data` as raw deflate blocks that end on a byte (a sync flush), so that blocks
    compressed apart can follow one another in one stream. They may refer back into
    `preceding`, which must be what comes just before them in that stream."""
    window = preceding[-_WINDOW:]
    compressor = (
        zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=window)
        if window
        else zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    )
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _gzip(head: bytes, segments: Iterable[bytes], body: bytes) -> bytes:
    """One gzip member (RFC 1952) of `body`, which is `head`, the segments' events and the end:
    the segments were compressed when their events were written, so this is a checksum and a
    join. No file name and no time (mtime 0): the same feed gives the same bytes, whichever
    replica compressed it."""
    last = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    end = last.compress(CALENDAR_END) + last.flush(zlib.Z_FINISH)
    trailer = struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return b"".join((_GZIP_HEADER, _deflate(head), *segments, end, trailer))
