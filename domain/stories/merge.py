"""One event mentioned twice is drafted once; a later mention adds its people; each draft gets a
title from its people and place."""

from __future__ import annotations

from dataclasses import replace

from domain.search import fold
from domain.stories.model import StoryDraft
from domain.vocabulary import Kind


def title_for(draft: StoryDraft) -> str:
    people = list(draft.participants)
    lead = surname(people[0]) if people else None
    others = [surname(p) for p in people[1:]]
    where = f" in {draft.city}" if draft.city else (f" in {draft.country}" if draft.country else "")
    if draft.kind is Kind.PRESS_CONFERENCE:
        who = " and ".join([n for n in [lead, *others] if n][:3])
        return f"Press conference: {who}" if who else f"Press conference{where}"
    if draft.kind is Kind.BILATERAL and lead and others:
        return f"{lead} meets {', '.join(others[:3])}"
    if draft.kind is Kind.SUMMIT:
        return f"Summit{where}" + (f" ({lead})" if lead else "")
    if lead:
        return f"{lead}{where}" if where else f"{lead}: {draft.kind.label}"
    return f"{draft.kind.label}{where}" if draft.kind is not Kind.OTHER else f"Event{where}"


def surname(name: str) -> str:
    parts = name.split()
    for particle in ("von", "van", "de", "da", "bin", "al-", "del"):
        if particle in [p.lower() for p in parts[:-1]]:
            index = [p.lower() for p in parts].index(particle)
            return " ".join(parts[index:])
    return parts[-1] if parts else name


def add_people(drafts: list[StoryDraft], found: list[StoryDraft]) -> None:
    """Add the people of a later mention to the latest draft at the same place."""
    for mention in found:
        for index in range(len(drafts) - 1, -1, -1):
            earlier = drafts[index]
            if fold(earlier.city or earlier.country or "") == fold(mention.city or mention.country or ""):
                people = (*earlier.participants, *(p for p in mention.participants if p not in earlier.participants))
                drafts[index] = replace(earlier, participants=people)
                break


def same_event(a: StoryDraft, b: StoryDraft) -> bool:
    """Two mentions of one event: same kind of thing, same place, same day and time, same people."""
    loose = {Kind.OTHER, Kind.VISIT}
    if a.kind is not b.kind and not {a.kind, b.kind} <= loose | {Kind.BILATERAL}:
        return False  # a summit, a speech and a press conference are each their own event
    if fold(a.city or a.country or "") != fold(b.city or b.country or ""):
        return False
    if (a.start.day if a.start else None) != (b.start.day if b.start else None):
        return False
    if a.start and b.start and a.start.hour is not None and b.start.hour is not None:
        if (a.start.hour, a.start.minute) != (b.start.hour, b.start.minute):
            return False
    others_a, others_b = set(a.participants[1:]), set(b.participants[1:])
    if others_a or others_b:
        return others_a == others_b or (bool(others_a & others_b) and a.kind is b.kind)
    # Nobody but (at most) one person named: the same only when it is the same person (or nobody
    # at all, as for a summit mentioned twice) and the same kind of event.
    return a.participants[:1] == b.participants[:1] and a.kind is b.kind
