"""Follows: which events a followed query matches, and which changes a follower hears about.

A follow matches an event exactly as `/trip <query>` finds it: every word of the query is the
start of one of the event's search terms (domain/search.py). Its key is the query's folded
words, sorted, so that "Séjourné" and "sejourne", or "macron blinken" and "blinken macron", are
one follow.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from domain.search import query_words
from domain.snapshot import FieldChange, compact_change
from domain.vocabulary import Status

# Follows one user may have: enough for a beat, few enough that every change stays cheap to match.
MAX_FOLLOWS = 50
# The changes a follower is told of: when and where it is, and whether it still happens.
NOTIFIED_FIELDS = ("when", "place", "status")
# What a notice says happened, as FollowNotice.action keeps it.
ADDED, CHANGED, CANCELLED, POSTPONED, DELETED = "added", "changed", "cancelled", "postponed", "deleted"
# One DM standing for the rest of a change that touched many followed events at once.
MORE = "more"
# DMs one change (an import of a whole calendar) may owe one follower; past it, the last says
# how many more there were.
MAX_NOTICES_PER_CHANGE = 10


def follow_key(query: str) -> str:
    """The follow's identity: "Stéphane  Séjourné" → "sejourne stephane"."""
    return " ".join(sorted(set(query_words(query))))


def key_words(key: str) -> list[str]:
    return key.split()


def matches(words: Sequence[str], sorted_terms: Sequence[str]) -> bool:
    """Whether every word starts one of the event's terms (`sorted_terms` in ascending order)."""
    for word in words:
        at = bisect_left(sorted_terms, word)
        if at == len(sorted_terms) or not sorted_terms[at].startswith(word):
            return False
    return bool(words)


@dataclass(frozen=True)
class Notice:
    action: str
    # One line per field, "Time: Tue 2 Apr 2024, 10:00 → 11:00 CEST".
    summary: str


_LABELS = {"when": "Time", "place": "Place", "status": "Status"}


def notice_for(action: str, changes: Collection[FieldChange]) -> Notice | None:
    """What a follower is told of one line of an event's history (`action` as EventChange
    keeps it: created, changed, cancelled, deleted, coverage…), or None when it is nothing
    they follow events for: coverage, notes, the desk's reminder settings."""
    if action == "created":
        return Notice(ADDED, "")
    if action == "deleted":
        return Notice(DELETED, "")
    if action == "coverage":
        return None
    told = [c for c in changes if c.field in NOTIFIED_FIELDS]
    if not told:
        return None
    summary = "\n".join(_line(c) for c in told)
    status = next((c.new for c in told if c.field == "status"), None)
    if status is not None and status.lower() == Status.CANCELLED.value:
        return Notice(CANCELLED, summary)
    if status is not None and status.lower() == Status.POSTPONED.value:
        return Notice(POSTPONED, summary)
    return Notice(CHANGED, summary)


def more_summary(count: int) -> str:
    return f"{count} more events you follow were added or changed at the same time"


def _line(change: FieldChange) -> str:
    label = _LABELS[change.field or ""]
    old, new = change.old or "", change.new or ""
    if old and new:
        return f"{label}: {compact_change(old, new)}"
    return f"{label}: {new or 'none'}" if new else f"{label}: {old} → none"
