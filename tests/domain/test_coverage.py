"""Which events are key, and which chase for coverage each is owed when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from domain.coverage import PENDING, SENDING, SENT, chase_lead, chase_opens, chase_owed, is_key, needs_coverage
from domain.vocabulary import Kind, Precision, Status

START = datetime(2024, 7, 9, 4, 0, tzinfo=UTC)


def event(**fields) -> SimpleNamespace:
    values = {
        "kind": Kind.SUMMIT,
        "marked_key": False,
        "status": Status.CONFIRMED,
        "precision": Precision.DAY,
        "starts_at": START,
        "deleted_at": None,
        "past_record": False,
        "coverage": [],
    }
    return SimpleNamespace(**{**values, **fields})


@pytest.mark.parametrize(
    ("kind", "marked", "key"),
    [
        (Kind.SUMMIT, False, True),
        (Kind.MINISTERIAL, False, True),
        (Kind.BILATERAL, False, False),
        (Kind.BILATERAL, True, True),
        (Kind.PRESS_CONFERENCE, True, True),
    ],
)
def test_key_by_kind_or_by_an_editors_mark(kind, marked, key):
    assert is_key(event(kind=kind, marked_key=marked)) is key


@pytest.mark.parametrize(
    ("before", "owed"),
    [
        (timedelta(hours=49), None),
        (timedelta(hours=48, seconds=1), None),
        (timedelta(hours=48), 48),
        (timedelta(hours=24, seconds=1), 48),
        (timedelta(hours=24), 24),
        (timedelta(minutes=5), 24),
        (timedelta(0), None),
        (-timedelta(hours=1), None),
    ],
)
def test_the_nearest_lead_whose_moment_has_come(before, owed):
    lead = chase_lead(event(), START - before)
    assert (lead and int(lead.total_seconds() // 3600)) == owed


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.CANCELLED},
        {"status": Status.POSTPONED},
        {"coverage": [SimpleNamespace(user_id="U0ALICE")]},
        {"deleted_at": START},
        {"kind": Kind.VISIT},
        {"precision": Precision.MONTH},
        {"past_record": True},
    ],
)
def test_never_owed(fields):
    assert not needs_coverage(event(**fields))
    assert chase_lead(event(**fields), START - timedelta(hours=10)) is None


DAY = timedelta(hours=24)


def chased(status=SENT, *, starts_at=START, chased_at=START - DAY, claimed_until=None) -> SimpleNamespace:
    return SimpleNamespace(status=status, starts_at=starts_at, chased_at=chased_at, claimed_until=claimed_until)


@pytest.mark.parametrize(
    ("last", "nearer", "start", "owed"),
    [
        (None, None, START, True),
        (chased(), None, START, False),
        (chased(PENDING), None, START, True),
        (chased(SENDING, claimed_until=START - DAY + timedelta(minutes=5)), None, START, False),
        (chased(SENDING, claimed_until=START - DAY - timedelta(seconds=1)), None, START, True),
        # Moved later: again only by a quarter of the lead (6 hours of 24) or more.
        (chased(), None, START + timedelta(minutes=10), False),
        (chased(), None, START + timedelta(hours=5, minutes=59), False),
        (chased(), None, START + timedelta(hours=6), True),
        # Moved later, but first chased (made key late) after the new start's mark: already said.
        (chased(chased_at=START - timedelta(hours=10)), None, START + timedelta(hours=7), False),
        # Moved earlier.
        (chased(), None, START - timedelta(hours=2), False),
    ],
)
def test_a_24_hour_chase_owed_again(last, nearer, start, owed):
    assert chase_owed(last, nearer, starts_at=start, lead_time=DAY, now=START - DAY) is owed


@pytest.mark.parametrize(
    ("moved", "owed"),
    [
        (timedelta(hours=1), False),
        # The 24-hour chase went 36 hours before the new start: within its 48 hours already.
        (timedelta(hours=12), False),
        (timedelta(hours=25), True),
    ],
)
def test_a_48_hour_chase_never_sent_after_a_24_hour_one_unless_moved_past_it(moved, owed):
    # Down at the 48-hour mark, chased at 24 hours; then put back: the 48-hour chase now due
    # for the new start counts the 24-hour one sent for the old.
    start = START + moved
    now = start - timedelta(hours=48) + timedelta(hours=23)  # 25 hours to go: the 48-hour lead
    assert chase_owed(None, chased(), starts_at=start, lead_time=2 * DAY, now=now) is owed


def test_tentative_key_events_need_coverage_too():
    assert needs_coverage(event(status=Status.TENTATIVE))


def test_a_chase_falls_due_in_real_hours_across_a_dst_change():
    # Monday 31 March 2025, 10:00 CEST; Paris sprang forward the day before.
    monday = datetime(2025, 3, 31, 8, 0, tzinfo=UTC)
    assert chase_opens(monday, timedelta(hours=48)) == datetime(2025, 3, 29, 8, 0, tzinfo=UTC)
