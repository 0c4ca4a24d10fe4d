"""Which events are key, and which chase for coverage each is owed when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from domain.coverage import chase_lead, chase_opens, is_key, needs_coverage
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
    ],
)
def test_never_owed(fields):
    assert chase_lead(event(**fields), START - timedelta(hours=10)) is None


def test_tentative_key_events_need_coverage_too():
    assert needs_coverage(event(status=Status.TENTATIVE))


def test_a_chase_falls_due_in_real_hours_across_a_dst_change():
    # Monday 31 March 2025, 10:00 CEST; Paris sprang forward the day before.
    monday = datetime(2025, 3, 31, 8, 0, tzinfo=UTC)
    assert chase_opens(monday, timedelta(hours=48)) == datetime(2025, 3, 29, 8, 0, tzinfo=UTC)
