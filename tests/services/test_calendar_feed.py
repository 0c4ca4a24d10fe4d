"""The feed's secret and its cache, on the real database: what is served from the cache is
what a render from nothing gives, after changes, deletions and queries."""

from __future__ import annotations

from datetime import timedelta

from domain.drafts import EventDraft
from domain.event_form import EventInput
from domain.vocabulary import Kind, Status
from services.calendar_feed import FeedCache, feed_body, feed_token, open_feed, rotate_feed, warm_feeds
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
