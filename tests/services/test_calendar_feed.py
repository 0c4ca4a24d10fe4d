"""The feed's secret and its cache, on the real database: what is served from the cache is
what a render from nothing gives, after changes, deletions and queries."""

from __future__ import annotations

import gzip
import random
import zlib
from datetime import timedelta

from domain.calendar_feed import CALENDAR_END
from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, Status
from services.calendar_feed import (
    FeedCache,
    _gzip,
    _segments,
    feed_body,
    feed_gzipped,
    feed_token,
    open_feed,
    rotate_feed,
    warm_feeds,
)
from services.editing import delete_event, new_uid, save_event, set_status
from tests.support.schedule import START, TEAM


def add(engine, clock, title: str, hours: int = 0):
    draft = EventDraft(
        uid=new_uid(),
        title=title,
        starts_at=START + timedelta(hours=hours),
        tz="Europe/Paris",
        kind=Kind.BILATERAL,
        status=Status.CONFIRMED,
        city="Paris",
        participants=("Antony Blinken", "Stéphane Séjourné"),
    )
    form = EventInput(draft=draft, trip_id=None, channel_id=None, lead_times=(60,), past_record=False)
    return save_event(engine, team_id=TEAM, actor="U0EDITOR", form=form, now=clock(), default_channel=None).event


def served(engine, cache, token, query=""):
    state = open_feed(engine, token=token, query=query)
    assert state is not None
    return state, feed_body(engine, cache, state)


def from_nothing(engine, token, query=""):
    return served(engine, FeedCache(), token, query)[1]


def test_the_cache_serves_what_a_render_from_nothing_gives_after_every_change(engine, clock, sample):
    token = feed_token(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=clock())
    cache = FeedCache()
    state, first = served(engine, cache, token)
    assert first == from_nothing(engine, token)
    assert served(engine, cache, token) == (state, first)

    event = add(engine, clock, "Blinken meets Cassis")
    state_added, added = served(engine, cache, token)
    assert state_added.etag != state.etag and added != first
    assert added == from_nothing(engine, token)

    clock.advance(timedelta(minutes=1))
    event = set_status(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        status=Status.CANCELLED,
        now=clock(),
        default_channel=None,
    ).event
    cancelled = served(engine, cache, token)[1]
    assert b"SUMMARY:Cancelled: Blinken meets Cassis" in cancelled
    assert cancelled == from_nothing(engine, token)

    # A query's feed between two renders of the whole one leaves both right.
    assert served(engine, cache, token, "cassis")[1] == from_nothing(engine, token, "cassis")

    delete_event(
        engine,
        team_id=TEAM,
        actor="U0EDITOR",
        event_id=event.id,
        version=event.version,
        now=clock(),
        default_channel=None,
    )
    deleted = served(engine, cache, token)[1]
    assert b"Cassis" not in deleted
    assert deleted == from_nothing(engine, token) == first


def test_warming_renders_every_workspaces_feed_before_anyone_asks(engine, clock, sample):
    token = feed_token(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=clock())
    cache = FeedCache()
    assert warm_feeds(engine, cache) == 1
    state = open_feed(engine, token=token)
    assert state is not None
    assert cache.get(state) == from_nothing(engine, token)


def test_the_token_is_long_random_and_the_same_until_rotated(engine, clock):
    first = feed_token(engine, team_id=TEAM, actor="U0READER", desk="newsroom", now=clock())
    assert len(first) == 55
    assert feed_token(engine, team_id=TEAM, actor="U0EDITOR", desk="other", now=clock()) == first
    other_team = feed_token(engine, team_id="T0OTHER", actor="U0X", desk="other", now=clock())
    assert other_team != first
    rotated = rotate_feed(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=clock())
    assert rotated != first and rotated[:12] != first[:12] and rotated[12:] != first[12:]
    assert open_feed(engine, token=first) is None
    opened = open_feed(engine, token=rotated)
    assert opened is not None and opened.team_id == TEAM
    assert open_feed(engine, token=other_team).team_id == "T0OTHER"


def test_the_gzipped_feed_is_one_member_of_the_feed_whether_cached_or_rendered_from_nothing(engine, clock, sample):
    token = feed_token(engine, team_id=TEAM, actor="U0EDITOR", desk="newsroom", now=clock())
    cache = FeedCache()
    state = open_feed(engine, token=token)
    assert state is not None
    packed = feed_gzipped(engine, cache, state)
    body = feed_body(engine, cache, state)
    # A decompressor that stops at the end of the first member still gets the whole feed.
    one_member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert one_member.decompress(packed) == body and one_member.eof and one_member.unused_data == b""
    assert packed == gzip.compress(body, mtime=0)[:10] + packed[10:]  # the header gzip itself writes

    clock.advance(timedelta(minutes=1))
    add(engine, clock, "Blinken meets Cassis")
    changed = open_feed(engine, token=token)
    assert changed is not None
    again = feed_gzipped(engine, cache, changed)
    assert gzip.decompress(again) == feed_body(engine, cache, changed) != body
    assert again == feed_gzipped(engine, FeedCache(), changed)


def _chunk(event_id: int, version: int) -> bytes:
    lines = ["BEGIN:VEVENT", f"UID:{event_id}@x", f"SEQUENCE:{version}", f"SUMMARY:Talks {event_id % 7}", "END:VEVENT"]
    return "\r\n".join([*lines, ""]).encode()


def test_one_change_compresses_its_segment_and_the_next_again_and_no_other():
    head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    order = random.Random(5).sample(range(1, 2001), 2000)
    written = {event_id: ((1, "t0"), _chunk(event_id, 1)) for event_id in order}
    before = _segments(written, head, {})
    assert len(before) > 10

    changed = dict(written)
    changed[order[900]] = ((2, "t1"), _chunk(order[900], 2))
    del changed[order[1500]]
    after = _segments(changed, head, before)
    assert len(set(after) - set(before)) <= 4  # two for the change, two for the removal
    assert after == _segments(changed, head, {})

    body = b"".join((head, *(lines for _key, lines in changed.values()), CALENDAR_END))
    assert gzip.decompress(_gzip(head, after.values(), body)) == body
