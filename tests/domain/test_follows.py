"""Which events a follow matches, and which changes a follower is told of."""

from __future__ import annotations

import pytest

from domain.follows import follow_key, key_words, matches, notice_for
from domain.reminders import lead_text
from domain.search import terms
from domain.snapshot import FieldChange


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Séjourné", "sejourne"),
        ("sejourne", "sejourne"),
        ("Stéphane  SÉJOURNÉ", "sejourne stephane"),
        ("Séjourné Stéphane", "sejourne stephane"),
        ("blinken blinken", "blinken"),
        ("NATO's summit", "nato summit"),
        ("a", ""),
    ],
)
def test_the_key_folds_accents_case_order_and_repeats(query, key):
    assert follow_key(query) == key


EVENT_TERMS = sorted(terms("Blinken and Séjourné: talks at the Quai d'Orsay", "Paris", "Antony Blinken"))


@pytest.mark.parametrize(
    ("query", "matched"),
    [
        ("blinken", True),
        ("séj", True),
        ("blinken paris", True),
        ("orsay quai", True),
        ("blinken brussels", False),
        ("macron", False),
        ("parisian", False),
    ],
)
def test_a_follow_matches_as_search_does_every_word_a_prefix_of_a_term(query, matched):
    assert matches(key_words(follow_key(query)), EVENT_TERMS) is matched


def test_no_words_match_nothing():
    assert not matches([], EVENT_TERMS)


def test_what_a_follower_is_told():
    moved = FieldChange("when", "Tue 2 Apr 2024, 10:00 CEST", "Tue 2 Apr 2024, 15:00 CEST")
    assert notice_for("created", []).action == "added"
    assert notice_for("deleted", []).action == "deleted"
    changed = notice_for("changed", [moved, FieldChange("title", "A", "B")])
    assert (changed.action, changed.summary) == ("changed", "Time: Tue 2 Apr 2024, 10:00 → 15:00 CEST")
    cancelled = notice_for("cancelled", [FieldChange("status", "Confirmed", "Cancelled")])
    assert (cancelled.action, cancelled.summary) == ("cancelled", "Status: Confirmed → Cancelled")
    assert notice_for("postponed", [FieldChange("status", "Confirmed", "Postponed")]).action == "postponed"
    # An import that cancels an event records it as a change of its status.
    assert notice_for("changed", [FieldChange("status", "Confirmed", "Cancelled")]).action == "cancelled"
    assert notice_for("changed", [FieldChange("place", "", "Brussels")]).summary == "Place: Brussels"


@pytest.mark.parametrize(
    "action, changes",
    [
        ("coverage", [FieldChange("coverage", "", "U0ALICE")]),
        ("changed", [FieldChange("notes", "a", "b")]),
        ("changed", [FieldChange("title", "a", "b"), FieldChange("channel", "C1", "C2")]),
        ("changed", [FieldChange("reminders", "1 hour", "1 day")]),
        ("confirmed", []),
    ],
)
def test_what_a_follower_is_not_told(action, changes):
    assert notice_for(action, changes) is None


def test_lead_text():
    assert [lead_text(m) for m in (1, 60, 90, 120, 1440, 2880)] == [
        "1 minute",
        "1 hour",
        "90 minutes",
        "2 hours",
        "1 day",
        "2 days",
    ]
