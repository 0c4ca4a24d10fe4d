"""Event rows built in memory, with their participants and trip, for rendering tests that
need no database."""

from __future__ import annotations

from datetime import timedelta

from domain.home import Dashboard, FollowNext, Part
from domain.listing import Listing, ListingOutcome, ListingRequest, Mode
from domain.vocabulary import Kind, Precision, Status
from storage.models import Event, Participant
from tests.support.schedule import START


def event(i: int = 0, **fields) -> Event:
    values = dict(
        id=i + 1,
        team_id="T",
        uid=f"e{i}",
        title=f"Meeting {i}",
        kind=Kind.BILATERAL,
        status=Status.CONFIRMED,
        precision=Precision.EXACT,
        starts_at=START + timedelta(hours=i),
        ends_at=None,
        finishes_at=START + timedelta(hours=i + 1),
        tz="Europe/Paris",
        city="Paris",
        country="France",
        venue="Élysée Palace",
        source_url="https://www.elysee.fr/",
        notes="",
        created_by="import",
        created_at=START,
        updated_by="import",
        updated_at=START,
    )
    participants = fields.pop("participants", ["Antony Blinken", "Emmanuel Macron"])
    trip = fields.pop("trip", None)
    values.update(fields)
    result = Event(**values)
    result.participants = [Participant(position=n, name=name) for n, name in enumerate(participants)]
    result.trip = trip
    return result


def listing(events, total=None, outcome=ListingOutcome.UPCOMING, text="blinken", offset=0) -> Listing:
    """A search listing of `events`, as the /trip builder receives it."""
    return Listing(ListingRequest(Mode.SEARCH, text, offset), outcome, events, total or len(events))


def dashboard(
    events=(),
    *,
    total=None,
    mine=(),
    gaps=(),
    follows=(),
    feeds=None,
    user_id="U0EDITOR",
    editor=True,
) -> Dashboard:
    """A Home tab dashboard of in-memory rows: `events` for the week (of `total` in all), the
    same kinds of rows for what the user covers and the gaps, (query, event) pairs for follows."""
    first = START.date()
    return Dashboard(
        user_id=user_id,
        now=START,
        days=(first, first + timedelta(days=6)),
        week=Part(list(events), total if total is not None else len(events)),
        mine=Part(list(mine), len(mine)),
        gaps=Part(list(gaps), len(gaps)),
        follows=[FollowNext(query, found) for query, found in follows],
        follows_total=len(follows),
        feeds=None if feeds is None else list(feeds),
        feeds_total=0 if feeds is None else len(feeds),
        editor=editor,
    )
