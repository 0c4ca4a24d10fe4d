"""The words that make a sentence about an event, and its tense: "will meet", "arrived", "is due to"."""

from __future__ import annotations

import re
from typing import Any

from domain.vocabulary import Kind

_MEETING_VERBS = {"meet", "talk", "confer", "hold", "host", "receive", "welcome", "discuss", "negotiate"}
_TRAVEL_VERBS = {"visit", "travel", "head", "fly", "arrive", "tour", "stop", "go", "return", "land", "come"}
_ATTEND_VERBS = {
    "attend", "join", "participate", "convene", "chair", "co-chair", "open", "lead", "gather", "address",
    "speak", "deliver", "sign", "resume", "begin", "converge", "start", "hold",
}  # fmt: skip
_EVENT_NOUNS = {
    "summit": Kind.SUMMIT,
    "ministerial": Kind.MINISTERIAL,
    "ministers": Kind.MINISTERIAL,
    "conference": Kind.OTHER,
    "forum": Kind.OTHER,
    "meeting": Kind.BILATERAL,
    "talks": Kind.BILATERAL,
    "visit": Kind.VISIT,
    "trip": Kind.VISIT,
    "dinner": Kind.OTHER,
    "lunch": Kind.OTHER,
    "luncheon": Kind.OTHER,
    "banquet": Kind.OTHER,
    "ceremony": Kind.OTHER,
    "speech": Kind.SPEECH,
    "address": Kind.SPEECH,
    "session": Kind.OTHER,
    "gathering": Kind.OTHER,
    "signing": Kind.OTHER,
    "reception": Kind.OTHER,
    "debate": Kind.OTHER,
    "arrival": Kind.OTHER,
    "welcome": Kind.OTHER,
    "statement": Kind.SPEECH,
    "statements": Kind.SPEECH,
}  # fmt: skip


_AUDIENCES = {"reporters", "journalists", "media", "press"}


_FUTURE_MARKERS = re.compile(
    r"\b(?:will|shall|'ll|is to|are to|was to|were to|due to|scheduled to|expected to|set to|slated to|going to|"
    r"plans? to|planned to|would|intends? to|hopes? to|aims? to|is (?:travell?ing|heading|flying|meeting|visiting)|"
    r"are (?:travell?ing|heading|flying|meeting|visiting))\b|\b(?:could|may|might)\b(?! \d)",
    re.I,
)


def triggers_in(sent: Any) -> list[tuple[Any, Kind]]:
    """The sentence's event words, the main one (nearest the root) first."""
    found: list[tuple[Any, Kind]] = []
    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX"):
            if lemma == "brief" and any(
                child.lower_ in ("reporters", "journalists", "media", "press") for child in token.children
            ):
                found.append((token, Kind.PRESS_CONFERENCE))
            elif lemma == "be" and any(
                child.dep_ == "prep" and child.lower_ == "in" and any(g.ent_type_ == "GPE" for g in child.children)
                for child in token.children
            ):
                found.append((token, Kind.VISIT))  # "Xi will be in Hanoi on April 14-15"
            elif lemma in _MEETING_VERBS or lemma == "speak" and any(c.lower_ == "with" for c in token.children):
                found.append((token, Kind.BILATERAL))  # "he will speak with Séjourné" is a meeting
            elif lemma in _TRAVEL_VERBS:
                found.append((token, Kind.VISIT))
            elif lemma in _ATTEND_VERBS:
                found.append((token, Kind.OTHER))
        elif token.pos_ in ("NOUN", "PROPN") and lemma in _EVENT_NOUNS:
            found.append((token, _EVENT_NOUNS[lemma]))
    if not found:
        return []

    def depth(token: Any) -> int:
        return sum(1 for _ in token.ancestors)

    found.sort(key=lambda item: (depth(item[0]), item[0].i))
    main_token, main_kind = found[0]
    # A verb of travel or attendance takes the kind of the event it leads to ("head to Brussels
    # for talks", "attend a summit").
    for token, kind in found[1:]:
        if kind is not Kind.OTHER and token.pos_ in ("NOUN", "PROPN") and main_token in token.ancestors:
            if main_kind in (Kind.OTHER, Kind.VISIT):
                main_kind = kind
                break
    return [(main_token, main_kind), *found[1:]]


def tense(sent: Any) -> bool | None:
    """True for a future clause, False for a past one, None when the sentence does not say."""
    text = sent.text
    if _FUTURE_MARKERS.search(text):
        return True
    root = sent.root
    if root.tag_ in ("VBD", "VBN") or any(t.tag_ == "VBD" and t.dep_ in ("ROOT", "conj") for t in sent):
        return False
    return None
