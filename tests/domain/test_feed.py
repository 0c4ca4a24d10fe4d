"""The merge of an import with editors' changes, field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from domain.drafts import EventDraft, TripRef
from domain.feed import draft_values, dumps, feed_differences, merge, values_draft
from domain.vocabulary import Status

DRAFT = EventDraft(
    uid="macron@feed",
    title="Blinken meets President Macron",
    starts_at=datetime(2024, 4, 2, 8, 0, tzinfo=UTC),
    ends_at=datetime(2024, 4, 2, 9, 0, tzinfo=UTC),
    tz="Europe/Paris",
    status=Status.CONFIRMED,
    venue="Élysée Palace",
    city="Paris",
    country="France",
    participants=("Antony Blinken", "Emmanuel Macron"),
    trip=TripRef("Antony Blinken", "Paris and Brussels"),
)
LATER = datetime(2024, 4, 2, 13, 0, tzinfo=UTC)


def values(**changes):
    return draft_values(replace(DRAFT, **changes))


@pytest.mark.parametrize(
    ("local", "new", "taken", "kept", "result"),
    [
        # The feed says what it said: the editor's value stays.
        ({"status": Status.CANCELLED}, {}, [], [], {"status": Status.CANCELLED}),
        # The feed changed, nobody edited: the feed's value.
        ({}, {"title": "Talks"}, ["title"], [], {"title": "Talks"}),
        # Both changed: the editor's value stays.
        ({"title": "Mine"}, {"title": "Talks"}, [], ["title"], {"title": "Mine"}),
        # The feed changed to what the editor set: nothing to do.
        ({"title": "Talks"}, {"title": "Talks"}, [], [], {"title": "Talks"}),
        # One field from each side.
        ({"title": "Mine"}, {"starts_at": LATER, "ends_at": None}, ["when"], [], {"title": "Mine", "starts_at": LATER}),
        # A field is kept whole: the editor's end never goes with the feed's start.
        ({"ends_at": LATER}, {"starts_at": LATER, "ends_at": None}, [], ["when"], {"ends_at": LATER}),
        ({"city": "Versailles"}, {"venue": "Quai d'Orsay"}, [], ["place"], {"city": "Versailles"}),
        ({}, {"trip": None, "participants": ("Antony Blinken",)}, ["participants", "trip"], [], {"trip": None}),
    ],
)
def test_merge(local, new, taken, kept, result):
    outcome = merge(local=values(**local), last=values(), new=values(**new))
    assert (outcome.taken, outcome.kept) == (taken, kept)
    merged = values_draft(DRAFT.uid, outcome.values)
    for name, value in result.items():
        assert getattr(merged, name) == value


def test_without_what_the_feed_last_said_the_event_counts_as_the_feeds():
    outcome = merge(local=values(status=Status.CANCELLED), last=None, new=values())
    assert outcome.taken == ["status"] and values_draft(DRAFT.uid, outcome.values).status is Status.CONFIRMED


def test_values_survive_the_round_trip():
    assert values_draft(DRAFT.uid, values()) == DRAFT


def stored(draft: EventDraft, feed_values: str | None) -> SimpleNamespace:
    """An event with the attributes `feed_differences` reads, as the store gives them back."""
    fields = {name: getattr(draft, name) for name in draft.__dataclass_fields__}
    fields["participants"] = [SimpleNamespace(name=name) for name in draft.participants]
    return SimpleNamespace(**fields, feed_values=feed_values)


def test_differences_are_what_a_reader_can_see():
    feed = dumps(values())
    assert feed_differences(stored(DRAFT, None)) == []
    assert feed_differences(stored(DRAFT, feed)) == []
    (status,) = feed_differences(stored(replace(DRAFT, status=Status.CANCELLED), feed))
    assert (status.field, status.old, status.new) == ("status", "Cancelled", "Confirmed")
    # Seconds no card shows are no difference to show.
    assert feed_differences(stored(replace(DRAFT, starts_at=DRAFT.starts_at.replace(second=30)), feed)) == []
